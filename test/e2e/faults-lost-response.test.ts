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
 * The ingest commits an order, then its response is lost (the connection drops): the channel
 * sees no answer and posts the same order again. The OMS must keep one order, route it once and
 * reserve its units once.
 */
let scenario: Scenario;

beforeAll(async () => {
  scenario = await startScenario('e2elost');
  await stockStores([{ locationId: 'STORE-LOST', skus: ['LOST-MUG'], onHand: 10 }]);
});
afterAll(() => scenario?.runtime.stop());

describe('a lost ingest response', () => {
  it('is retried by the channel and leaves one order, routed once', async () => {
    const { runtime, published } = scenario;
    runtime.faults.configure({
      rules: [{ kind: 'drop-response', method: 'POST', route: '/v1/channels/{channelId}/orders' }],
    });

    const answer = await postOrderAsAChannel(
      runtime,
      anOrderOf('W-LOST-1', [{ sku: 'LOST-MUG', quantity: 3 }]),
    );

    expect(runtime.faults.firedCount('drop-response')).toBe(1);
    expect(answer.attempts).toBe(2);
    expect(answer.status).toBe(200);
    expect(answer.body.status).toBe('ALREADY_RECEIVED');
    const { orderId } = answer.body;
    const routed = await waitForOrder(orderId, (order) => order.status === 'ROUTED');
    expect(routed.version).toBe(2);

    await vi.waitFor(() => expect(deduplicated(published, 'OrderRouted')).toHaveLength(1), {
      timeout: 10_000,
    });
    const received = published.filter((event) => event['detail-type'] === 'OrderReceived');
    expect(received.map((event) => event.detail.orderId)).toEqual([orderId]);
    expect(deduplicated(published, 'OrderRouted').map((event) => event.detail.orderId)).toEqual([orderId]);
    expect(await listFulfillmentOrders(orderId)).toHaveLength(1);
    expect(await reservedAt('LOST-MUG', 'STORE-LOST')).toBe(3);
  });
});
