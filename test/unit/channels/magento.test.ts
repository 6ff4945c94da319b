import { describe, expect, it } from 'vitest';
import { magentoAdapter, mapMagentoOrder } from '../../../functions/channels/magento.js';
import {
  aMagentoOrder,
  aRequest,
  expectOrder,
  signatureHeaders,
  validationIssues,
  type JsonObject,
  aChannel,
} from './helpers.js';

const fixtureOrder = aMagentoOrder();
const extension = fixtureOrder.extension_attributes as { shipping_assignments: { shipping: JsonObject }[] };
const assignment = extension.shipping_assignments[0]!;

const withShippingMethod = (method: string, extra: JsonObject = {}) =>
  aMagentoOrder({
    extension_attributes: {
      ...extra,
      shipping_assignments: [{ ...assignment, shipping: { ...assignment.shipping, method } }],
    },
  });

describe('Magento adapter', () => {
  it('maps the GET /V1/orders response, keeping the stated totals of its partial item list', async () => {
    const body = JSON.stringify(aMagentoOrder());
    const order = expectOrder(
      await magentoAdapter.toCanonical(
        aRequest(body, signatureHeaders('magento', body)),
        aChannel('magento'),
      ),
    );

    expect(order).toMatchObject({
      externalId: '3',
      channelOrderNumber: '000000003',
      placedAt: '2017-08-21T22:22:19.000Z',
      currency: 'USD',
      fulfillment: { type: 'ship', method: 'tablerate_bestway' },
      shippingPrice: 500,
      customer: { id: '3', email: 'jdoe@example.com', name: 'Jane Doe' },
      shippingAddress: {
        name: 'Jane Doe',
        line1: '123 Oak Ave',
        city: 'Purchase',
        region: 'NY',
        postalCode: '10577',
        country: 'US',
      },
      billingAddress: { line1: '123 Oak Ave', country: 'US' },
      totals: { subtotal: 16000, discount: 0, tax: 0, shipping: 500, total: 16500 },
    });
    expect(order.lines).toEqual([
      expect.objectContaining({
        lineId: '3',
        sku: 'WS12-M-Orange',
        name: 'Radiant Tee-M-Orange',
        quantity: 1,
        unitPrice: 2200,
        discount: 0,
        tax: 0,
      }),
    ]);
  });

  it('maps an in-store pick-up order to its pickup_location_code', () => {
    const order = mapMagentoOrder(withShippingMethod('instore_pickup', { pickup_location_code: 'brooklyn' }));

    expect(order.fulfillment).toEqual({ type: 'pickup', locationId: 'brooklyn' });
    expect(order.shippingAddress).toBeUndefined();
  });

  it('refuses an in-store pick-up without a location code', async () => {
    const issues = await validationIssues(() => mapMagentoOrder(withShippingMethod('instore_pickup')));

    expect(issues).toEqual([
      {
        path: 'extension_attributes/pickup_location_code',
        message: expect.stringContaining('instore_pickup'),
      },
    ]);
  });

  it('keeps the parent of a configurable product, reads negative discounts and rounds line tax', () => {
    const [simple] = fixtureOrder.items;
    const order = mapMagentoOrder(
      aMagentoOrder({
        discount_amount: -10,
        items: [
          {
            ...simple,
            item_id: 10,
            product_type: 'configurable',
            sku: 'MH01-XS-Black',
            price: 52,
            qty_ordered: 2,
            tax_amount: 8.5833,
            tax_percent: 8.25,
            discount_amount: 10,
          },
          {
            ...simple,
            item_id: 11,
            parent_item_id: 10,
            product_type: 'simple',
            sku: 'MH01-XS-Black',
            price: 0,
          },
        ],
      }),
    );

    expect(order.lines).toEqual([
      expect.objectContaining({
        lineId: '10',
        sku: 'MH01-XS-Black',
        quantity: 2,
        unitPrice: 5200,
        discount: 1000,
        tax: 858,
        taxLines: [{ name: 'Tax', rate: 0.0825, amount: 858 }],
      }),
    ]);
    expect(order.totals?.discount).toBe(1000);
  });

  it('names the item a problem is in, counting the child items it skipped', async () => {
    const [simple] = fixtureOrder.items;
    const issues = await validationIssues(() =>
      mapMagentoOrder(
        aMagentoOrder({
          items: [
            { ...simple, item_id: 10 },
            { ...simple, item_id: 11, parent_item_id: 10 },
            { ...simple, item_id: 12, sku: '', product_id: null, price: 22.001 },
          ],
        }),
      ),
    );

    expect(issues.map((issue) => issue.path)).toEqual(['items/2/sku', 'items/2/price']);
  });
});
