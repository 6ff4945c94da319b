import { describe, expect, it, vi } from 'vitest';
import {
  counterSaleFulfillment,
  counterSaleOrder,
  counterSaleReceipts,
} from '../../../functions/domain/inventory/counter-sale.js';
import { posSaleMovements, PosSaleBatch } from '../../../functions/domain/inventory/movement.js';
import { orderIdentifiers } from '../../../functions/domain/customers/identity.js';
import { factsOf } from '../../../functions/domain/reports/facts.js';
import { handedOver } from '../../../functions/domain/service/fulfillment-view.js';
import { planCancellation } from '../../../functions/domain/service/cancel.js';
import { ConflictError, ValidationError } from '../../../functions/domain/errors.js';
import { parseOrThrow } from '../../../functions/domain/validation.js';
import {
  recordCounterSales,
  type CounterSalesDeps,
} from '../../../functions/inventory/record-counter-sales.js';

/** A till receipt of two sales, paid in euros, with the customer a loyalty lookup found. */
const aReceiptBatch = (overrides: Record<string, unknown> = {}) => ({
  who: 'till-3',
  channelId: 'store-pos',
  receipts: [
    {
      receiptId: 'R-1001',
      currency: 'EUR',
      customer: { email: 'Ana@Example.com', phone: '912 345 678', name: 'Ana Lima' },
      taxesIncluded: true,
      orderDiscount: 100,
    },
  ],
  sales: [
    {
      saleId: 'S-2',
      sku: 'TEA',
      quantity: 1,
      occurredAt: '2026-11-22T10:04:00+01:00',
      receiptId: 'R-1001',
      unitPrice: 550,
      tax: 103,
    },
    {
      saleId: 'S-1',
      sku: 'MUG',
      quantity: 2,
      occurredAt: '2026-11-22T10:01:00+01:00',
      receiptId: 'R-1001',
      unitPrice: 1200,
      discount: 200,
      tax: 412,
    },
    { saleId: 'S-3', sku: 'MUG', quantity: 1, occurredAt: '2026-11-22T09:00:00Z' },
  ],
  ...overrides,
});

const parse = (body: unknown) => parseOrThrow(PosSaleBatch, body, 'POS sale batch');
function anOrderOfTheReceipt() {
  const [receipt] = counterSaleReceipts('LISBON', parse(aReceiptBatch()));
  return counterSaleOrder({
    receipt: receipt!,
    locationId: 'LISBON',
    channelId: 'store-pos',
    orderId: 'O-POS-1',
    now: '2026-11-22T12:00:00.000Z',
    defaultCountry: 'PT',
  });
}

