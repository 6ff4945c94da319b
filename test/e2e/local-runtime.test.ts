import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { OMS_SIGNATURE_HEADER, signOmsPayload } from '../../functions/domain/signature.js';
import { localClient } from '../../lib/local/dynamodb-local.js';
import type { EventEnvelope } from '../../lib/local/event-bus.js';
import { DEMO_CHANNEL_ID, DEMO_CHANNEL_SECRETS, DEMO_SIGNING_SECRET } from '../../lib/local/local-config.js';
import { startLocalRuntime, type LocalRuntime } from '../../lib/local/runtime.js';
import { QUEUES } from '../../lib/topology.js';
import { aCanonicalOrder } from '../helpers/factories.js';
import { fetchAs } from '../helpers/tokens.js';

const tablePrefix = `e2e${Date.now().toString(36)}-`;
let runtime: LocalRuntime;
/** Every message sent to the routing queue: its consumer may take one before a test looks. */
const routingQueueEvents: EventEnvelope[] = [];

beforeAll(async () => {
  runtime = await startLocalRuntime({
    port: 0,
    dynamodbEndpoint: inject('dynamodbEndpoint'),
    tablePrefix,
    pollIntervalMs: 50,
    streamRetryDelayMs: 50,
    observer: {
      onQueueActivity: ({ queue, action, body }) => {
        if (queue === QUEUES.routing.id && action === 'sent') {
          routingQueueEvents.push(JSON.parse(body) as EventEnvelope);
        }
      },
    },
  });
});
afterAll(() => runtime?.stop());

/** Posts an order the way a channel does: over HTTP, signed with the channel's secret. */
function postOrder(body: string, secret: string = DEMO_SIGNING_SECRET, channelId: string = DEMO_CHANNEL_ID) {
  return fetch(`${runtime.url}/v1/channels/${channelId}/orders`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      [OMS_SIGNATURE_HEADER]: signOmsPayload(secret, body, Math.floor(Date.now() / 1000)),
    },
    body,
  });
}

async function ordersTableKeys(): Promise<string[]> {
  const client = localClient(runtime.dynamodbEndpoint);
  try {
    const { Items = [] } = await client.send(new ScanCommand({ TableName: `${tablePrefix}Orders` }));
    return Items.map((item) => `${item.pk?.S ?? ''}/${item.sk?.S ?? ''}`);
  } finally {
    client.destroy();
  }
}

describe('the local runtime, end to end over HTTP', () => {
  it('answers GET /health and serves the API document', async () => {
    const health = await fetch(`${runtime.url}/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });

    const openApi = await fetch(`${runtime.url}/openapi.json`);
    expect(openApi.status).toBe(200);
    expect(await openApi.json()).toMatchObject({
      openapi: expect.stringMatching(/^3\./),
      paths: expect.any(Object),
    });
  });

  it('stores a signed order once, answers its repeat with the same id, and announces it to the routing queue', async () => {
    const body = JSON.stringify(aCanonicalOrder({ externalId: 'W-E2E-1' }));

    const first = await postOrder(body);
    expect(first.status).toBe(202);
    const { orderId } = (await first.json()) as { orderId: string };
    expect(first.headers.get('location')).toBe(`/v1/orders/${orderId}`);

    const repeat = await postOrder(body);
    expect(repeat.status).toBe(200);
    expect(await repeat.json()).toEqual({ orderId, status: 'ALREADY_RECEIVED' });

    const keys = await ordersTableKeys();
    expect(keys.filter((key) => key === `ORDER#${orderId}/ORDER`)).toHaveLength(1);
    expect(keys.filter((key) => key === `ORDER#${orderId}/RAW`)).toHaveLength(1);
    expect(keys.filter((key) => key.endsWith('#EXT#W-E2E-1/KEY'))).toHaveLength(1);
    const stored = await fetchAs(runtime.url, `/v1/orders/${orderId}`);
    expect(stored.status).toBe(200);
    expect(await stored.json()).toMatchObject({ orderId, externalId: 'W-E2E-1', status: 'RECEIVED' });

    const announcedFor = (id: string) => routingQueueEvents.filter((event) => event.detail.orderId === id);
    await vi.waitFor(() => expect(announcedFor(orderId)).not.toEqual([]), { timeout: 15_000, interval: 50 });
    const announced = announcedFor(orderId);
    expect(announced).toHaveLength(1);
    expect(announced[0]).toMatchObject({
      'detail-type': 'OrderReceived',
      source: 'oms',
      detail: {
        version: '1',
        orderId,
        channelId: 'web',
        externalId: 'W-E2E-1',
        status: 'RECEIVED',
        currency: 'EUR',
        total: 4953,
        fulfillmentType: 'ship',
        destinationCountry: 'PT',
        lines: [{ lineId: '1', sku: 'TSHIRT-BLUE-M', quantity: 2 }],
      },
    });
    expect(runtime.failedStreamBatches['OrdersTopublish-order-events']?.messages()).toEqual([]);
    const published = (await (await fetch(`${runtime.url}/_local/events`)).json()) as {
      event: EventEnvelope;
    }[];
    expect(published.filter(({ event }) => event.detail.orderId === orderId)).toHaveLength(1);
  });

  it('refuses an order signed with the wrong secret, writing nothing', async () => {
    const body = JSON.stringify(aCanonicalOrder({ externalId: 'W-E2E-FORGED' }));

    const response = await postOrder(body, 'not-the-secret');

    expect(response.status).toBe(401);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect((await ordersTableKeys()).some((key) => key.includes('#EXT#W-E2E-FORGED'))).toBe(false);
  });

  it('refuses on one demo channel an order signed for another, and takes it signed with its own secret', async () => {
    const body = JSON.stringify(aCanonicalOrder({ externalId: 'APP-E2E-1' }));

    const signedForWeb = await postOrder(body, DEMO_CHANNEL_SECRETS.web, 'app');
    const signedForApp = await postOrder(body, DEMO_CHANNEL_SECRETS.app, 'app');

    expect(signedForWeb.status).toBe(401);
    expect(signedForApp.status).toBe(202);
    expect(new Set(Object.values(DEMO_CHANNEL_SECRETS)).size).toBe(Object.keys(DEMO_CHANNEL_SECRETS).length);
  });

  it('answers an unknown route with a 404 problem', async () => {
    const response = await fetch(`${runtime.url}/v1/nowhere`);

    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ status: 404, title: 'Not found' });
  });
});
