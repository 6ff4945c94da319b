import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { EventEnvelope } from '../../lib/local/event-bus.js';
import { DEMO_CHANNEL_SECRETS } from '../../lib/local/local-config.js';
import { aCanonicalOrder } from '../helpers/factories.js';
import { startTestRuntime, type TestRuntime } from '../helpers/local-runtime.js';

let local: TestRuntime;

beforeAll(async () => {
  local = await startTestRuntime();
});
afterAll(() => local?.stop());

const publishedFor = async (orderId: string) =>
  (await local.getJson<{ event: EventEnvelope }[]>('/_local/events')).filter(
    ({ event }) => event.detail.orderId === orderId,
  );

describe('the local runtime, end to end over HTTP', () => {
  it('answers GET /health and serves the API document', async () => {
    expect(await local.getJson('/health')).toEqual({ status: 'ok' });
    expect(await local.getJson('/openapi.json')).toMatchObject({
      openapi: '3.1.0',
      paths: expect.objectContaining({ '/v1/orders/{orderId}': expect.any(Object) }),
    });
  });

  it('stores a signed order once, answers its repeat with the same id, and announces it to the routing queue', async () => {
    const body = JSON.stringify(aCanonicalOrder({ externalId: 'W-E2E-1' }));

    const first = await local.postSignedOrder(body);
    expect(first.status).toBe(202);
    const { orderId } = (await first.json()) as { orderId: string };
    expect(first.headers.get('location')).toBe(`/v1/orders/${orderId}`);

    const repeat = await local.postSignedOrder(body);
    expect(repeat.status).toBe(200);
    expect(await repeat.json()).toEqual({ orderId, status: 'ALREADY_RECEIVED' });
    expect(await local.getJson(`/v1/orders/${orderId}`)).toMatchObject({
      orderId,
      externalId: 'W-E2E-1',
      channelId: 'web',
    });

    const announcedFor = (id: string) =>
      local.routingQueueMessages.filter((event) => event.detail.orderId === id);
    await vi.waitFor(() => expect(announcedFor(orderId)).not.toEqual([]), { timeout: 15_000, interval: 50 });
    expect(announcedFor(orderId)).toEqual([
      expect.objectContaining({
        'detail-type': 'OrderReceived',
        source: 'oms',
        detail: expect.objectContaining({
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
        }),
      }),
    ]);
    expect(local.runtime.failedStreamBatches['OrdersTopublish-order-events']?.messages()).toEqual([]);
    expect(
      (await publishedFor(orderId)).filter(({ event }) => event['detail-type'] === 'OrderReceived'),
    ).toHaveLength(1);
  });

  it('refuses an order signed with the wrong secret, storing nothing of it', async () => {
    const body = JSON.stringify(aCanonicalOrder({ externalId: 'W-E2E-FORGED' }));

    const forged = await local.postSignedOrder(body, { secret: 'not-the-secret' });

    expect(forged.status).toBe(401);
    expect(forged.headers.get('content-type')).toBe('application/problem+json');
    // Nothing was kept of the forged copy: the genuine one is new, not a repeat.
    const genuine = await local.postSignedOrder(body);
    expect(genuine.status).toBe(202);
  });

  it('refuses on one demo channel an order signed for another, and takes it signed with its own secret', async () => {
    const body = JSON.stringify(aCanonicalOrder({ externalId: 'APP-E2E-1' }));

    const signedForWeb = await local.postSignedOrder(body, {
      channelId: 'app',
      secret: DEMO_CHANNEL_SECRETS.web,
    });
    const signedForApp = await local.postSignedOrder(body, {
      channelId: 'app',
      secret: DEMO_CHANNEL_SECRETS.app,
    });

    expect(signedForWeb.status).toBe(401);
    expect(signedForApp.status).toBe(202);
    expect(new Set(Object.values(DEMO_CHANNEL_SECRETS)).size).toBe(Object.keys(DEMO_CHANNEL_SECRETS).length);
  });

  it('answers an unknown route with a 404 problem', async () => {
    const response = await local.api('/v1/nowhere');

    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ status: 404, title: 'Not found' });
  });

  it('answers GET /v1/orders/{orderId} for an order nobody stored with a 404 problem', async () => {
    const response = await local.api('/v1/orders/01JD0000000000000000000404');

    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect(await response.json()).toMatchObject({
      status: 404,
      detail: 'There is no order "01JD0000000000000000000404".',
    });
  });
});
