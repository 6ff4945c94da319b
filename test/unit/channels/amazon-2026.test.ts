import { describe, expect, it } from 'vitest';
import { mapAmazonOrder2026 } from '../../../functions/channels/amazon-2026.js';
import { reconcileTotals } from '../../../functions/domain/totals.js';
import { expectOrder, fixture, validationIssues, type JsonObject } from './helpers.js';

const examples = fixture('amazon-sp-api-orders-2026-01-01-examples.json');

/** Every order in the searchOrders and getOrder examples, wherever the sandbox nests it. */
function ordersIn(value: unknown): JsonObject[] {
  if (Array.isArray(value)) return value.flatMap(ordersIn);
  if (value === null || typeof value !== 'object') return [];
  const object = value as JsonObject;
  if (typeof object.orderId === 'string' && Array.isArray(object.orderItems)) return [object];
  return Object.values(object).flatMap(ordersIn);
}

const orders = new Map(ordersIn(examples).map((order) => [order.orderId as string, order]));

function anAmazonOrder(orderId: string, overrides: JsonObject = {}): JsonObject {
  const order = orders.get(orderId);
  if (!order) throw new Error(`no order ${orderId} in the fixture`);
  return { ...order, ...overrides };
}

const mapped = {
  '202-7654321-1098765': {
    currency: 'GBP',
    placedAt: '2024-12-24T14:20:00.000Z',
    taxesIncluded: true,
    customer: {
      name: 'Sarah Thompson',
      email: 'buyer-email@marketplace.amazon.co.uk',
      phone: '+442079460958',
    },
    shippingAddress: {
      name: 'Sarah Thompson',
      line1: '45 Oak Avenue',
      line2: 'Flat 2A',
      city: 'London',
      region: 'England',
      postalCode: 'SW1A 1AA',
      country: 'GB',
    },
    lines: [{ lineId: '20276543210987', sku: 'ECHO-DOT-4-UK-CHARCOAL-SINGLE', quantity: 1, unitPrice: 3499 }],
    total: 3499,
  },
  '171-2345678-9012345': {
    currency: 'BRL',
    placedAt: '2024-12-22T15:30:00.000Z',
    taxesIncluded: true,
    customer: {
      name: 'Carlos Oliveira',
      email: 'buyer-email@marketplace.amazon.com.br',
      phone: '+5511912345678',
    },
    shippingAddress: {
      name: 'Carlos Oliveira',
      company: 'Oliveira Tecnologia Ltda',
      line1: 'Avenida Paulista, 1000',
      line2: 'Sala 301',
      city: 'São Paulo',
      region: 'SP',
      postalCode: '01310-100',
      country: 'BR',
    },
    lines: [{ lineId: '17123456789012', sku: 'DELL-I15-BR-001', quantity: 1, unitPrice: 159990 }],
    total: 159990,
  },
  '171-9876543-2109876': {
    currency: 'BRL',
    placedAt: '2024-12-24T20:30:00.000Z',
    taxesIncluded: true,
    customer: {
      name: 'Maria Silva Santos',
      email: 'buyer-email@marketplace.amazon.com.br',
      phone: '+5511987654321',
    },
    shippingAddress: {
      name: 'Maria Silva Santos',
      line1: 'Rua das Flores, 123',
      line2: 'Apartamento 45',
      city: 'São Paulo',
      region: 'SP',
      postalCode: '01234-567',
      country: 'BR',
    },
    lines: [{ lineId: '17198765432109', sku: 'ECHO-DOT-4-BR-PRETO', quantity: 1, unitPrice: 29990 }],
    total: 29990,
  },
  '028-1234567-8901234': {
    currency: 'TRY',
    placedAt: '2025-03-15T10:30:00.000Z',
    taxesIncluded: true,
    customer: { name: 'Mehmet Yilmaz', email: 'buyer-email@marketplace.amazon.com.tr' },
    shippingAddress: {
      name: 'Mehmet Yilmaz',
      line1: 'Istiklal Caddesi No:42',
      line2: 'Kat 3',
      city: 'Istanbul',
      region: 'Istanbul',
      postalCode: '34430',
      country: 'TR',
    },
    lines: [{ lineId: '02812345678901', sku: 'FIRE-HD10-TR-BLK', quantity: 2, unitPrice: 6250 }],
    total: 12500,
  },
};

describe('Amazon Orders API 2026-01-01 mapping', () => {
  it('finds every order of the searchOrders and getOrder examples', () => {
    expect([...orders.keys()].sort()).toEqual(
      [...Object.keys(mapped), '250-1234567-8901234', '114-9876543-1234567'].sort(),
    );
  });

  it.each(Object.entries(mapped))('maps merchant-fulfilled order %s', (orderId, expected) => {
    const order = expectOrder(mapAmazonOrder2026(anAmazonOrder(orderId)));

    expect(order).toMatchObject({
      externalId: orderId,
      channelOrderNumber: orderId,
      placedAt: expected.placedAt,
      currency: expected.currency,
      taxesIncluded: expected.taxesIncluded,
      fulfillment: { type: 'ship', method: 'STANDARD' },
      shippingAddress: expected.shippingAddress,
      shippingPrice: 0,
      totals: { subtotal: expected.total, discount: 0, tax: 0, shipping: 0, total: expected.total },
    });
    expect(order.customer).toEqual(expected.customer);
    expect(order.lines).toEqual(
      expected.lines.map((line) => expect.objectContaining({ ...line, discount: 0, tax: 0 })),
    );
    expect(reconcileTotals(order).status).toBe('matched');
  });

  it('ignores the order fulfilled by Amazon', () => {
    expect(mapAmazonOrder2026(anAmazonOrder('250-1234567-8901234'))).toEqual({
      kind: 'ignored',
      reason: 'Amazon order 250-1234567-8901234 is fulfilled by Amazon (AMAZON).',
    });
  });

  it('refuses the in-store pick-up order, which names no store', async () => {
    const issues = await validationIssues(() => mapAmazonOrder2026(anAmazonOrder('114-9876543-1234567')));

    expect(issues).toEqual([{ path: 'programs/0', message: expect.stringContaining('no store') }]);
  });

  it('maps the TAX proceeds of a US order as line tax on a tax-exclusive price', () => {
    const order = expectOrder(mapAmazonOrder2026(anAmazonOrder('114-9876543-1234567', { programs: [] })));

    expect(order).toMatchObject({
      currency: 'USD',
      taxesIncluded: false,
      totals: { subtotal: 3999, discount: 0, tax: 1000, shipping: 0, total: 4999 },
    });
    expect(order.lines[0]).toMatchObject({ quantity: 1, unitPrice: 3999, tax: 1000 });
    expect(reconcileTotals(order).status).toBe('matched');
  });

  it.each(['PENDING', 'PENDING_AVAILABILITY', 'CANCELLED'])('ignores a %s order', (status) => {
    const order = anAmazonOrder('171-9876543-2109876');
    const fulfillment = { ...(order.fulfillment as JsonObject), fulfillmentStatus: status };

    expect(mapAmazonOrder2026({ ...order, fulfillment })).toEqual({
      kind: 'ignored',
      reason: `Amazon order 171-9876543-2109876 is ${status}.`,
    });
  });

  it('refuses an order fetched without the FULFILLMENT data', async () => {
    const { fulfillment: _fulfillment, ...order } = anAmazonOrder('171-9876543-2109876');

    const issues = await validationIssues(() => mapAmazonOrder2026(order));

    expect(issues.map((issue) => issue.path)).toEqual(['fulfillment']);
  });
});
