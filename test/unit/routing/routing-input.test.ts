import { describe, expect, it } from 'vitest';
import { decide, type RoutingPlan } from '../../../functions/domain/routing/index.js';
import {
  backorderAfterConflicts,
  buildRoutingInput,
  capacityChargesOf,
  capacityDaysOf,
  fulfillmentOrdersOf,
  localDay,
  orderStatusFor,
  reservationsOf,
  toRoutingLocation,
  toRoutingOrder,
  toStockBySku,
} from '../../../functions/domain/routing/routing-input.js';
import { Location as LocationSchema, type Location } from '../../../functions/domain/location.js';
import { parseRuleSet } from '../../../functions/domain/routing/rules.js';
import { newStockLevel } from '../../../functions/domain/stock.js';
import { DEFAULT_RULE_SET } from '../../../functions/data/rules-repository.js';
import { anOrder } from '../../helpers/records.js';

const NOW = '2026-11-22T10:05:00.000Z';

const aConfiguredLocation = (overrides: Partial<Location> = {}): Location => ({
  locationId: 'porto-1',
  name: 'Porto Centro',
  type: 'store',
  address: { city: 'Porto', region: '13', country: 'PT' },
  lat: 41.15,
  lon: -8.61,
  timeZone: 'Europe/Lisbon',
  capabilities: ['ship', 'pickup'],
  dailyCapacity: 40,
  priority: 20,
  costPerShipment: 450,
  costCurrency: 'EUR',
  active: true,
  ...overrides,
});

const aPlan = (
  fulfillmentOrders: RoutingPlan['fulfillmentOrders'],
  outcome: RoutingPlan['outcome'] = 'routed',
) => ({
  outcome,
  ruleSetId: 'rules',
  ruleSetVersion: 1,
  fulfillmentOrders,
  unplaced: [],
  explanation: { strategiesTried: [], candidates: [], decision: ['decided'] },
});

describe('toRoutingOrder', () => {
  it('takes the destination, the value and each line value in minor units from the stored order', () => {
    const order = anOrder(
      {},
      {
        lines: [
          {
            lineId: '1',
            sku: 'MUG',
            quantity: 3,
            unitPrice: 1000,
            discount: 500,
            attributes: { hazmat: 'no' },
          },
        ],
      },
    );

    expect(toRoutingOrder(order)).toEqual({
      orderId: order.orderId,
      channelId: 'web',
      fulfillment: { type: 'ship' },
      destination: { country: 'PT', postalCode: '1100-053', lat: 38.7103, lon: -9.1366 },
      lines: [{ lineId: '1', sku: 'MUG', quantity: 3, value: 2500 }],
      value: 4953,
      currency: 'EUR',
      tags: [],
      placedAt: order.placedAt,
      skuAttributes: { MUG: { hazmat: 'no' } },
    });
  });

  it('keeps the pickup store and routes only the given lines when some are rerouted', () => {
    const order = anOrder({}, { fulfillment: { type: 'pickup', locationId: 'porto-1' } });

    const routing = toRoutingOrder(order, [{ lineId: '1', sku: 'TSHIRT-BLUE-M', quantity: 1 }]);

    expect(routing.fulfillment).toEqual({ type: 'pickup', locationId: 'porto-1' });
    expect(routing.lines).toEqual([{ lineId: '1', sku: 'TSHIRT-BLUE-M', quantity: 1 }]);
  });
});

describe('toRoutingLocation', () => {
  it('flattens the address and adds the capacity used today', () => {
    expect(toRoutingLocation(aConfiguredLocation(), 12)).toEqual({
      locationId: 'porto-1',
      type: 'store',
      lat: 41.15,
      lon: -8.61,
      country: 'PT',
      region: '13',
      capabilities: ['ship', 'pickup'],
      dailyCapacity: 40,
      capacityUsed: 12,
      priority: 20,
      costPerShipment: 450,
      active: true,
    });
  });
});

describe('toStockBySku', () => {
  it('gives the engine stock net of reservations but not of safety stock, which it applies itself', () => {
    const level = {
      ...newStockLevel({ sku: 'MUG', locationId: 'porto-1', onHand: 10, safetyStock: 2, now: NOW }),
    };
    level.reserved = 3;

    expect(toStockBySku([level]).get('MUG')?.get('porto-1')).toEqual({ available: 7, safetyStock: 2 });
  });
});

