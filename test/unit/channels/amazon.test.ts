import { describe, expect, it } from 'vitest';
import { amazonAdapter, mapAmazonOrder } from '../../../functions/channels/amazon.js';
import { reconcileTotals } from '../../../functions/domain/totals.js';
import {
  aRequest,
  anAmazonOrder,
  expectOrder,
  fixture,
  signatureHeaders,
  validationIssues,
  type JsonObject,
  aChannel,
} from './helpers.js';

type Examples = Record<
  string,
  {
    examples: Record<string, { payload: JsonObject }>;
    sandbox_static: { response: { payload: JsonObject } }[];
  }
>;
const examples = fixture<Examples>('amazon-sp-api-orders-v0-examples.json');

describe('Amazon SP-API mapping', () => {
  it('maps getOrder, getOrderItems and getOrderAddress of one order', () => {
    const order = expectOrder(mapAmazonOrder(anAmazonOrder()));

    expect(order).toMatchObject({
      externalId: '902-1845936-5435065',
      placedAt: '1970-01-19T03:58:30.000Z',
      currency: 'USD',
      taxesIncluded: false,
      fulfillment: { type: 'ship', method: 'Standard' },
      shippingAddress: {
        name: 'MFNIntegrationTestMerchant',
        line1: '2201 WESTLAKE AVE',
        city: 'SEATTLE',
        region: 'WA',
        postalCode: '98121-2778',
        country: 'US',
      },
      totals: { subtotal: 1000, discount: 0, tax: 101, shipping: 0, total: 1101 },
    });
    expect(order.lines).toEqual([
      expect.objectContaining({
        lineId: '05015851154158',
        sku: 'NABetaASINB00551Q3CS',
        quantity: 1,
        unitPrice: 1000,
        discount: 0,
        tax: 101,
      }),
    ]);
    expect(reconcileTotals(order).status).toBe('matched');
  });

  it('maps an IsISPU order to a pick-up at the store chain store', () => {
    const order = expectOrder(mapAmazonOrder(anAmazonOrder({ IsISPU: true })));

    expect(order.fulfillment).toEqual({ type: 'pickup', locationId: 'ISPU_StoreId' });
    expect(order.shippingAddress).toBeUndefined();
  });

  it('divides ItemPrice, the price of the whole quantity, into a unit price', () => {
    const input = anAmazonOrder();
    input.orderItems = input.orderItems.map((item) => ({
      ...item,
      QuantityOrdered: 3,
      ItemPrice: { CurrencyCode: 'USD', Amount: '10.00' },
    }));

    expect(expectOrder(mapAmazonOrder(input)).lines[0]).toMatchObject({ quantity: 3, unitPrice: 333 });
  });

  it('refuses an IsISPU order that names no store', async () => {
    const input = anAmazonOrder({ IsISPU: true, FulfillmentInstruction: undefined });
    input.orderItems = input.orderItems.map(({ StoreChainStoreId: _store, ...item }) => item);

    const issues = await validationIssues(() => mapAmazonOrder(input));

    expect(issues).toEqual([{ path: 'IsISPU', message: expect.stringContaining('StoreChainStoreId') }]);
  });

  it('ignores orders fulfilled by Amazon and orders still pending', () => {
    const afn = examples.getOrder!.sandbox_static[1]!.response.payload;
    const pending = examples.getOrder!.examples['application/json']!.payload;

    expect(mapAmazonOrder({ order: afn, orderItems: [] })).toEqual({
      kind: 'ignored',
      reason: expect.stringContaining('AFN'),
    });
    expect(mapAmazonOrder({ order: pending, orderItems: [] })).toEqual({
      kind: 'ignored',
      reason: expect.stringContaining('Pending'),
    });
  });

  it('refuses decimal JPY amounts, as in the getOrderItems documentation example', async () => {
    const { OrderItems } = examples.getOrderItems!.examples['application/json']!.payload as {
      OrderItems: JsonObject[];
    };
    const order = {
      ...anAmazonOrder().order,
      OrderTotal: { CurrencyCode: 'JPY', Amount: '6200' },
      MarketplaceId: 'A1VC38T7YXB528',
    };

    const issues = await validationIssues(() => mapAmazonOrder({ order, orderItems: OrderItems }));

    expect(issues.map((issue) => issue.path)).toEqual(
      expect.arrayContaining([
        'OrderItems/0/ItemPrice/Amount',
        'OrderItems/0/ShippingPrice/Amount',
        'OrderItems/1/ItemPrice/Amount',
      ]),
    );
  });

  it('accepts the poller signed envelope through the ingest adapter', async () => {
    const body = JSON.stringify(anAmazonOrder());

    const order = expectOrder(
      await amazonAdapter.toCanonical(aRequest(body, signatureHeaders('amazon', body)), aChannel('amazon')),
    );

    expect(order.externalId).toBe('902-1845936-5435065');
  });
});
