import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { getOrder } from '../../functions/data/orders-repository.js';
import { listFulfillmentOrders } from '../../functions/data/routing-repository.js';
import type { RoutableOrder } from '../../functions/routing/route-order.js';
import {
  anOrderOf,
  deduplicated,
  postOrderAsAChannel,
  reservedAt,
  startScenario,
  stockStores,
  waitForOrder,
  type Scenario,
} from '../helpers/fault-scenarios.js';

/**
 * An order of 60 SKUs, each held by another store, needs 60 reservations (120 items), 60
 * fulfillment orders and 60 capacity counters: far more than one transaction holds, so the router
 * commits it as a saga (functions/data/routing-repository.ts). Its writes, in order: 1 the intent,
 * 2-3 two chunks of reservations, 4 the 21 fulfillment orders that do not fit the last
 * transaction, 5 the last transaction, then the announcements. The router dies after one of
 * them; whatever it left, no location may ever be told of a fulfillment order that does not exist.
 */
const SKUS = Array.from({ length: 60 }, (_, index) => `WIDE-${String(index).padStart(2, '0')}`);
const STORES = SKUS.map((sku) => ({ locationId: `STORE-${sku}`, skus: [sku], onHand: 10 }));
let scenario: Scenario;

beforeAll(async () => {
  // Long enough for a saga of 60 shipments on a busy machine (the router may take half of it).
  scenario = await startScenario('e2echunk', { visibilityTimeoutMs: 20_000 });
  await stockStores(STORES);
});
afterAll(() => scenario?.runtime.stop());

async function routeWithCrashAfter(externalId: string, afterWrites: number) {
  const { runtime, published } = scenario;
  published.length = 0;
  runtime.faults.configure({ rules: [{ kind: 'crash-after-write', function: 'route-orders', afterWrites }] });
  const { body } = await postOrderAsAChannel(
    runtime,
    anOrderOf(
      externalId,
      SKUS.map((sku) => ({ sku, quantity: 1 })),
    ),
  );
  const { orderId } = body;
  await waitForOrder(
    orderId,
    (order) => order.status === 'ROUTED' && !(order as RoutableOrder).pendingAnnouncement,
    90_000,
  );
  const announced = await vi.waitFor(
    () => {
      const created = deduplicated(published, 'FulfillmentOrderCreated');
      expect(created).toHaveLength(SKUS.length);
      return created;
    },
    { timeout: 30_000, interval: 100 },
  );
  expect(runtime.faults.firedCount('crash-after-write')).toBeGreaterThan(0);
  return { orderId, announced };
}

async function expectEveryAnnouncedFulfillmentOrderExists(
  orderId: string,
  announced: Awaited<ReturnType<typeof routeWithCrashAfter>>['announced'],
) {
  const stored = await listFulfillmentOrders(orderId);
  expect(stored).toHaveLength(SKUS.length);
  expect(stored.every((fo) => fo.status === 'CREATED')).toBe(true);
  const storedIds = new Set(stored.map((fo) => fo.fulfillmentOrderId));
  const announcedIds = scenario.published
    .filter((event) => event['detail-type'] === 'FulfillmentOrderCreated')
    .map((event) => String(event.detail.fulfillmentOrderId));
  expect(announcedIds.filter((id) => !storedIds.has(id))).toEqual([]);
  expect(new Set(announced.map((event) => event.detail.fulfillmentOrderId))).toEqual(storedIds);
}

describe('a router crash in the middle of a chunked commit', () => {
  it(
    'announces no fulfillment order of the abandoned attempt, only those of the plan that held',
    { timeout: 120_000 },
    async () => {
      const { orderId, announced } = await routeWithCrashAfter('W-CHUNK-1', 4);

      await expectEveryAnnouncedFulfillmentOrderExists(orderId, announced);
      for (const sku of SKUS) expect(await reservedAt(sku, `STORE-${sku}`)).toBe(1);
      expect((await getOrder(orderId)) as RoutableOrder).not.toHaveProperty('routingIntent');
    },
  );

  it(
    'finishes the announcements of a plan that held when the router died right after it',
    { timeout: 120_000 },
    async () => {
      const { orderId, announced } = await routeWithCrashAfter('W-CHUNK-2', 5);

      await expectEveryAnnouncedFulfillmentOrderExists(orderId, announced);
      for (const sku of SKUS) expect(await reservedAt(sku, `STORE-${sku}`)).toBe(2);
    },
  );
});