describe('buildRoutingInput', () => {
  it('lets the engine route a stored order from stored stock without promising safety stock', () => {
    const order = anOrder();
    const plan = decide(
      buildRoutingInput({
        order,
        locations: [aConfiguredLocation()],
        stockLevels: [
          newStockLevel({ sku: 'TSHIRT-BLUE-M', locationId: 'porto-1', onHand: 3, safetyStock: 2, now: NOW }),
        ],
        ruleSet: DEFAULT_RULE_SET,
        now: NOW,
      }),
    );

    expect(plan.outcome).toBe('partially_routed');
    expect(reservationsOf(plan)).toEqual([{ sku: 'TSHIRT-BLUE-M', locationId: 'porto-1', quantity: 1 }]);
  });
});

describe('reservationsOf', () => {
  it('adds up the units per (sku, location) and reserves nothing for drop-ship lines', () => {
    const plan = aPlan([
      {
        locationId: 'porto-1',
        kind: 'ship',
        lines: [
          { lineId: '1', sku: 'MUG', quantity: 2 },
          { lineId: '2', sku: 'MUG', quantity: 1 },
        ],
      },
      {
        locationId: 'lisboa-1',
        kind: 'transfer',
        transferTo: 'porto-1',
        lines: [{ lineId: '3', sku: 'MUG', quantity: 4 }],
      },
      { locationId: 'vendor-1', kind: 'dropship', lines: [{ lineId: '4', sku: 'SOFA', quantity: 1 }] },
    ]);

    expect(reservationsOf(plan)).toEqual([
      { sku: 'MUG', locationId: 'porto-1', quantity: 3 },
      { sku: 'MUG', locationId: 'lisboa-1', quantity: 4 },
    ]);
  });
});

describe('fulfillmentOrdersOf', () => {
  it('gives each planned shipment its own id, status CREATED and the decision time', () => {
    const ids = ['FO-1', 'FO-2'];
    const plan = aPlan([
      {
        locationId: 'porto-1',
        kind: 'ship',
        lines: [{ lineId: '1', sku: 'MUG', quantity: 1 }],
        distanceKm: 3,
      },
      { locationId: 'lisboa-1', kind: 'ship', lines: [{ lineId: '2', sku: 'CUP', quantity: 1 }] },
    ]);

    const created = fulfillmentOrdersOf(plan, { orderId: 'O-1', newId: () => ids.shift()!, now: NOW });

    expect(created.map((fo) => [fo.fulfillmentOrderId, fo.status, fo.createdAt, fo.distanceKm])).toEqual([
      ['FO-1', 'CREATED', NOW, 3],
      ['FO-2', 'CREATED', NOW, undefined],
    ]);
  });
});

describe('orderStatusFor', () => {
  const shipment = { locationId: 'porto-1', kind: 'ship' as const, lines: [] };
  it.each([
    ['routed', [shipment], 'ROUTED'],
    ['partially_routed', [shipment], 'PARTIALLY_ROUTED'],
    ['backordered', [], 'BACKORDERED'],
    ['parked', [], 'PARKED'],
    ['review', [], 'PARKED'],
    ['preorder', [], 'BACKORDERED'],
    ['preorder', [shipment], 'PARTIALLY_ROUTED'],
    ['cancel', [], 'CANCELED'],
    ['cancel', [shipment], 'ROUTED'],
  ] as const)('moves a %s plan with %j to %s', (outcome, fulfillmentOrders, status) => {
    expect(orderStatusFor({ outcome, fulfillmentOrders: [...fulfillmentOrders] })).toBe(status);
  });
});

