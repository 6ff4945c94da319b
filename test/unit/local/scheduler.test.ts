import type { ScheduledEvent } from 'aws-lambda';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { LocalScheduler } from '../../../lib/local/scheduler.js';
import type { ScheduleSpec } from '../../../lib/topology.js';

const pollAmazon: ScheduleSpec = { id: 'PollAmazon', function: 'pollAmazon', rateMinutes: 5 };
const NOW = Date.UTC(2026, 10, 22, 10, 0, 0);

/** The scheduler runs on setTimeout and Date: fake timers are its clock, so runs can be counted. */
describe('the local scheduler', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: NOW });
  });

  it('invokes the function every interval with the event an EventBridge schedule sends', async () => {
    const events: ScheduledEvent[] = [];
    const scheduler = new LocalScheduler({
      schedules: [pollAmazon],
      intervalMs: 5,
      invoke: async (_schedule, event) => void events.push(event),
    }).start();

    await vi.advanceTimersByTimeAsync(50);
    await scheduler.stop();

    expect(events).toHaveLength(10);
    expect(events[0]).toMatchObject({
      version: '0',
      source: 'aws.events',
      'detail-type': 'Scheduled Event',
      time: '2026-11-22T10:00:00Z',
      region: 'us-east-1',
      resources: [expect.stringMatching(/^arn:aws:events:us-east-1:\d{12}:rule\/PollAmazon$/)],
      detail: {},
    });
    expect(events[1]!.time).toBe('2026-11-22T10:00:00Z');
    expect(new Set(events.map((event) => event.id)).size).toBe(10);
  });

  it('uses the schedule rate when no interval replaces it', async () => {
    let runs = 0;
    const scheduler = new LocalScheduler({
      schedules: [pollAmazon],
      invoke: async () => void (runs += 1),
    }).start();

    await vi.advanceTimersByTimeAsync(5 * 60_000 - 1);
    expect(runs).toBe(0);
    await vi.advanceTimersByTimeAsync(1);
    await scheduler.stop();

    expect(runs).toBe(1);
  });

  it('never starts a run while the previous one is going, and starts none once stopped', async () => {
    let running = 0;
    let overlapped = false;
    let runs = 0;
    const scheduler = new LocalScheduler({
      schedules: [pollAmazon],
      intervalMs: 1,
      invoke: async () => {
        running += 1;
        overlapped ||= running > 1;
        await new Promise((resolve) => setTimeout(resolve, 15));
        running -= 1;
        runs += 1;
      },
    }).start();

    // Runs start at 1, 16, 31 and 46 ms: each as soon as the previous one ended.
    await vi.advanceTimersByTimeAsync(60);
    expect(runs).toBe(3);
    const stopping = scheduler.stop();
    await vi.advanceTimersByTimeAsync(15);
    await stopping;
    await vi.advanceTimersByTimeAsync(100);

    expect(overlapped).toBe(false);
    expect(runs).toBe(4);
  });

  it('runs nothing when its interval is 0', async () => {
    let runs = 0;
    const scheduler = new LocalScheduler({
      schedules: [pollAmazon],
      intervalMs: 0,
      invoke: async () => void (runs += 1),
    }).start();

    await vi.advanceTimersByTimeAsync(10 * 60_000);
    await scheduler.stop();

    expect(runs).toBe(0);
  });

  it('reports a failed run and keeps the schedule going', async () => {
    const failures: unknown[] = [];
    const scheduler = new LocalScheduler({
      schedules: [pollAmazon],
      intervalMs: 2,
      invoke: async () => {
        throw new Error('SP-API unreachable');
      },
      onError: (_schedule, error) => failures.push(error),
    }).start();

    await vi.advanceTimersByTimeAsync(40);
    await scheduler.stop();

    expect(failures).toHaveLength(20);
    expect(failures[19]).toEqual(new Error('SP-API unreachable'));
  });
});
