import { describe, expect, it } from 'vitest';
import { ConflictError, ValidationError } from '../../../functions/domain/errors.js';
import {
  applyFulfillmentAction,
  fromStates,
  pickupCodeFrom,
  TRANSITIONS,
  type FulfillmentContext,
  type FulfillmentResult,
} from '../../../functions/domain/fulfillment/machine.js';
import { reservedOf, type FulfillmentOrderState } from '../../../functions/domain/fulfillment/model.js';
import { aContext, aFulfillmentOrder, NOW } from './factories.js';

/** Applies actions in turn, each on the previous result, and returns the last result. */
function run(
  fo: FulfillmentOrderState,
  steps: [action: string, body: unknown][],
  context: FulfillmentContext = aContext(),
): FulfillmentResult {
  let result: FulfillmentResult = { fulfillmentOrder: fo, effects: [], events: [] };
  for (const [action, body] of steps)
    result = applyFulfillmentAction(result.fulfillmentOrder, action, body, context);
  return result;
}

function errorOf(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}

const PICK_ALL = {
  lines: [
    { lineId: '1', quantity: 2 },
    { lineId: '2', quantity: 1 },
  ],
};
const PACK_ALL = {
  packages: [
    {
      lines: [
        { lineId: '1', quantity: 2 },
        { lineId: '2', quantity: 1 },
      ],
      weightGrams: 800,
    },
  ],
};
const SHIP = { carrier: 'CTT', service: 'Expresso', trackingNumber: 'EA123456789PT' };

describe('applyFulfillmentAction: a parcel from a store', () => {
  it('goes accept → pick → pack → ship and consumes the stock it reserved, once, at shipping', () => {
    const picked = run(aFulfillmentOrder(), [
      ['accept', {}],
      ['pick', PICK_ALL],
    ]);
    const packed = run(picked.fulfillmentOrder, [['pack', PACK_ALL]]);
    const shipped = run(packed.fulfillmentOrder, [['ship', SHIP]]);

    expect(picked.fulfillmentOrder.status).toBe('PICKED');
    expect(packed.fulfillmentOrder.packages).toEqual([{ packageId: 'ID-1', ...PACK_ALL.packages[0] }]);
    expect(shipped.fulfillmentOrder.status).toBe('SHIPPED');
    expect(shipped.effects).toEqual([
      { type: 'consume_stock', sku: 'TSHIRT-BLUE-M', locationId: 'store-lisbon', quantity: 2 },
      { type: 'consume_stock', sku: 'MUG-WHITE', locationId: 'store-lisbon', quantity: 1 },
    ]);
    expect(shipped.events).toEqual([
      {
        detailType: 'ShipmentCreated',
        detail: expect.objectContaining({
          eventId: 'FO-1:v5:ShipmentCreated',
          carrier: 'CTT',
          service: 'Expresso',
          trackingNumber: 'EA123456789PT',
          status: 'SHIPPED',
          occurredAt: NOW,
          lines: [
            { lineId: '1', sku: 'TSHIRT-BLUE-M', quantity: 2 },
            { lineId: '2', sku: 'MUG-WHITE', quantity: 1 },
          ],
        }),
      },
    ]);
  });

  it('announces the acceptance with an event id made of the fulfillment order and its version', () => {
    const { fulfillmentOrder, events } = run(aFulfillmentOrder(), [['accept', {}]]);

    expect(fulfillmentOrder).toMatchObject({ status: 'ACCEPTED', version: 2, updatedAt: NOW });
    expect(events).toEqual([
      {
        detailType: 'FulfillmentOrderAccepted',
        detail: {
          version: '1',
          eventId: 'FO-1:v2:FulfillmentOrderAccepted',
          fulfillmentOrderId: 'FO-1',
          orderId: 'ORD-1',
          locationId: 'store-lisbon',
          kind: 'ship',
          status: 'ACCEPTED',
          occurredAt: NOW,
        },
      },
    ]);
  });

  it('ships in parts: PARTIALLY_SHIPPED after the first parcel, SHIPPED after the last', () => {
    const packed = run(aFulfillmentOrder(), [
      ['accept', {}],
      ['pick', PICK_ALL],
      ['pack', PACK_ALL],
    ]).fulfillmentOrder;
    const first = run(packed, [['ship', { ...SHIP, lines: [{ lineId: '1', quantity: 2 }] }]]);
    const second = run(first.fulfillmentOrder, [['ship', { ...SHIP, trackingNumber: 'EA2PT' }]]);

    expect(first.fulfillmentOrder.status).toBe('PARTIALLY_SHIPPED');
    expect(second.fulfillmentOrder.status).toBe('SHIPPED');
    expect(second.fulfillmentOrder.shipments.map((s) => [s.trackingNumber, s.lines])).toEqual([
      ['EA123456789PT', [{ lineId: '1', quantity: 2 }]],
      ['EA2PT', [{ lineId: '2', quantity: 1 }]],
    ]);
  });

  it('follows carrier tracking to IN_TRANSIT and DELIVERED, and ignores a stale event', () => {
    const shipped = run(aFulfillmentOrder(), [
      ['accept', {}],
      ['pick', PICK_ALL],
      ['pack', PACK_ALL],
      ['ship', SHIP],
    ]).fulfillmentOrder;
    const shipmentId = shipped.shipments[0]!.shipmentId;
    const moving = run(shipped, [['track', { shipmentId, status: 'in_transit', occurredAt: NOW }]]);
    const delivered = run(moving.fulfillmentOrder, [
      ['track', { shipmentId, status: 'delivered', occurredAt: '2026-12-02T15:00:00Z' }],
    ]);
    const stale = run(delivered.fulfillmentOrder, [
      ['track', { shipmentId, status: 'in_transit', occurredAt: NOW }],
    ]);

    expect(moving.fulfillmentOrder.status).toBe('IN_TRANSIT');
    expect(delivered.fulfillmentOrder.status).toBe('DELIVERED');
    expect(delivered.events.map((event) => event.detailType)).toEqual(['ShipmentDelivered']);
    expect(delivered.fulfillmentOrder.shipments[0]!.deliveredAt).toBe('2026-12-02T15:00:00Z');
    expect(stale).toEqual({ fulfillmentOrder: delivered.fulfillmentOrder, effects: [], events: [] });
  });
});