describe('a POS upload with a till receipt', () => {
  it('still takes the upload of sales alone, as before receipts existed', () => {
    const batch = parse({
      who: 'till-3',
      sales: [{ saleId: 'S-9', sku: 'MUG', quantity: 1, occurredAt: '2026-11-22T09:00:00Z' }],
    });
    expect(counterSaleReceipts('LISBON', batch)).toEqual([]);
    expect(posSaleMovements('LISBON', batch)).toEqual([
      {
        saleId: 'S-9',
        movement: {
          type: 'pos_sale',
          movementId: 'pos:LISBON:S-9',
          who: 'till-3',
          sku: 'MUG',
          locationId: 'LISBON',
          quantity: 1,
          occurredAt: '2026-11-22T09:00:00Z',
        },
      },
    ]);
  });

  it('makes the stock movements of every sale, and of the receipt one order whose lines are its sales as rung up', () => {
    const batch = parse(aReceiptBatch());
    expect(posSaleMovements('LISBON', batch).map(({ movement }) => movement.movementId)).toEqual([
      'pos:LISBON:S-3',
      'pos:LISBON:S-1',
      'pos:LISBON:S-2',
    ]);
    const [receipt, ...others] = counterSaleReceipts('LISBON', batch);
    expect(others).toEqual([]);
    expect(receipt).toMatchObject({ receiptId: 'R-1001', saleIds: ['S-1', 'S-2'] });
    expect(receipt!.canonical).toMatchObject({
      externalId: 'LISBON:R-1001',
      placedAt: '2026-11-22T10:04:00+01:00',
      currency: 'EUR',
      customer: { email: 'Ana@Example.com', phone: '912 345 678', name: 'Ana Lima' },
      fulfillment: { type: 'pickup', locationId: 'LISBON' },
      taxesIncluded: true,
      orderDiscount: 100,
      shippingPrice: 0,
      lines: [
        { lineId: 'S-1', sku: 'MUG', quantity: 2, unitPrice: 1200, discount: 200, tax: 412 },
        { lineId: 'S-2', sku: 'TEA', quantity: 1, unitPrice: 550, discount: 0, tax: 103 },
      ],
    });
  });

  it('becomes an order COMPLETED at the counter, keyed to its customer as a channel order is', () => {
    const order = anOrderOfTheReceipt();
    expect(order).toMatchObject({
      orderId: 'O-POS-1',
      channelId: 'store-pos',
      status: 'COMPLETED',
      placedAt: '2026-11-22T09:04:00.000Z',
      counterSale: { locationId: 'LISBON', receiptId: 'R-1001' },
      customerKey: 'email:ana@example.com',
      reconciliation: { status: 'not_stated', computed: { subtotal: 2950, discount: 300, total: 2650 } },
    });
    // The national number is read in the POS channel's country, as a channel order's is.
    expect(orderIdentifiers(order, 'PT')).toEqual([
      { type: 'email', value: 'ana@example.com' },
      { type: 'phone', value: '+351912345678' },
    ]);
  });

  it('has its goods collected at the till: returnable, not cancelable, and never reserved', () => {
    const order = anOrderOfTheReceipt();
    const collected = counterSaleFulfillment(order, 'FO-POS-1');
    expect(collected).toMatchObject({
      locationId: 'LISBON',
      kind: 'pickup',
      status: 'PICKED_UP',
      pickedUpAt: order.placedAt,
    });
    expect(collected.lines.every((line) => line.quantity - line.shipped - line.released === 0)).toBe(true);
    expect(handedOver(order.orderId, [collected])).toEqual([
      { lineId: 'S-1', quantity: 2, at: order.placedAt },
      { lineId: 'S-2', quantity: 1, at: order.placedAt },
    ]);
    expect(() => planCancellation(order, [collected], [], { reason: 'customer asked' })).toThrow(
      ConflictError,
    );
  });

  it('is counted once as a sale of its store, not as click-and-collect, and its collection counts no fulfillment work', () => {
    const order = anOrderOfTheReceipt();
    const context = {
      timeZone: 'UTC',
      locationType: () => 'store',
      order: () => order,
      firstRouting: () => [],
    };
    const [placed, ...others] = factsOf({ entityType: 'Order', current: order }, context);
    expect(others).toEqual([]);
    expect(placed).toMatchObject({ factId: 'order-placed:O-POS-1' });
    expect(placed!.sales).toEqual(
      expect.arrayContaining([
        {
          dimension: 'channel',
          value: 'store-pos',
          currency: 'EUR',
          measures: expect.objectContaining({ orders: 1, revenue: 2650 }),
        },
        {
          dimension: 'location',
          value: 'LISBON',
          currency: 'EUR',
          measures: expect.objectContaining({ orders: 1 }),
        },
      ]),
    );
    expect(placed!.fulfillment).toEqual({ ordersPlaced: 1, unitsSold: 3 });
    const collected = counterSaleFulfillment(order, 'FO-POS-1');
    expect(factsOf({ entityType: 'FulfillmentOrder', current: collected }, context)).toEqual([]);
  });

  it('refuses, naming each field, a receipt that would not be a valid order', () => {
    const batch = aReceiptBatch({
      receipts: [
        { receiptId: 'R-1', currency: 'EUR' },
        { receiptId: 'R-1', currency: 'XXQ' },
        { receiptId: 'R-EMPTY', currency: 'EUR', customer: { email: 'not-an-email' } },
      ],
      sales: [
        { saleId: 'A', sku: 'MUG', quantity: 1, occurredAt: '2026-11-22T10:00:00Z', receiptId: 'R-1' },
        {
          saleId: 'B',
          sku: 'MUG',
          quantity: 200_000,
          occurredAt: '2026-11-22T10:00:00Z',
          receiptId: 'R-1',
          unitPrice: 1,
        },
        {
          saleId: 'C',
          sku: 'MUG#1',
          quantity: 1,
          occurredAt: '2026-11-22T10:00:00Z',
          receiptId: 'R-1',
          unitPrice: 100,
          discount: 101,
        },
        {
          saleId: 'C',
          sku: 'MUG',
          quantity: 1,
          occurredAt: '2026-11-22T10:00:00Z',
          receiptId: 'R-GONE',
          unitPrice: 1,
        },
        { saleId: 'D', sku: 'MUG', quantity: 1, occurredAt: '2026-11-22T10:00:00Z', unitPrice: 1 },
        {
          saleId: 'E',
          sku: 'MUG',
          quantity: 1,
          occurredAt: '2026-11-22T10:00:00Z',
          receiptId: 'R-1',
          unitPrice: 100_000_000_001,
        },
      ],
    });
    expect(() => parse(batch)).toThrow(ValidationError);
    const paths = (() => {
      try {
        parse(batch);
      } catch (error) {
        return (error as ValidationError).issues.map((issue) => issue.path);
      }
    })();
    expect(paths).toEqual(
      expect.arrayContaining([
        'receipts/1/receiptId',
        'receipts/1/currency',
        'receipts/2/customer/email',
        'sales/0/unitPrice',
        'sales/1/quantity',
        'sales/2/sku',
        'sales/2/discount',
        'sales/2/saleId',
        'sales/3/receiptId',
        'sales/4/unitPrice',
        'sales/5/unitPrice',
      ]),
    );
    expect(() => parse(aReceiptBatch({ channelId: undefined }))).toThrow(
      expect.objectContaining({
        issues: [{ path: 'channelId', message: 'is required when the batch has receipts' }],
      }),
    );
    const [receipt] = aReceiptBatch().receipts;
    expect(() =>
      parse(aReceiptBatch({ receipts: [receipt, { receiptId: 'R-2', currency: 'EUR' }] })),
    ).toThrow(
      expect.objectContaining({
        issues: [{ path: 'receipts/1', message: 'has no sale (no sale names it)' }],
      }),
    );
  });
});

