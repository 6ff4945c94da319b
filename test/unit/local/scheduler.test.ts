import type { ScheduledEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { LocalScheduler } from '../../../lib/local/scheduler.js';
import type { ScheduleSpec } from '../../../lib/topology.js';

const pollAmazon: ScheduleSpec = { id: 'PollAmazon', function: 'pollAmazon', rateMinutes: 5 };
const wait = (milliseconds: number) => new Promise((resolve) => setTimeout(resolve, milliseconds));

describe('the local scheduler', () => {
  it('invokes the function with the event an EventBridge schedule sends', async () => {
    const events: ScheduledEvent[] = [];
    const scheduler = new LocalScheduler({
      schedules: [pollAmazon],
      intervalMs: 5,
      invoke: async (_schedule, event) => void events.push(event),
    }).start();

    await wait(50);
    await scheduler.stop();

    expect(events.length).toBeGreaterThan(1);
    expect(events[0]).toMatchObject({
      source: 'aws.events',
      'detail-type': 'Scheduled Event',
      resources: [expect.stringMatching(/:rule\/PollAmazon$/)],
      detail: {},
    });
  });

  it('never starts a run while the previous one is going, and stops with the runtime', async () => {
    let running = 0;
    let overlapped = false;
    let runs = 0;
    const scheduler = new LocalScheduler({
      schedules: [pollAmazon],
      intervalMs: 1,
      invoke: async () => {
        running += 1;
        overlapped ||= running > 1;
        await wait(15);
        running -= 1;
        runs += 1;
      },
    }).start();

    await wait(60);
    await scheduler.stop();
    const runsAtStop = runs;
    await wait(30);

    expect(overlapped).toBe(false);
    expect(runsAtStop).toBeGreaterThan(1);
    expect(runs).toBe(runsAtStop);
  });

  it('runs nothing when its interval is 0', async () => {
    let runs = 0;
    const scheduler = new LocalScheduler({
      schedules: [pollAmazon],
      intervalMs: 0,
      invoke: async () => void (runs += 1),
    }).start();

    await wait(20);
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

    await wait(40);
    await scheduler.stop();

    expect(failures.length).toBeGreaterThan(1);
  });
});
