import { describe, expect, it } from 'vitest';
import { CustomerViewSchema } from '../../../functions/domain/customers/api.js';
import { personalValues, scrubItem, TOMBSTONE } from '../../../functions/domain/customers/erasure.js';
import {
  openOrderReasons,
  toCustomerView,
  type CustomerOrderRecords,
} from '../../../functions/domain/customers/view.js';
import type { Order } from '../../../functions/domain/order.js';

const order = {
  pk: 'ORDER#01ORDER',
  sk: 'ORDER',
  entityType: 'Order',
  orderId: '01ORDER',
  channelId: 'web',
  placedAt: '2026-11-22T10:00:00.000Z',
  currency: 'EUR',
  status: 'COMPLETED',
  version: 7,
  customerKey: 'email:ana@example.com',
  customer: { email: 'ana@example.com', name: 'Ana Silva', phone: '+351912345678', id: 'shop-customer-9' },
  shippingAddress: {
    name: 'Ana Silva',
    line1: 'Rua Augusta 100',
    city: 'Lisboa',
    postalCode: '1100-053',
    region: 'Lisboa',
    country: 'PT',
    lat: 38.7103,
    lon: -9.1366,
  },
  note: 'Leave with the neighbour, Ana Silva is away',
  lines: [{ lineId: '1', sku: 'TSHIRT-BLUE-M', name: 'T-shirt', quantity: 2, unitPrice: 1999, tax: 460 }],
  totals: { subtotal: 3998, discount: 0, tax: 460, shipping: 495, total: 4953 },
};
const raw = {
  pk: 'ORDER#01ORDER',
  sk: 'RAW',
  entityType: 'RawPayload',
  orderId: '01ORDER',
  rawBody: '{"email":"ana@example.com"}',
  format: 'canonical',
};

describe('erasing a person from an order', () => {
  const values = personalValues([order, raw], ['ana@example.com']);

  it("finds the person's values in the customer and in every address, whatever else the items hold", () => {
    expect(values).toEqual(
      expect.arrayContaining([
        'ana@example.com',
        'Ana Silva',
        '+351912345678',
        'shop-customer-9',
        'Rua Augusta 100',
        'Lisboa',
        '1100-053',
      ]),
    );
    expect(values).not.toContain('T-shirt');
  });

  it('replaces them with tombstones and keeps the ids, SKUs, amounts, dates, country and region', () => {
    const { item, changed } = scrubItem(order, values);

    expect(changed).toBe(true);
    expect(JSON.stringify(item)).not.toMatch(
      /ana@example\.com|Ana Silva|912345678|Rua Augusta|1100-053|shop-customer/,
    );
    expect(item.customerKey).toBeUndefined();
    expect(item.customer).toEqual({ email: TOMBSTONE, name: TOMBSTONE, phone: TOMBSTONE, id: TOMBSTONE });
    expect(item.shippingAddress).toEqual({
      name: TOMBSTONE,
      line1: TOMBSTONE,
      city: TOMBSTONE,
      postalCode: TOMBSTONE,
      region: 'Lisboa',
      country: 'PT',
    });
    expect(item.note).toBe(TOMBSTONE);
    expect(item.lines).toEqual(order.lines);
    expect(item.totals).toEqual(order.totals);
    expect({ ...item, customer: 0, shippingAddress: 0, note: 0 }).toEqual({
      ...order,
      customerKey: undefined,
      customer: 0,
      shippingAddress: 0,
      note: 0,
    });
  });

  it('replaces a raw channel payload whole, and finds nothing more to change the second time', () => {
    const once = scrubItem(raw, values);
    expect(once.item.rawBody).toBe(TOMBSTONE);
    expect(scrubItem(once.item, values).changed).toBe(false);
    expect(scrubItem(scrubItem(order, values).item, values).changed).toBe(false);
  });
});

const records = (
  status: Order['status'],
  currency: string,
  total: number,
  extra: Partial<CustomerOrderRecords> = {},
) =>
  ({
    link: {
      customerId: 'C',
      orderId: `${currency}-${total}`,
      channelId: 'web',
      placedAt: '2026-11-22T10:00:00.000Z',
      linkedAt: '2026-11-22T10:00:01.000Z',
    },
    order: {
      orderId: `${currency}-${total}`,
      channelId: 'web',
      externalId: 'X',
      status,
      placedAt: '2026-11-22T10:00:00.000Z',
      currency,
      totals: { subtotal: total, discount: 0, tax: 0, shipping: 0, total },
    } as Order,
    returns: [],
    refunds: [],
    ...extra,
  }) as CustomerOrderRecords;

describe('the customer view', () => {
  it('totals per currency, never converted, leaving canceled orders out of what was ordered', () => {
    const view = toCustomerView({
      profile: {
        customerId: '01J0000000000000000000000C',
        createdAt: 'c',
        updatedAt: 'u',
        version: 1,
        mergedFrom: [],
      },
      identities: [],
      merges: [],
      orders: [
        records('COMPLETED', 'EUR', 1000),
        records('CANCELED', 'EUR', 500),
        records('ROUTED', 'USD', 700, { refunds: [{ currency: 'USD', total: 200 } as never] }),
      ],
    });
    expect(CustomerViewSchema.parse(view)).toEqual(view);
    expect(view.totals).toEqual([
      { currency: 'EUR', orders: 2, ordered: 1000, refunded: 0 },
      { currency: 'USD', orders: 1, ordered: 700, refunded: 200 },
    ]);
  });

  it('calls an order open until it is completed or canceled with no return still expected', () => {
    expect(
      openOrderReasons([
        records('SHIPPED', 'EUR', 1),
        records('COMPLETED', 'EUR', 2, { returns: [{ returnId: 'R1', status: 'AUTHORIZED' } as never] }),
        records('CANCELED', 'EUR', 3),
      ]),
    ).toEqual([
      { orderId: 'EUR-1', reason: 'the order is SHIPPED' },
      { orderId: 'EUR-2', reason: 'return R1 is AUTHORIZED' },
    ]);
  });
});
