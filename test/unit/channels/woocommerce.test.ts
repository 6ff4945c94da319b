import { describe, expect, it } from 'vitest';
import { wooCommerceAdapter } from '../../../functions/channels/woocommerce.js';
import { UnauthorizedError } from '../../../functions/domain/errors.js';
import {
  SECRET,
  NOW,
  aRequest,
  aWooCommerceOrder,
  expectOrder,
  fixture,
  signatureHeaders,
  validationIssues,
  type JsonObject,
  type NativeOrder,
  aChannel,
} from './helpers.js';

const orderCreated = (order: JsonObject, headers: Record<string, string> = {}) => {
  const body = JSON.stringify(order);
  return aRequest(body, {
    'x-wc-webhook-topic': 'order.created',
    ...signatureHeaders('woocommerce', body),
    ...headers,
  });
};
const mapped = async (order: JsonObject) =>
  expectOrder(await wooCommerceAdapter.toCanonical(orderCreated(order), aChannel('woocommerce')));

describe('WooCommerce adapter', () => {
  it('maps a REST v3 order with decimal strings, line taxes and a blank SKU', async () => {
    const result = await wooCommerceAdapter.toCanonical(
      orderCreated(aWooCommerceOrder(), { 'x-wc-webhook-delivery-id': 'a1b2c3' }),
      aChannel('woocommerce'),
    );
    const order = expectOrder(result);

    expect(result).toMatchObject({ deliveryId: 'a1b2c3' });
    expect(order).toMatchObject({
      externalId: '727',
      channelOrderNumber: '727',
      placedAt: '2017-03-22T19:28:02.000Z',
      currency: 'USD',
      taxesIncluded: false,
      fulfillment: { type: 'ship', method: 'Flat Rate' },
      shippingPrice: 1000,
      shippingTax: 0,
      customer: { email: 'john.doe@example.com', name: 'John Doe' },
      shippingAddress: {
        name: 'John Doe',
        line1: '969 Market',
        city: 'San Francisco',
        region: 'CA',
        postalCode: '94103',
        country: 'US',
      },
      totals: { subtotal: 1800, discount: 0, tax: 135, shipping: 1000, total: 2935 },
    });
    expect(order.customer?.id).toBeUndefined();
    expect(order.lines).toEqual([
      expect.objectContaining({
        lineId: '315',
        sku: '93',
        quantity: 2,
        unitPrice: 300,
        discount: 0,
        tax: 45,
      }),
      expect.objectContaining({
        lineId: '316',
        sku: 'Bar3',
        quantity: 1,
        unitPrice: 1200,
        tax: 90,
        taxLines: [{ name: 'State Tax', amount: 90 }],
        attributes: { pa_color: 'black', size: 'M Test' },
      }),
    ]);
  });

  it('maps every order of the list fixture, with registered customers and refunds left aside', async () => {
    const { list_orders_response } = fixture<{ list_orders_response: JsonObject[] }>(
      'woocommerce-v3-orders-examples.json',
    );

    const orders = await Promise.all(list_orders_response.map((order) => mapped(order)));

    expect(orders.map((order) => [order.externalId, order.totals?.total, order.lines.length])).toEqual([
      ['727', 2935, 2],
      ['723', 3900, 2],
    ]);
    expect(orders[1]).toMatchObject({
      customer: { id: '26', email: 'joao.silva@example.com', name: 'João Silva' },
      shippingAddress: { city: 'Rio de Janeiro', country: 'BR', postalCode: '12345-000' },
    });
  });

  it('derives the discount from subtotal minus total and rounds a uneven unit price half up', async () => {
    const woo: NativeOrder = aWooCommerceOrder();
    woo.line_items[0] = {
      ...woo.line_items[0],
      quantity: 3,
      subtotal: '10.00',
      total: '8.50',
      total_tax: '1.636364',
      taxes: [],
    };

    const line = (await mapped(woo)).lines[0];

    expect(line).toMatchObject({ quantity: 3, unitPrice: 333, discount: 150, tax: 164 });
  });

  it('maps a checkout-blocks local pick-up to the chosen pick-up location', async () => {
    const order = await mapped(
      aWooCommerceOrder({
        shipping: { first_name: '', last_name: '', address_1: '', city: '', country: '' },
        shipping_lines: [
          {
            id: 400,
            method_title: 'Pickup',
            method_id: 'pickup_location',
            instance_id: '0',
            total: '0.00',
            total_tax: '0.00',
            meta_data: [{ id: 1, key: 'pickup_location', value: 'Brooklyn Store' }],
          },
        ],
      }),
    );

    expect(order.fulfillment).toEqual({ type: 'pickup', locationId: 'Brooklyn Store' });
    expect(order.shippingAddress).toBeUndefined();
  });

  it('answers the unsigned activation ping with "ignored"', async () => {
    const ping = aRequest('webhook_id=15', { 'content-type': 'application/x-www-form-urlencoded' });

    expect(() => wooCommerceAdapter.authenticate(ping, SECRET, NOW)).not.toThrow();
    expect(await wooCommerceAdapter.toCanonical(ping, aChannel('woocommerce'))).toEqual({
      kind: 'ignored',
      reason: expect.stringContaining('ping'),
    });
  });

  it('does not let anything but the bare ping through unsigned', () => {
    const disguised = aRequest('webhook_id=15&id=727', {});

    expect(() => wooCommerceAdapter.authenticate(disguised, SECRET, NOW)).toThrow(UnauthorizedError);
  });

  it('ignores topics other than order.created', async () => {
    const result = await wooCommerceAdapter.toCanonical(
      orderCreated(aWooCommerceOrder(), { 'x-wc-webhook-topic': 'order.updated' }),
      aChannel('woocommerce'),
    );

    expect(result).toEqual({ kind: 'ignored', reason: expect.stringContaining('order.updated') });
  });

  it('names the native path of an unreadable amount', async () => {
    const woo: NativeOrder = aWooCommerceOrder();
    woo.line_items[1] = { ...woo.line_items[1], subtotal: '12,00' };

    const issues = await validationIssues(() => mapped(woo));

    expect(issues.map((issue) => issue.path)).toContain('line_items/1/subtotal');
  });
});
