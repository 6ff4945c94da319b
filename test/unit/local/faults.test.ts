import { describe, expect, it } from 'vitest';
import { InjectedCrash, LocalFaults, faultSettingsFromEnvironment } from '../../../lib/local/faults.js';
import { LocalQueue } from '../../../lib/local/queue.js';

describe('LocalFaults', () => {
  it('injects nothing until rules are given', async () => {
    const faults = new LocalFaults();

    expect(faults.shouldDropResponse('POST', '/v1/channels/{channelId}/orders')).toBe(false);
    expect(faults.onSend('RoutingQueue')).toEqual({ copies: 1, delayMs: 0 });
    expect(
      await faults.invoke('route-orders', async () => 'done', { ms: 1_000, error: () => new Error() }),
    ).toBe('done');
  });

  it('fires a rule as many times as it says, only where it matches, then forgets it', () => {
    const faults = new LocalFaults({
      rules: [{ kind: 'drop-response', method: 'POST', route: '/v1/channels/{channelId}/orders', times: 2 }],
    });

    expect(faults.shouldDropResponse('GET', '/v1/channels/{channelId}/orders')).toBe(false);
    expect(faults.shouldDropResponse('POST', '/v1/channels/{channelId}/orders')).toBe(true);
    expect(faults.shouldDropResponse('POST', '/v1/channels/{channelId}/orders')).toBe(true);
    expect(faults.shouldDropResponse('POST', '/v1/channels/{channelId}/orders')).toBe(false);
    expect(faults.describe()).toEqual({ rules: [], fired: { 'drop-response': 2 } });
  });

  it('draws probabilities from its seed, so that a run can be replayed', () => {
    const draws = (seed: number) => {
      const faults = new LocalFaults({
        seed,
        rules: [{ kind: 'fail-put-events', probability: 0.5, times: 1_000 }],
      });
      return Array.from({ length: 20 }, () => faults.shouldFailPutEventsEntry('OrderRouted'));
    };

    expect(draws(42)).toEqual(draws(42));
    expect(draws(42)).not.toEqual(draws(43));
  });

  it('delays and duplicates what is sent to a queue', () => {
    let now = 1_000;
    const faults = new LocalFaults({
      rules: [
        { kind: 'duplicate-message', queue: 'RoutingQueue' },
        { kind: 'delay-message', queue: 'RoutingQueue', delayMs: 500 },
      ],
    });
    const queue = new LocalQueue({ name: 'RoutingQueue', visibilityTimeoutMs: 100, faults, now: () => now });

    queue.send('{"orderId":"A"}');

    expect(queue.receive(10)).toEqual([]);
    now += 500;
    expect(queue.receive(10).map((message) => message.body)).toEqual(['{"orderId":"A"}', '{"orderId":"A"}']);
  });

  it('fails a stream batch after its first half reached the function', async () => {
    const faults = new LocalFaults({
      rules: [{ kind: 'fail-stream-batch', function: 'publish-order-events' }],
    });
    const handled: number[][] = [];
    const invoke = async (event: { Records: number[] }) => void handled.push(event.Records);

    await expect(faults.streamBatch('publish-order-events', { Records: [1, 2, 3] }, invoke)).rejects.toThrow(
      InjectedCrash,
    );
    await faults.streamBatch('publish-order-events', { Records: [1, 2, 3] }, invoke);

    expect(handled).toEqual([
      [1, 2],
      [1, 2, 3],
    ]);
  });

  it('crashes a function that sends no request when it returns, losing its result', async () => {
    const faults = new LocalFaults({
      rules: [{ kind: 'crash-after-write', function: 'route-orders', afterWrites: 0 }],
    });
    const timeout = { ms: 1_000, error: () => new Error('timed out') };

    await expect(faults.invoke('route-orders', async () => 'routed', timeout)).rejects.toThrow(InjectedCrash);
    expect(await faults.invoke('route-orders', async () => 'routed', timeout)).toBe('routed');
  });

  it('refuses settings it does not understand, naming the variable', () => {
    expect(faultSettingsFromEnvironment({})).toBeUndefined();
    expect(() => faultSettingsFromEnvironment({ OMS_LOCAL_FAULTS: '{"rules":[{"kind":"meteor"}]}' })).toThrow(
      /OMS_LOCAL_FAULTS/,
    );
  });
});