describe('recording the orders of an upload', () => {
  const batch = () => parse(aReceiptBatch());
  const args = (sales: Parameters<typeof recordCounterSales>[1]['sales']) => ({
    locationId: 'LISBON',
    channelId: 'store-pos',
    defaultCountry: 'PT',
    batch: batch(),
    receipts: counterSaleReceipts('LISBON', batch()),
    sales,
  });
  const recorded = (saleId: string) => ({
    saleId,
    status: 'recorded' as const,
    movementId: `pos:LISBON:${saleId}`,
    oversold: false,
  });
  const deps = (createCounterSaleOrder: CounterSalesDeps['createCounterSaleOrder']): CounterSalesDeps => ({
    createCounterSaleOrder,
    newId: (() => {
      let n = 0;
      return () => `ID-${++n}`;
    })(),
    now: () => new Date('2026-11-22T12:00:00Z'),
  });

  it('writes the order with its collected goods and the receipt as the till sent it', async () => {
    const create = vi.fn<CounterSalesDeps['createCounterSaleOrder']>(async () => ({ created: true }));
    const results = await recordCounterSales(
      deps(create),
      args([recorded('S-1'), recorded('S-2'), recorded('S-3')]),
    );
    expect(results).toEqual([{ receiptId: 'R-1001', status: 'created', orderId: 'ID-1' }]);
    const [order, collected, received] = create.mock.calls[0]!;
    expect(order).toMatchObject({ orderId: 'ID-1', status: 'COMPLETED' });
    expect(collected).toMatchObject({ fulfillmentOrderId: 'ID-2', orderId: 'ID-1', status: 'PICKED_UP' });
    expect(received.format).toBe('pos-receipt');
    expect(JSON.parse(received.rawBody).sales.map((sale: { saleId: string }) => sale.saleId)).toEqual([
      'S-2',
      'S-1',
    ]);
  });

  it('writes no order for a receipt whose sale was rejected', async () => {
    const create = vi.fn<CounterSalesDeps['createCounterSaleOrder']>();
    const rejected = {
      saleId: 'S-2',
      status: 'rejected' as const,
      movementId: 'pos:LISBON:S-2',
      error: 'taken',
    };
    expect(await recordCounterSales(deps(create), args([recorded('S-1'), rejected]))).toEqual([
      { receiptId: 'R-1001', status: 'rejected', error: 'Sale "S-2" was rejected.' },
    ]);
    expect(create).not.toHaveBeenCalled();
  });

  it('fails the upload when the store fails, so that the till sends it again', async () => {
    const create = vi.fn<CounterSalesDeps['createCounterSaleOrder']>(async () => {
      throw new Error('ProvisionedThroughputExceededException');
    });
    await expect(recordCounterSales(deps(create), args([recorded('S-1'), recorded('S-2')]))).rejects.toThrow(
      'ProvisionedThroughputExceededException',
    );
  });
});
