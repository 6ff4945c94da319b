import { randomUUID } from 'node:crypto';
import type { ScheduledEvent } from 'aws-lambda';
import type { ScheduleSpec } from '../topology.js';
import { LOCAL_REGION } from './dynamodb-local.js';
import { LOCAL_ACCOUNT } from './lambda.js';

/**
 * Runs the functions of SCHEDULES on their rate, as the EventBridge rules of lib/schedules.ts do
 * in AWS, with the event such a rule sends. Unlike a rate rule, a run never starts while the
 * previous one of its schedule is still going: on a laptop an overlap only makes logs confusing.
 */
export interface LocalSchedulerOptions {
  schedules: readonly ScheduleSpec[];
  /** Invokes the schedule's function the way Lambda would (lib/local/lambda.ts). */
  invoke: (schedule: ScheduleSpec, event: ScheduledEvent) => Promise<unknown>;
  /** Replaces every schedule's rate, so tests need not wait minutes; 0 turns the schedules off. */
  intervalMs?: number;
  onError?: (schedule: ScheduleSpec, error: unknown) => void;
}

export class LocalScheduler {
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly running = new Set<Promise<void>>();
  private stopped = false;

  constructor(private readonly options: LocalSchedulerOptions) {}

  start(): this {
    if (this.options.intervalMs === 0) return this;
    for (const schedule of this.options.schedules) this.scheduleNext(schedule, this.intervalOf(schedule));
    return this;
  }

  /** No new run starts; the runs in progress are waited for. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    await Promise.all(this.running);
  }

  private scheduleNext(schedule: ScheduleSpec, delayMs: number): void {
    if (this.stopped) return;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      const startedAt = Date.now();
      const run = this.run(schedule).finally(() => {
        this.running.delete(run);
        this.scheduleNext(schedule, Math.max(0, this.intervalOf(schedule) - (Date.now() - startedAt)));
      });
      this.running.add(run);
    }, delayMs);
    this.timers.add(timer);
  }

  private async run(schedule: ScheduleSpec): Promise<void> {
    try {
      await this.options.invoke(schedule, scheduledEvent(schedule));
    } catch (error) {
      this.options.onError?.(schedule, error);
    }
  }

  private intervalOf(schedule: ScheduleSpec): number {
    return this.options.intervalMs ?? schedule.rateMinutes * 60_000;
  }
}

function scheduledEvent(schedule: ScheduleSpec): ScheduledEvent {
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': 'Scheduled Event',
    source: 'aws.events',
    account: LOCAL_ACCOUNT,
    time: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
    region: LOCAL_REGION,
    resources: [`arn:aws:events:${LOCAL_REGION}:${LOCAL_ACCOUNT}:rule/${schedule.id}`],
    detail: {},
  };
}