describe('applyFulfillmentAction: rejections and short picks', () => {
  it('rejects the whole order: releases every unit, gives capacity back and asks for a re-route', () => {
    const { fulfillmentOrder, effects, events } = run(aFulfillmentOrder(), [
      ['reject', { reason: 'closed' }],
    ]);

    expect(fulfillmentOrder.status).toBe('REJECTED');
    expect(effects).toEqual([
      { type: 'release_stock', sku: 'TSHIRT-BLUE-M', locationId: 'store-lisbon', quantity: 2 },
      { type: 'release_stock', sku: 'MUG-WHITE', locationId: 'store-lisbon', quantity: 1 },
      { type: 'release_capacity', locationId: 'store-lisbon' },
      {
        type: 'reroute',
        excludeLocationId: 'store-lisbon',
        lines: [
          { lineId: '1', sku: 'TSHIRT-BLUE-M', quantity: 2 },
          { lineId: '2', sku: 'MUG-WHITE', quantity: 1 },
        ],
      },
    ]);
    expect(events[0]).toMatchObject({ detailType: 'FulfillmentOrderRejected', detail: { whole: true } });
  });

  it('rejects some lines and keeps the rest, without giving capacity back', () => {
    const { fulfillmentOrder, effects } = run(aFulfillmentOrder(), [
      ['accept', {}],
      ['reject', { reason: 'damaged', lines: [{ lineId: '2', quantity: 1 }] }],
    ]);

    expect(fulfillmentOrder.status).toBe('ACCEPTED');
    expect(fulfillmentOrder.lines.map(reservedOf)).toEqual([2, 0]);
    expect(effects.map((effect) => effect.type)).toEqual(['release_stock', 'reroute']);
  });

  it('turns a short pick into a rejection of the missing units and a stock correction', () => {
    const { fulfillmentOrder, effects, events } = run(aFulfillmentOrder(), [
      ['accept', {}],
      [
        'pick',
        {
          lines: [
            { lineId: '1', quantity: 1 },
            { lineId: '2', quantity: 1 },
          ],
        },
      ],
    ]);

    expect(fulfillmentOrder.status).toBe('PICKED');
    expect(fulfillmentOrder.lines[0]).toMatchObject({ quantity: 2, picked: 1, released: 1 });
    expect(effects).toEqual([
      { type: 'release_stock', sku: 'TSHIRT-BLUE-M', locationId: 'store-lisbon', quantity: 1 },
      {
        type: 'adjust_stock',
        sku: 'TSHIRT-BLUE-M',
        locationId: 'store-lisbon',
        quantityDelta: -1,
        reason: 'correction',
      },
      {
        type: 'reroute',
        excludeLocationId: 'store-lisbon',
        lines: [{ lineId: '1', sku: 'TSHIRT-BLUE-M', quantity: 1 }],
      },
    ]);
    expect(events.map((event) => event.detailType)).toEqual([
      'FulfillmentOrderPicked',
      'FulfillmentOrderRejected',
    ]);
  });

  it('rejects the whole order when nothing was found on the shelf', () => {
    const { fulfillmentOrder } = run(aFulfillmentOrder(), [
      ['accept', {}],
      [
        'pick',
        {
          lines: [
            { lineId: '1', quantity: 0 },
            { lineId: '2', quantity: 0 },
          ],
        },
      ],
    ]);

    expect(fulfillmentOrder.status).toBe('REJECTED');
  });

  it('asks a pick to list every open line', () => {
    const error = errorOf(() =>
      run(aFulfillmentOrder(), [
        ['accept', {}],
        ['pick', { lines: [{ lineId: '1', quantity: 2 }] }],
      ]),
    );

    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).issues).toEqual([
      { path: 'lines', message: 'line 2 is missing (list it with quantity 0 if none was found)' },
    ]);
  });

  it('moves nothing for a drop-ship vendor: the OMS holds none of its stock', () => {
    const { effects } = run(aFulfillmentOrder({ kind: 'dropship' }), [['reject', { reason: 'no stock' }]]);

    expect(effects.map((effect) => effect.type)).toEqual(['reroute']);
  });
});

