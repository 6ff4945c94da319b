import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { listFulfillmentOrders } from '../../functions/data/routing-repository.js';
import { QUEUES } from '../../lib/topology.js';
import { listDeadLetters, redriveDeadLetters } from '../../bin/cli/dlq.js';
import { fetchAs } from '../helpers/tokens.js';
import {
  anOrderOf,
  postOrderAsAChannel,
  reservedAt,
  startScenario,
  stockStores,
  waitForOrder,
  type Scenario,
} from '../helpers/fault-scenarios.js';

/**
 * A routing message whose every delivery fails (the router dies on it, as on a bug fixed later)
 * moves to the dead-letter queue after the queue's maxReceiveCount receives; once the cause is
 * gone, `oms dlq redrive` moves it back and the order is routed, once, with nothing lost. Ops see
 * it in the dead-letters API meanwhile, by its ids and without the customer's details.
 */
const MAX_RECEIVES = QUEUES.routing.maxReceiveCount;
let scenario: Scenario;

beforeAll(async () => {
  scenario = await startScenario('e2epoison', { visibilityTimeoutMs: 2_000 });
  await stockStores([{ locationId: 'STORE-POISON', skus: ['POISON-VASE'], onHand: 4 }]);
});
afterAll(() => scenario?.runtime.stop());

describe('a poison routing message', () => {
  it(
    'is dead-lettered after the configured receives, then redriven and routed once',
    { timeout: 60_000 },
    async () => {
      const { runtime, queueActivity } = scenario;
      const local = { kind: 'local' as const, url: runtime.url };
      runtime.faults.configure({
        rules: [{ kind: 'crash-after-write', function: 'route-orders', afterWrites: 0, times: MAX_RECEIVES }],
      });

      const { body } = await postOrderAsAChannel(
        runtime,
        anOrderOf('W-POISON-1', [{ sku: 'POISON-VASE', quantity: 2 }]),
      );
      const deadLettered = await vi.waitFor(
        () => {
          const moved = queueActivity.find((activity) => activity.action === 'dead-lettered');
          if (!moved) throw new Error('not dead-lettered yet');
          return moved;
        },
        { timeout: 30_000, interval: 100 },
      );

      expect(deadLettered).toMatchObject({ queue: 'RoutingQueue', receiveCount: MAX_RECEIVES });
      expect(runtime.faults.firedCount('crash-after-write')).toBe(MAX_RECEIVES);
      const parked = await listDeadLetters(local, 'RoutingQueue');
      expect(parked.messages).toBe(1);
      expect(JSON.stringify(parked.deadLetters)).toContain(body.orderId);
      const seen = await fetchAs(runtime.url, '/v1/ops/dead-letters', {}, { role: 'ops', sub: 'oscar' });
      expect(seen.status).toBe(200);
      const { queues } = (await seen.json()) as { queues: { queue: string }[] };
      const routing = queues.find((queue) => queue.queue === 'RoutingQueue');
      expect(routing).toMatchObject({
        messages: 1,
        peek: [{ type: 'OrderReceived', ids: { orderId: body.orderId }, receiveCount: MAX_RECEIVES + 1 }],
      });
      expect(JSON.stringify(routing)).not.toMatch(/Ana Silva|w-poison-1@example\.com/);
      expect(await reservedAt('POISON-VASE', 'STORE-POISON')).toBe(0);

      expect(await redriveDeadLetters(local, 'RoutingQueue')).toEqual({ queue: 'RoutingQueue', moved: 1 });

      await waitForOrder(body.orderId, (order) => order.status === 'ROUTED');
      expect((await listDeadLetters(local, 'RoutingQueue')).messages).toBe(0);
      expect(await reservedAt('POISON-VASE', 'STORE-POISON')).toBe(2);
      expect(await listFulfillmentOrders(body.orderId)).toHaveLength(1);
    },
  );
});
