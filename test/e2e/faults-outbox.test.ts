import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { getOrder } from '../../functions/data/orders-repository.js';
import { listFulfillmentOrders } from '../../functions/data/routing-repository.js';
import {
  anOrderOf,
  deduplicated,
  postOrderAsAChannel,
  startScenario,
  stockStores,
  type Scenario,
} from '../helpers/fault-scenarios.js';

/**
 * The Orders outbox under a failing EventBridge: PutEvents refuses entries at random, and the
 * outbox dies half-way through batches, so the stream hands it records again. A subscriber that
 * drops duplicates by eventId must see every event of every order exactly once, and no event
 * that the orders' stored state does not account for.
 */
const ORDERS = 6;
let scenario: Scenario;

beforeAll(async () => {
  scenario = await startScenario('e2eoutbox');
  await stockStores([{ locationId: 'STORE-OUTBOX', skus: ['OUTBOX-CUP'], onHand: 100 }]);
});
afterAll(() => scenario?.runtime.stop());

describe('outbox PutEvents failures', () => {
  it(
    'publish every event exactly once to a subscriber that dedupes by eventId, and none invented',
    { timeout: 90_000 },
    async () => {
      const { runtime, published } = scenario;
      runtime.faults.configure({
        seed: 8,
        rules: [
          { kind: 'fail-put-events', probability: 0.3, times: 12 },
          { kind: 'fail-stream-batch', function: 'publish-order-events', probability: 0.5, times: 3 },
        ],
      });

      const orderIds: string[] = [];
      for (let index = 0; index < ORDERS; index++) {
        const { body } = await postOrderAsAChannel(
          runtime,
          anOrderOf(`W-OUTBOX-${index}`, [{ sku: 'OUTBOX-CUP', quantity: 1 }]),
        );
        orderIds.push(body.orderId);
      }
      // Every event the stored orders account for: received at v1, routed at their version, each fulfillment order created.
      const expected = await vi.waitFor(
        async () => {
          const ids: string[] = [];
          for (const orderId of orderIds) {
            const order = await getOrder(orderId);
            if (order?.status !== 'ROUTED') throw new Error(`${orderId} is ${order?.status}`);
            ids.push(`${orderId}:v1`, `${orderId}:v${order.version}`);
            for (const fo of await listFulfillmentOrders(orderId))
              ids.push(`${fo.fulfillmentOrderId}:created`);
          }
          const kept = deduplicated(
            published.filter((event) => orderIds.includes(String(event.detail.orderId))),
          );
          expect(kept.map((event) => String(event.detail.eventId)).sort()).toEqual(ids.sort());
          return ids;
        },
        { timeout: 60_000, interval: 200 },
      );

      expect(expected).toHaveLength(ORDERS * 3);
      expect(runtime.faults.firedCount('fail-put-events')).toBeGreaterThan(0);
      expect(runtime.faults.firedCount('fail-stream-batch')).toBeGreaterThan(0);
      const kinds = deduplicated(
        published.filter((event) => orderIds.includes(String(event.detail.orderId))),
      ).map((event) => event['detail-type']);
      expect(kinds.filter((kind) => kind === 'OrderReceived')).toHaveLength(ORDERS);
      expect(kinds.filter((kind) => kind === 'OrderRouted')).toHaveLength(ORDERS);
      expect(kinds.filter((kind) => kind === 'FulfillmentOrderCreated')).toHaveLength(ORDERS);
      expect(runtime.failedStreamBatches['OrdersTopublish-order-events']?.depth().visible).toBe(0);
    },
  );
});