describe('applyFulfillmentAction: pick-up', () => {
  it('issues a six-digit code from the injected random source and hands over the stock at pick-up', () => {
    const ready = run(aFulfillmentOrder({ kind: 'pickup' }), [
      ['accept', {}],
      ['pick', PICK_ALL],
      ['ready-for-pickup', {}],
    ]);
    const collected = run(ready.fulfillmentOrder, [['picked-up', { pickupCode: '135790' }]]);

    expect(ready.fulfillmentOrder).toMatchObject({ status: 'READY_FOR_PICKUP', pickupCode: '135790' });
    expect(ready.events[0]).toMatchObject({
      detailType: 'OrderReadyForPickup',
      detail: { pickupCode: '135790', pickupLocationId: 'store-lisbon' },
    });
    expect(collected.fulfillmentOrder).toMatchObject({ status: 'PICKED_UP', pickedUpAt: NOW });
    expect(collected.effects.map((effect) => effect.type)).toEqual(['consume_stock', 'consume_stock']);
  });

  it('refuses a wrong pick-up code as bad input', () => {
    const ready = run(aFulfillmentOrder({ kind: 'pickup' }), [
      ['accept', {}],
      ['pick', PICK_ALL],
      ['ready-for-pickup', {}],
    ]).fulfillmentOrder;

    const error = errorOf(() => run(ready, [['picked-up', { pickupCode: '000000' }]]));

    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).issues).toEqual([
      { path: 'pickupCode', message: 'does not match the code issued' },
    ]);
  });

  it('waits for inbound transfers before the pick-up is ready', () => {
    const picked = run(aFulfillmentOrder({ kind: 'pickup' }), [
      ['accept', {}],
      ['pick', PICK_ALL],
    ]).fulfillmentOrder;

    const error = errorOf(() =>
      run(picked, [['ready-for-pickup', {}]], aContext({ pendingInboundTransfers: 1 })),
    );

    expect(error).toBeInstanceOf(ConflictError);
    expect((error as ConflictError).details).toMatchObject({ guard: 'inbound_transfers_received' });
  });

  it('ships a transfer at the source and receives it at the store, which makes the pick-up ready', () => {
    const transfer = aFulfillmentOrder({
      kind: 'transfer',
      locationId: 'wh-porto',
      transferTo: 'store-lisbon',
    });
    const shipped = run(transfer, [
      ['accept', {}],
      ['pick', PICK_ALL],
      ['pack', PACK_ALL],
      ['ship', SHIP],
    ]);
    const received = run(shipped.fulfillmentOrder, [['receive', {}]]);
    const collected = run(received.fulfillmentOrder, [['picked-up', { pickupCode: '135790' }]]);

    expect(shipped.effects).toEqual([
      { type: 'consume_stock', sku: 'TSHIRT-BLUE-M', locationId: 'wh-porto', quantity: 2 },
      { type: 'consume_stock', sku: 'MUG-WHITE', locationId: 'wh-porto', quantity: 1 },
    ]);
    expect(received.fulfillmentOrder.status).toBe('READY_FOR_PICKUP');
    expect(received.events.map((event) => [event.detailType, event.detail.locationId])).toEqual([
      ['FulfillmentOrderReceived', 'wh-porto'],
      ['OrderReadyForPickup', 'wh-porto'],
    ]);
    expect(received.events[1]!.detail).toMatchObject({ pickupLocationId: 'store-lisbon' });
    expect(collected.fulfillmentOrder.status).toBe('PICKED_UP');
    expect(collected.effects).toEqual([]);
  });
});

