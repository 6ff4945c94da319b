import { inject, vi } from 'vitest';
import { putChannel, putLocation } from '../../functions/data/config-repository.js';
import { getStockLevels, putStockLevel } from '../../functions/data/inventory-repository.js';
import { getOrder } from '../../functions/data/orders-repository.js';
import type { CanonicalOrderInput } from '../../functions/domain/order.js';
import type { Location } from '../../functions/domain/location.js';
import { OMS_SIGNATURE_HEADER, signOmsPayload } from '../../functions/domain/signature.js';
import { newStockLevel } from '../../functions/domain/stock.js';
import type { EventEnvelope } from '../../lib/local/event-bus.js';
import type { QueueActivity } from '../../lib/local/queue.js';
import { DEMO_SIGNING_SECRET } from '../../lib/local/local-config.js';
import { startLocalRuntime, type LocalRuntime, type LocalRuntimeOptions } from '../../lib/local/runtime.js';
import { aCanonicalOrder } from './factories.js';
import { aStoreNorthOfLisbon } from './records.js';

/**
 * The local runtime as the fault scenarios (test/e2e/faults-*.test.ts, chaos-*.test.ts) use it:
 * fast polls, short visibility timeouts, every published event and queue activity recorded,
 * and the state read back straight from the tables (what a location or a channel would see).
 */
export interface Scenario {
  runtime: LocalRuntime;
  /** Every event the bus delivered, duplicates included, in order. */
  published: EventEnvelope[];
  queueActivity: QueueActivity[];
}

export async function startScenario(name: string, options: LocalRuntimeOptions = {}): Promise<Scenario> {
  const published: EventEnvelope[] = [];
  const queueActivity: QueueActivity[] = [];
  const runtime = await startLocalRuntime({
    port: 0,
    dynamodbEndpoint: inject('dynamodbEndpoint'),
    tablePrefix: `${name}${Date.now().toString(36)}-`,
    seed: false,
    pollIntervalMs: 50,
    streamRetryDelayMs: 50,
    visibilityTimeoutMs: 4_000,
    scheduleIntervalMs: 0,
    observer: {
      onEventPublished: (event) => published.push(event.event),
      onQueueActivity: (activity) => queueActivity.push(activity),
    },
    ...options,
  });
  await putChannel({
    channelId: 'web',
    name: 'Web',
    format: 'canonical',
    secretName: 'oms/channels/web',
    active: true,
  });
  const scenario = { runtime, published, queueActivity };
  await warmUp(scenario);
  return scenario;
}

/**
 * Routes one order before the scenario starts, so that no first import of a handler (seconds
 * under test transforms) outlasts a visibility timeout and turns one delivery into two.
 */
async function warmUp({ runtime, published, queueActivity }: Scenario): Promise<void> {
  await stockStores([{ locationId: 'WARM-UP', skus: ['WARM-UP'], onHand: 1 }]);
  const { body } = await postOrderAsAChannel(
    runtime,
    anOrderOf('WARM-UP', [{ sku: 'WARM-UP', quantity: 1 }]),
  );
  await waitForOrder(body.orderId, (order) => order.status === 'ROUTED');
  await vi.waitFor(
    () => {
      if (!published.some((event) => event['detail-type'] === 'OrderRouted')) throw new Error('not yet');
    },
    { timeout: 30_000, interval: 50 },
  );
  published.length = 0;
  queueActivity.length = 0;
}

/** Stores at 10, 11, 12… km north of the Lisbon customer, each holding `onHand` of its SKUs. */
export async function stockStores(stock: { locationId: string; skus: string[]; onHand: number }[]) {
  const now = new Date().toISOString();
  for (const [index, { locationId, skus, onHand }] of stock.entries()) {
    const store: Location = aStoreNorthOfLisbon(locationId, 10 + index, {
      capabilities: ['ship', 'pickup', 'transfer'],
    });
    await putLocation(store);
    await Promise.all(skus.map((sku) => putStockLevel(newStockLevel({ sku, locationId, onHand, now }))));
  }
}

export function anOrderOf(
  externalId: string,
  lines: { sku: string; quantity: number }[],
): CanonicalOrderInput {
  return aCanonicalOrder({
    externalId,
    // One customer per order, so that a merge rule never joins two scenario orders.
    customer: { email: `${externalId.toLowerCase()}@example.com`, name: 'Ana Silva' },
    lines: lines.map(({ sku, quantity }, index) => ({
      lineId: String(index + 1),
      sku,
      quantity,
      unitPrice: 1000,
      discount: 0,
      tax: 0,
    })),
    totals: undefined,
  });
}

/** A channel's POST of an order, signed now; rejects when the connection drops. */
export function postOrder(runtime: LocalRuntime, order: CanonicalOrderInput): Promise<Response> {
  const body = JSON.stringify(order);
  return fetch(`${runtime.url}/v1/channels/web/orders`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      [OMS_SIGNATURE_HEADER]: signOmsPayload(DEMO_SIGNING_SECRET, body, Math.floor(Date.now() / 1000)),
    },
    body,
  });
}

/** What a channel does: retries until it gets an answer. Returns the answer and the attempts. */
export async function postOrderAsAChannel(runtime: LocalRuntime, order: CanonicalOrderInput) {
  for (let attempt = 1; ; attempt++) {
    try {
      const response = await postOrder(runtime, order);
      const body = (await response.json()) as { orderId: string; status: string };
      return { status: response.status, body, attempts: attempt };
    } catch (error) {
      if (attempt >= 5) throw error;
    }
  }
}

export async function waitForOrder(
  orderId: string,
  until: (order: NonNullable<Awaited<ReturnType<typeof getOrder>>>) => boolean,
  timeout = 30_000,
) {
  return vi.waitFor(
    async () => {
      const order = await getOrder(orderId);
      if (!order || !until(order)) throw new Error(`order ${orderId} is ${order?.status ?? 'missing'}`);
      return order;
    },
    { timeout, interval: 100 },
  );
}

export async function reservedAt(sku: string, locationId: string): Promise<number | undefined> {
  const levels = await getStockLevels(sku);
  return levels.find((level) => level.locationId === locationId)?.reserved;
}

/** Events of one detail-type about one order, once per eventId: what a deduplicating subscriber keeps. */
export function deduplicated(published: readonly EventEnvelope[], detailType?: string): EventEnvelope[] {
  const seen = new Map<string, EventEnvelope>();
  for (const event of published) {
    if (detailType && event['detail-type'] !== detailType) continue;
    const eventId = String(event.detail.eventId);
    if (!seen.has(eventId)) seen.set(eventId, event);
  }
  return [...seen.values()];
}