describe('backorderAfterConflicts', () => {
  it('reserves nothing, leaves every line unplaced and says why', () => {
    const plan = aPlan([
      { locationId: 'porto-1', kind: 'ship', lines: [{ lineId: '1', sku: 'MUG', quantity: 2 }] },
    ]);

    const backorder = backorderAfterConflicts(plan, [{ lineId: '1', sku: 'MUG', quantity: 2 }], 4);

    expect(backorder.outcome).toBe('backordered');
    expect(reservationsOf(backorder)).toEqual([]);
    expect(backorder.unplaced).toEqual([
      { lineId: '1', sku: 'MUG', quantity: 2, reason: 'insufficient_stock' },
    ]);
    expect(backorder.explanation.decision.at(-1)).toMatch(/4 consecutive decisions/);
  });
});

describe('localDay', () => {
  it('is the calendar day at the location, which differs from UTC around midnight', () => {
    expect(localDay('2026-11-22T23:30:00.000Z', 'UTC')).toBe('2026-11-22');
    expect(localDay('2026-11-22T23:30:00.000Z', 'Europe/Berlin')).toBe('2026-11-23');
    expect(localDay('2026-11-23T03:00:00.000Z', 'America/Los_Angeles')).toBe('2026-11-22');
    expect(localDay('2026-07-01T23:30:00.000Z', 'Europe/Lisbon')).toBe('2026-07-02');
  });
});

describe('a configured location time zone', () => {
  it('must be an IANA name, so that its day can be told', () => {
    const { timeZone: _timeZone, ...withoutZone } = aConfiguredLocation();
    expect(LocationSchema.safeParse({ ...withoutZone, timeZone: 'Europe/Lisboa' }).success).toBe(false);
    expect(LocationSchema.parse(withoutZone).timeZone).toBe('UTC');
  });
});

describe('capacityDaysOf', () => {
  it('reads the counters of active locations with a daily capacity, for their own day', () => {
    const locations = [
      aConfiguredLocation({ locationId: 'lisbon', timeZone: 'Europe/Lisbon', dailyCapacity: 5 }),
      aConfiguredLocation({ locationId: 'tokyo', timeZone: 'Asia/Tokyo', dailyCapacity: 5 }),
      aConfiguredLocation({ locationId: 'unlimited', dailyCapacity: undefined }),
      aConfiguredLocation({ locationId: 'closed', active: false }),
    ];

    expect(capacityDaysOf(locations, '2026-11-22T20:00:00.000Z')).toEqual([
      { locationId: 'lisbon', day: '2026-11-22' },
      { locationId: 'tokyo', day: '2026-11-23' },
    ]);
  });
});

describe('capacityChargesOf', () => {
  const locations = [
    aConfiguredLocation({ locationId: 'store', dailyCapacity: 3 }),
    aConfiguredLocation({ locationId: 'warehouse', dailyCapacity: undefined }),
    aConfiguredLocation({ locationId: 'vendor', dailyCapacity: 9 }),
  ];
  const ruleSet = (requireCapacity: boolean) =>
    parseRuleSet({
      ruleSetId: 'capacity',
      version: 1,
      strategies: [
        {
          name: 'nearest',
          filters: { requireCapacity },
          ranking: ['distance'],
          split: { policy: 'allow' },
          onUnplaceable: 'backorder',
        },
      ],
    });
  const line = { lineId: '1', sku: 'MUG', quantity: 1 };
  const plan = {
    strategy: 'nearest',
    fulfillmentOrders: [
      { locationId: 'store', kind: 'pickup' as const, lines: [line] },
      { locationId: 'warehouse', kind: 'transfer' as const, lines: [line], transferTo: 'store' },
      { locationId: 'warehouse', kind: 'ship' as const, lines: [line] },
      { locationId: 'vendor', kind: 'dropship' as const, lines: [line] },
    ],
  };

  it('counts customer-facing fulfillment orders per location, limited when the strategy requires capacity', () => {
    expect(capacityChargesOf(plan, locations, ruleSet(true), NOW)).toEqual([
      { locationId: 'store', day: '2026-11-22', count: 1, limit: 3 },
      { locationId: 'warehouse', day: '2026-11-22', count: 1 },
    ]);
  });

  it('counts without a limit when the strategy does not require capacity', () => {
    expect(capacityChargesOf(plan, locations, ruleSet(false), NOW)).toEqual([
      { locationId: 'store', day: '2026-11-22', count: 1 },
      { locationId: 'warehouse', day: '2026-11-22', count: 1 },
    ]);
  });
});