describe('applyFulfillmentAction: cancel requests', () => {
  it('cancels work not started at once', () => {
    const { fulfillmentOrder, effects } = run(aFulfillmentOrder(), [
      ['request-cancel', { reason: 'customer' }],
    ]);

    expect(fulfillmentOrder.status).toBe('CANCELED');
    expect(effects.map((effect) => effect.type)).toEqual([
      'release_stock',
      'release_stock',
      'release_capacity',
    ]);
  });

  it('asks a location at work, which may accept (units released) or refuse (work goes on)', () => {
    const requested = run(aFulfillmentOrder(), [
      ['accept', {}],
      ['request-cancel', { reason: 'customer', lines: [{ lineId: '1', quantity: 1 }] }],
    ]).fulfillmentOrder;
    const accepted = run(requested, [['accept-cancel', {}]]);
    const refused = run(requested, [['refuse-cancel', { reason: 'already on the bench' }]]);

    expect(requested.cancelRequest).toEqual({
      reason: 'customer',
      lines: [{ lineId: '1', quantity: 1 }],
      requestedAt: NOW,
    });
    expect(accepted.fulfillmentOrder).toMatchObject({ status: 'ACCEPTED' });
    expect(accepted.fulfillmentOrder.cancelRequest).toBeUndefined();
    expect(accepted.fulfillmentOrder.lines.map(reservedOf)).toEqual([1, 1]);
    expect(refused.fulfillmentOrder.cancelRequest).toBeUndefined();
    expect(refused.events.map((event) => event.detailType)).toEqual(['FulfillmentCancelRefused']);
    // Both answers are kept on the fulfillment order, with the step (version) that made them.
    expect(accepted.fulfillmentOrder.cancelAnswers).toEqual([
      {
        answer: 'accepted',
        requestReason: 'customer',
        lines: [{ lineId: '1', quantity: 1 }],
        requestedAt: NOW,
        answeredAt: NOW,
        version: accepted.fulfillmentOrder.version,
      },
    ]);
    expect(refused.fulfillmentOrder.cancelAnswers).toMatchObject([
      { answer: 'refused', reason: 'already on the bench', version: refused.fulfillmentOrder.version },
    ]);
  });

  it('refuses an answer when no cancel request waits (409, guard cancel_pending)', () => {
    const accepted = run(aFulfillmentOrder(), [['accept', {}]]).fulfillmentOrder;

    for (const [action, body] of [
      ['accept-cancel', {}],
      ['refuse-cancel', { reason: 'nothing to refuse' }],
    ] as const) {
      const error = errorOf(() => run(accepted, [[action, body]]));
      expect(error).toBeInstanceOf(ConflictError);
      expect((error as ConflictError).details).toMatchObject({ guard: 'cancel_pending', action });
    }
  });

  it('holds other work while a cancel request waits for an answer', () => {
    const requested = run(aFulfillmentOrder(), [
      ['accept', {}],
      ['request-cancel', { reason: 'customer' }],
    ]).fulfillmentOrder;

    const error = errorOf(() => run(requested, [['pick', PICK_ALL]]));

    expect(error).toBeInstanceOf(ConflictError);
    expect((error as ConflictError).details).toMatchObject({
      currentState: 'ACCEPTED',
      guard: 'no_pending_cancel',
    });
  });

  it('refuses a cancel once packed with a 409 naming the state and a hint to return the goods', () => {
    const packed = run(aFulfillmentOrder(), [
      ['accept', {}],
      ['pick', PICK_ALL],
      ['pack', PACK_ALL],
    ]).fulfillmentOrder;

    const error = errorOf(() => run(packed, [['request-cancel', { reason: 'customer' }]]));

    expect(error).toBeInstanceOf(ConflictError);
    expect((error as ConflictError).message).toMatch(/it is PACKED/);
    expect((error as ConflictError).details).toMatchObject({
      currentState: 'PACKED',
      allowedFrom: ['CREATED', 'ACCEPTED', 'PICKED'],
      hint: expect.stringMatching(/return/),
    });
  });
});

