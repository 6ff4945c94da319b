import { describe, expect, it } from 'vitest';
import { shopifyAdapter } from '../../../functions/channels/shopify.js';
import { reconcileTotals } from '../../../functions/domain/totals.js';
import {
  aRequest,
  aShopifyOrder,
  expectOrder,
  fixture,
  fixtureText,
  signatureHeaders,
  validationIssues,
  type JsonObject,
  type NativeOrder,
  aChannel,
} from './helpers.js';

const ordersCreate = (body: string, headers: Record<string, string> = {}) =>
  aRequest(body, { 'x-shopify-topic': 'orders/create', ...signatureHeaders('shopify', body), ...headers });

const mapped = async (order: JsonObject, headers: Record<string, string> = {}) =>
  expectOrder(
    await shopifyAdapter.toCanonical(ordersCreate(JSON.stringify(order), headers), aChannel('shopify')),
  );

describe('Shopify adapter', () => {
  it('maps an orders/create webhook with discount allocations, line tax lines and shop money', async () => {
    const result = await shopifyAdapter.toCanonical(
      ordersCreate(JSON.stringify(aShopifyOrder()), { 'x-shopify-event-id': 'evt-98880550' }),
      aChannel('shopify'),
    );
    const order = expectOrder(result);

    expect(result).toMatchObject({ kind: 'order', deliveryId: 'evt-98880550' });
    expect(order).toMatchObject({
      externalId: '450789469',
      channelOrderNumber: '#1001',
      placedAt: '2008-01-10T16:00:00.000Z',
      currency: 'USD',
      taxesIncluded: false,
      fulfillment: { type: 'ship', method: 'Free Shipping' },
      shippingPrice: 0,
      orderDiscount: 0,
      customer: { id: '207119551', email: 'bob.norman@hostmail.com', name: 'Bob Norman' },
      shippingAddress: {
        name: 'Bob Norman',
        line1: 'Chestnut Street 92',
        city: 'Louisville',
        region: 'KY',
        postalCode: '40202',
        country: 'US',
        lat: 45.41634,
        lon: -75.6868,
      },
      totals: { subtotal: 59700, discount: 1000, tax: 1194, shipping: 0, total: 59894 },
    });
    expect(
      order.lines.map((line) => [line.sku, line.quantity, line.unitPrice, line.discount, line.tax]),
    ).toEqual([
      ['IPOD2008GREEN', 1, 19900, 334, 398],
      ['IPOD2008RED', 1, 19900, 333, 398],
      ['IPOD2008BLACK', 1, 19900, 333, 398],
    ]);
    expect(order.lines[0]).toMatchObject({
      lineId: '466157049',
      name: 'IPod Nano - 8gb - green',
      taxLines: [{ name: 'State Tax', rate: 0.06, amount: 398 }],
      discounts: [{ code: 'TENOFF', amount: 334 }],
      attributes: { 'Custom Engraving Front': 'Happy Birthday', 'Custom Engraving Back': 'Merry Christmas' },
    });
  });

  it('keeps the stated totals of the legacy order fixture although they do not add up', async () => {
    const { order: legacy } = fixture<{ order: JsonObject }>('shopify-order.json');
    const order = await mapped(legacy);

    expect(order.totals).toEqual({ subtotal: 39800, discount: 0, tax: 1194, shipping: 0, total: 40994 });
    expect(order.lines.reduce((total, line) => total + line.unitPrice * line.quantity, 0)).toBe(59700);
    expect(order.shippingAddress).toMatchObject({ lat: 45.41634, lon: -75.6868 });
    expect(reconcileTotals(order).status).toBe('mismatch');
  });

  it('keeps an order id above 2^53 exact', async () => {
    const body = JSON.stringify(aShopifyOrder({ id: 0 })).replace('"id":0,', '"id":5678901234567890123,');

    const order = expectOrder(await shopifyAdapter.toCanonical(ordersCreate(body), aChannel('shopify')));

    expect(order.externalId).toBe('5678901234567890123');
  });

  it('uses the shop money, not the presentment money, of a multi-currency order', async () => {
    const shopify = aShopifyOrder({ presentment_currency: 'EUR' });
    const line = shopify.line_items[0] as JsonObject;
    shopify.line_items[0] = {
      ...line,
      price_set: {
        shop_money: { amount: '199.00', currency_code: 'USD' },
        presentment_money: { amount: '183.50', currency_code: 'EUR' },
      },
    };

    const order = await mapped(shopify);

    expect(order.currency).toBe('USD');
    expect(order.lines[0]?.unitPrice).toBe(19900);
  });

  it('maps a local pick-up shipping line to a pick-up at the order location', async () => {
    const order = await mapped(
      aShopifyOrder({
        location_id: 905684977,
        shipping_lines: [
          { code: 'Pickup at Brooklyn', title: 'Brooklyn store', source: 'shopify', price: '0.00' },
        ],
      }),
    );

    expect(order.fulfillment).toEqual({ type: 'pickup', locationId: '905684977' });
  });

  it('takes the pick-up location from the shipping line code when the order has no shipping address', async () => {
    const order = await mapped(
      aShopifyOrder({
        shipping_address: null,
        shipping_lines: [{ code: 'SantaVenera', title: 'SantaVenera', source: 'shopify', price: '0.00' }],
      }),
    );

    expect(order.fulfillment).toEqual({ type: 'pickup', locationId: 'SantaVenera' });
    expect(order.shippingAddress).toBeUndefined();
  });

  it('maps a POS sale to a pick-up at the store that sold it', async () => {
    const order = await mapped(
      aShopifyOrder({ source_name: 'pos', location_id: 48752903, shipping_lines: [] }),
    );

    expect(order.fulfillment).toEqual({ type: 'pickup', locationId: '48752903' });
  });

  it('falls back to the variant id when a line has no SKU, and sanitizes SKUs', async () => {
    const shopify = aShopifyOrder();
    shopify.line_items = shopify.line_items.map((line, index) => ({
      ...line,
      sku: index === 0 ? '' : index === 1 ? 'IPOD 2008 #RED' : line.sku,
    }));

    const order = await mapped(shopify);

    expect(order.lines.map((line) => line.sku)).toEqual(['39072856', 'IPOD-2008-RED', 'IPOD2008BLACK']);
  });

  it('maps orders/cancelled to a cancellation of the order, with the reason Shopify gives', async () => {
    const body = fixtureText('shopify-order-cancelled.json');
    const order = JSON.stringify(JSON.parse(body).order);

    const result = await shopifyAdapter.toCanonical(
      ordersCreate(order, { 'x-shopify-topic': 'orders/cancelled', 'x-shopify-event-id': 'evt-9' }),
      aChannel('shopify'),
    );

    expect(result).toEqual({
      kind: 'change',
      externalId: '450789469',
      change: { type: 'cancel', reason: 'canceled in Shopify (customer)' },
      deliveryId: 'evt-9',
    });
  });

  it('maps orders/updated to its shipping address, and ignores one without', async () => {
    const withAddress = await shopifyAdapter.toCanonical(
      ordersCreate(JSON.stringify(aShopifyOrder()), { 'x-shopify-topic': 'orders/updated' }),
      aChannel('shopify'),
    );
    expect(withAddress).toMatchObject({
      kind: 'change',
      change: { type: 'shipping_address', address: { country: expect.any(String) } },
    });

    const without = await shopifyAdapter.toCanonical(
      ordersCreate(JSON.stringify(aShopifyOrder({ shipping_address: null })), {
        'x-shopify-topic': 'orders/updated',
      }),
      aChannel('shopify'),
    );
    expect(without).toEqual({ kind: 'ignored', reason: expect.stringContaining('orders/updated') });
  });

  it.each(['draft_orders/create', 'orders/fulfilled'])('ignores the %s topic', async (topic) => {
    const body = JSON.stringify(aShopifyOrder());

    const result = await shopifyAdapter.toCanonical(
      ordersCreate(body, { 'x-shopify-topic': topic }),
      aChannel('shopify'),
    );

    expect(result).toEqual({ kind: 'ignored', reason: expect.stringContaining(topic) });
  });

  it('names the native path of every amount it can not read', async () => {
    const shopify: NativeOrder = aShopifyOrder({ total_price_set: undefined, total_price: 'lots' });
    shopify.line_items[2] = { ...shopify.line_items[2], price: '19.999', price_set: undefined };

    const issues = await validationIssues(() => mapped(shopify));

    expect(issues.map((issue) => issue.path)).toEqual(['line_items/2/price', 'total_price']);
  });

  it('names the native path when the canonical schema rejects a mapped value', async () => {
    const shopify = aShopifyOrder();
    shopify.line_items[1] = { ...shopify.line_items[1], quantity: 0 };
    const withBadCountry = {
      ...shopify,
      shipping_address: { ...(shopify.shipping_address as JsonObject), country_code: 'XX' },
    };

    const issues = await validationIssues(() => mapped(withBadCountry));

    expect(issues).toEqual([
      { path: 'line_items/1/quantity', message: expect.stringContaining('whole number of at least 1') },
    ]);
    const countryIssues = await validationIssues(() =>
      mapped({ ...withBadCountry, line_items: aShopifyOrder().line_items }),
    );
    expect(countryIssues).toEqual([
      { path: 'shipping_address/country_code', message: expect.stringContaining('ISO 3166') },
    ]);
  });

  it('reports missing required fields under their native names', async () => {
    const { line_items: _lines, ...withoutLines } = aShopifyOrder();

    const issues = await validationIssues(() => mapped(withoutLines));

    expect(issues).toEqual([{ path: 'line_items', message: expect.any(String) }]);
  });
});
