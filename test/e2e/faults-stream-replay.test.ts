import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { getOrder } from '../../functions/data/orders-repository.js';
import { replayStreamBatches } from '../../bin/cli/streams.js';
import {
  anOrderOf,
  deduplicated,
  postOrderAsAChannel,
  startScenario,
  stockStores,
  type Scenario,
} from '../helpers/fault-scenarios.js';

/**
 * EventBridge refuses every entry, so the Orders outbox fails its batch until its retries run out
 * and the batch's pointer is parked on the subscription's failure queue: the order's events are
 * never published and the order is never routed. Once EventBridge is back, `oms streams replay`
 * re-reads the parked records from the stream and runs the outbox on them: the order is routed.
 */
const SUBSCRIPTION = 'Orders-stream-to-publish-order-events';
let scenario: Scenario;

beforeAll(async () => {
  scenario = await startScenario('e2ereplay');
  await stockStores([{ locationId: 'STORE-REPLAY', skus: ['REPLAY-BOWL'], onHand: 4 }]);
});
afterAll(() => scenario?.runtime.stop());

describe('a failed outbox batch', () => {
  it('is parked with its pointer, and a replay publishes its events', { timeout: 60_000 }, async () => {
    const { runtime, published } = scenario;
    const local = { kind: 'local' as const, url: runtime.url };
    const parked = runtime.failedStreamBatches['OrdersTopublish-order-events'];
    // EventBridge refuses every entry: the outbox reports its batches failed until they are parked.
    runtime.faults.configure({ rules: [{ kind: 'fail-put-events', times: 1_000_000 }] });

    const { body } = await postOrderAsAChannel(
      runtime,
      anOrderOf('W-REPLAY-1', [{ sku: 'REPLAY-BOWL', quantity: 1 }]),
    );
    await vi.waitFor(() => expect(parked?.depth().visible).toBeGreaterThan(0), {
      timeout: 30_000,
      interval: 100,
    });
    expect(published.filter((event) => event.detail.orderId === body.orderId)).toEqual([]);
    expect((await getOrder(body.orderId))?.status).toBe('RECEIVED');
    runtime.faults.configure({ rules: [] });

    const replays = await vi.waitFor(
      async () => {
        const report = await replayStreamBatches(local, SUBSCRIPTION);
        expect(report.failed).toBe(0);
        expect(deduplicated(published, 'OrderRouted').map((event) => event.detail.orderId)).toContain(
          body.orderId,
        );
        return report;
      },
      { timeout: 30_000, interval: 500 },
    );

    expect(replays.subscription).toBe('OrdersTopublish-order-events');
    expect((await getOrder(body.orderId))?.status).toBe('ROUTED');
    expect(deduplicated(published, 'OrderReceived').map((event) => event.detail.orderId)).toEqual([
      body.orderId,
    ]);
    expect(deduplicated(published, 'FulfillmentOrderCreated')).toHaveLength(1);
  });
});