describe('applyFulfillmentAction: out of order and bad input', () => {
  it('answers an action out of order with a conflict naming the current state', () => {
    const error = errorOf(() => run(aFulfillmentOrder(), [['ship', SHIP]]));

    expect(error).toBeInstanceOf(ConflictError);
    expect((error as ConflictError).message).toBe(
      'Can not ship fulfillment order FO-1: it is CREATED (ship is allowed from PACKED, PARTIALLY_SHIPPED).',
    );
    expect((error as ConflictError).details).toMatchObject({ currentState: 'CREATED', action: 'ship' });
  });

  it('answers an action that does not apply to the kind with a conflict', () => {
    const error = errorOf(() => run(aFulfillmentOrder(), [['ready-for-pickup', {}]]));

    expect(error).toBeInstanceOf(ConflictError);
    expect((error as ConflictError).message).toMatch(/does not apply to a ship fulfillment order/);
  });

  it('validates bodies with field paths, before looking at the state', () => {
    const error = errorOf(() =>
      run(aFulfillmentOrder(), [['ship', { carrier: '', trackingUrl: 'ftp://x' }]]),
    );

    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).issues.map((issue) => issue.path)).toEqual([
      'carrier',
      'trackingNumber',
      'trackingUrl',
    ]);
  });

  it('refuses more units than a line still holds, and lines it does not have', () => {
    const error = errorOf(() =>
      run(aFulfillmentOrder(), [
        [
          'reject',
          {
            reason: 'x',
            lines: [
              { lineId: '1', quantity: 3 },
              { lineId: '9', quantity: 1 },
            ],
          },
        ],
      ]),
    );

    expect((error as ValidationError).issues).toEqual([
      { path: 'lines/0/quantity', message: 'exceeds the 2 unit(s) still held here' },
      { path: 'lines/1/lineId', message: 'is not a line of this fulfillment order' },
    ]);
  });

  it('names an unknown action as bad input', () => {
    expect(errorOf(() => run(aFulfillmentOrder(), [['teleport', {}]]))).toBeInstanceOf(ValidationError);
  });

  it('refuses packages holding more than was picked', () => {
    const picked = run(aFulfillmentOrder(), [
      ['accept', {}],
      ['pick', PICK_ALL],
    ]).fulfillmentOrder;

    const error = errorOf(() =>
      run(picked, [['pack', { packages: [{ lines: [{ lineId: '1', quantity: 3 }] }] }]]),
    );

    expect((error as ValidationError).issues).toEqual([
      { path: 'packages/0/lines/0/quantity', message: 'exceeds the 2 unit(s) picked and not packed' },
    ]);
  });
});

describe('the transition table', () => {
  it('names every action once, each allowed from at least one state', () => {
    const actions = TRANSITIONS.map((transition) => transition.action);

    expect(new Set(actions).size).toBe(actions.length);
    expect(TRANSITIONS.every((transition) => fromStates(transition).length > 0)).toBe(true);
  });

  it('lets nothing leave a terminal state except late tracking that changes nothing', () => {
    const leaving = TRANSITIONS.flatMap((transition) =>
      transition.moves
        .filter(
          ([from, to]) => ['REJECTED', 'CANCELED', 'DELIVERED', 'PICKED_UP'].includes(from) && from !== to,
        )
        .map(([from, to]) => `${transition.action}: ${from} -> ${to}`),
    );

    expect(leaving).toEqual([]);
  });
});

describe('pickupCodeFrom', () => {
  it('maps six draws to six digits and refuses a broken source', () => {
    expect(pickupCodeFrom(() => 0.999)).toBe('999999');
    expect(() => pickupCodeFrom(() => 1)).toThrow(/not a number in \[0, 1\)/);
  });
});
