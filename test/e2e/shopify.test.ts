import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { putChannel } from '../../functions/data/config-repository.js';
import { DEMO_CHANNEL_SECRETS } from '../../lib/local/local-config.js';
import { startTestRuntime, type TestRuntime } from '../helpers/local-runtime.js';
import { aChannel } from '../helpers/records.js';
import { fixtureText } from '../unit/channels/helpers.js';

/**
 * Real Shopify webhooks (the fixtures in test/fixtures/channels), signed with the local demo
 * secret the way Shopify signs, posted to the demo runtime's Shopify channels: they become routed
 * orders, each reserving its units once, and a redelivery makes no second order.
 */
let local: TestRuntime;
const IPODS = ['IPOD2008BLACK', 'IPOD2008GREEN', 'IPOD2008RED'];

beforeAll(async () => {
  local = await startTestRuntime();
  // A second Shopify store of the same retailer: the two fixtures are the same order id in two
  // revisions, which one store would rightly refuse as a conflicting re-use of the id.
  await putChannel(
    aChannel({
      channelId: 'shopify-outlet',
      name: 'Shopify outlet store',
      format: 'shopify',
      secretName: 'oms/channels/shopify',
    }),
  );
});
afterAll(() => local?.stop());

function postShopifyWebhook(channelId: string, body: string, eventId: string) {
  return local.post(`/v1/channels/${channelId}/orders`, body, {
    'x-shopify-topic': 'orders/create',
    'x-shopify-event-id': eventId,
    'x-shopify-hmac-sha256': createHmac('sha256', DEMO_CHANNEL_SECRETS.shopify).update(body).digest('base64'),
  });
}

async function reservedAtTheWarehouse(): Promise<number[]> {
  return Promise.all(
    IPODS.map(async (sku) => {
      const { locations } = await local.getJson<{ locations: { locationId: string; reserved: number }[] }>(
        `/v1/inventory/${sku}`,
      );
      return locations.find((level) => level.locationId === 'WH-NJ')?.reserved ?? 0;
    }),
  );
}

describe('Shopify webhooks on the local runtime', () => {
  it.each([
    ['shopify', 'shopify-order.json', (text: string) => JSON.stringify(JSON.parse(text).order)],
    ['shopify-outlet', 'shopify-orders.json', (text: string) => JSON.stringify(JSON.parse(text).orders[0])],
  ])(
    'routes the %s channel order from %s, reserving one unit of each iPod, and a redelivery makes no second order',
    async (channelId, file, webhookBodyOf) => {
      const webhookBody = webhookBodyOf(fixtureText(file));
      const reservedBefore = await reservedAtTheWarehouse();

      const first = await postShopifyWebhook(channelId, webhookBody, `evt-${channelId}`);
      expect(first.status).toBe(202);
      const { orderId } = (await first.json()) as { orderId: string };
      const redelivered = await postShopifyWebhook(channelId, webhookBody, `evt-${channelId}`);
      expect(redelivered.status).toBe(200);
      expect(await redelivered.json()).toEqual({ orderId, status: 'ALREADY_RECEIVED' });

      const order = await local.orderWithStatus<OrderView>(orderId, 'ROUTED');
      expect(order).toMatchObject({ channelId, externalId: '450789469', currency: 'USD' });
      expect(order.fulfillmentOrders.map((fo) => fo.locationId)).toEqual(['WH-NJ']);
      expect(order.lines.map((line) => line.sku).sort()).toEqual(IPODS);
      expect(await reservedAtTheWarehouse()).toEqual(reservedBefore.map((reserved) => reserved + 1));
    },
  );
});

interface OrderView {
  status: string;
  fulfillmentOrders: { locationId: string }[];
  lines: { sku: string }[];
}
