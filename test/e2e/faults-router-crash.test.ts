import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { listFulfillmentOrders } from '../../functions/data/routing-repository.js';
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
 * The router commits its reservation transaction and dies before it returns, so the routing
 * queue never hears that the message was handled and delivers it again after the visibility
 * timeout. The second delivery must reserve nothing twice, and the order must end routed.
 */
let scenario: Scenario;

beforeAll(async () => {
  scenario = await startScenario('e2ecrash');
  await stockStores([{ locationId: 'STORE-CRASH', skus: ['CRASH-LAMP', 'CRASH-MUG'], onHand: 10 }]);
});
afterAll(() => scenario?.runtime.stop());

describe('a router crash after its reservation transaction', () => {
  it('is redelivered, reserves nothing twice, and the order ends routed', async () => {
    const { runtime, published, queueActivity } = scenario;
    runtime.faults.configure({
      rules: [{ kind: 'crash-after-write', function: 'route-orders', afterWrites: 1 }],
    });

    const { body } = await postOrderAsAChannel(
      runtime,
      anOrderOf('W-CRASH-1', [
        { sku: 'CRASH-LAMP', quantity: 2 },
        { sku: 'CRASH-MUG', quantity: 1 },
      ]),
    );
    await waitForOrder(body.orderId, (order) => order.status === 'ROUTED');
    const handled = await vi.waitFor(
      () => {
        const deleted = queueActivity.find(
          (activity) => activity.queue === 'RoutingQueue' && activity.action === 'deleted',
        );
        if (!deleted) throw new Error('the routing message is still on the queue');
        return deleted;
      },
      { timeout: 10_000 },
    );

    expect(runtime.faults.firedCount('crash-after-write')).toBe(1);
    expect(handled.receiveCount).toBe(2);
    expect(await reservedAt('CRASH-LAMP', 'STORE-CRASH')).toBe(2);
    expect(await reservedAt('CRASH-MUG', 'STORE-CRASH')).toBe(1);
    expect(await listFulfillmentOrders(body.orderId)).toHaveLength(1);
    await vi.waitFor(() => expect(deduplicated(published, 'OrderRouted')).toHaveLength(1), {
      timeout: 10_000,
    });
    expect(deduplicated(published, 'FulfillmentOrderCreated')).toHaveLength(1);
  });
});
