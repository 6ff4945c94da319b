import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { putChannel } from '../../functions/data/config-repository.js';
import { getStockLevels } from '../../functions/data/inventory-repository.js';
import { DEMO_CHANNEL_SECRETS } from '../../lib/local/local-config.js';
import { fetchAs } from '../helpers/tokens.js';
import { startLocalRuntime, type LocalRuntime } from '../../lib/local/runtime.js';
import { fixtureText } from '../unit/channels/helpers.js';

/**
 * Real Shopify webhooks (the fixtures in test/fixtures/channels), signed with the local demo
 * secret the way Shopify signs, posted to the demo runtime's Shopify channels: they become routed
 * orders, and a redelivery makes no second order.
 */
let runtime: LocalRuntime;

beforeAll(async () => {
  runtime = await startLocalRuntime({
    port: 0,
    dynamodbEndpoint: inject('dynamodbEndpoint'),
    tablePrefix: `e2eshop${Date.now().toString(36)}-`,
    pollIntervalMs: 50,
    streamRetryDelayMs: 50,
  });
  // A second Shopify store of the same retailer: the two fixtures are the same order id in two
  // revisions, which one store would rightly refuse as a conflicting re-use of the id.
  await putChannel({
    channelId: 'shopify-outlet',
    name: 'Shopify outlet store',
    format: 'shopify',
    secretName: 'oms/channels/shopify',
    active: true,
  });
});
afterAll(() => runtime?.stop());

function postShopifyWebhook(channelId: string, body: string, eventId: string) {
  return fetch(`${runtime.url}/v1/channels/${channelId}/orders`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-shopify-topic': 'orders/create',
      'x-shopify-event-id': eventId,
      'x-shopify-hmac-sha256': createHmac('sha256', DEMO_CHANNEL_SECRETS.shopify)
        .update(body)
        .digest('base64'),
    },
    body,
  });
}

async function routedOrder(orderId: string) {
  return vi.waitFor(
    async () => {
      const view = (await (await fetchAs(runtime.url, `/v1/orders/${orderId}`)).json()) as OrderView;
      if (view.status === 'RECEIVED') throw new Error('not routed yet');
      return view;
    },
    { timeout: 20_000, interval: 100 },
  );
}

describe('Shopify webhooks on the local runtime', () => {
  it.each([
    ['shopify', 'shopify-order.json'],
    ['shopify-outlet', 'shopify-orders.json'],
  ])(
    'routes the %s channel order from %s, and a redelivery makes no second order',
    async (channelId, file) => {
      const text = fixtureText(file);
      const body = file === 'shopify-orders.json' ? JSON.stringify(JSON.parse(text).orders[0]) : text;
      const webhookBody = file === 'shopify-order.json' ? JSON.stringify(JSON.parse(text).order) : body;

      const first = await postShopifyWebhook(channelId, webhookBody, `evt-${channelId}`);
      expect(first.status).toBe(202);
      const { orderId } = (await first.json()) as { orderId: string };
      const redelivered = await postShopifyWebhook(channelId, webhookBody, `evt-${channelId}`);
      expect(redelivered.status).toBe(200);
      expect(await redelivered.json()).toEqual({ orderId, status: 'ALREADY_RECEIVED' });

      const order = await routedOrder(orderId);
      expect(order).toMatchObject({ status: 'ROUTED', channelId, externalId: '450789469', currency: 'USD' });
      expect(order.fulfillmentOrders.map((fo) => fo.locationId)).toEqual(['WH-NJ']);
      expect(order.lines.map((line) => line.sku).sort()).toEqual([
        'IPOD2008BLACK',
        'IPOD2008GREEN',
        'IPOD2008RED',
      ]);
    },
  );

  it('reserved exactly one unit of each iPod per routed order', async () => {
    for (const sku of ['IPOD2008GREEN', 'IPOD2008RED', 'IPOD2008BLACK']) {
      const [level] = await getStockLevels(sku);
      expect(level).toMatchObject({ locationId: 'WH-NJ', reserved: 2, available: 38 });
    }
  });
});

interface OrderView {
  status: string;
  fulfillmentOrders: { locationId: string }[];
  lines: { sku: string }[];
}
