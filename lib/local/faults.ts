import { z } from 'zod';
import { watchInvocation, type WatchedInvocation } from './invocation-watch.js';

/**
 * Fault injection for the local runtime, off until rules are given (OMS_LOCAL_FAULTS, the
 * runtime's `faults` option or POST /_local/faults). Each rule names one failure AWS can hand
 * the system, fires at most `times` times (with `probability`, drawn from a seeded generator so
 * that a failing run can be replayed) and is then spent:
 * - drop-response: the handler ran (and committed), then the connection is dropped, so the
 *   client sees no answer and retries;
 * - crash-after-write: the function dies once it has sent `afterWrites` writes (DynamoDB writes
 *   and PutEvents): the invocation fails, and nothing it would still have done reaches a table
 *   (the same cut-off ends a function that runs out of time, faults or not);
 * - fail-stream-batch: the stream function handles the first half of a batch and then dies;
 * - fail-put-events: PutEvents reports the entry as failed (InternalFailure);
 * - delay-message / duplicate-message: SQS delivers a message late, or twice.
 * The other modules call the small hooks below; everything else about faults lives here.
 */
const Chance = {
  times: z.number().int().positive().max(1_000_000).default(1),
  probability: z.number().min(0).max(1).default(1),
};

export const FaultRule = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('drop-response'),
    method: z.string().optional(),
    /** A route path as in functions/routes, e.g. `/v1/channels/{channelId}/orders`. */
    route: z.string().optional(),
    ...Chance,
  }),
  z.object({
    kind: z.literal('crash-after-write'),
    /** A function id of lib/topology.ts FUNCTIONS, e.g. `route-orders`. */
    function: z.string(),
    afterWrites: z.number().int().nonnegative().default(1),
    ...Chance,
  }),
  z.object({ kind: z.literal('fail-stream-batch'), function: z.string(), ...Chance }),
  z.object({ kind: z.literal('fail-put-events'), detailType: z.string().optional(), ...Chance }),
  z.object({
    kind: z.literal('delay-message'),
    queue: z.string(),
    delayMs: z.number().int().positive().max(3_600_000),
    ...Chance,
  }),
  z.object({ kind: z.literal('duplicate-message'), queue: z.string(), ...Chance }),
]);
export type FaultRule = z.input<typeof FaultRule>;
type ParsedRule = z.output<typeof FaultRule>;
export type FaultKind = ParsedRule['kind'];

export const FaultSettings = z.object({
  rules: z.array(FaultRule).max(100),
  seed: z.number().int().default(1),
});
export type FaultSettings = z.input<typeof FaultSettings>;

export const FAULTS_ENV = 'OMS_LOCAL_FAULTS';

/** The error a function invocation fails with when a fault kills it. */
export class InjectedCrash extends Error {
  override readonly name = 'InjectedCrash';
}

interface ActiveRule {
  rule: ParsedRule;
  remaining: number;
}

export class LocalFaults {
  private active: ActiveRule[] = [];
  private readonly fired: Partial<Record<FaultKind, number>> = {};
  private random: () => number = seeded(1);

  constructor(settings?: FaultSettings) {
    if (settings) this.configure(settings);
  }

  /** Replaces every rule; `{ rules: [] }` turns faults off. Throws a ZodError on a bad rule. */
  configure(settings: unknown): void {
    const parsed = FaultSettings.parse(settings);
    this.active = parsed.rules.map((rule) => ({ rule, remaining: rule.times }));
    this.random = seeded(parsed.seed);
  }

  describe() {
    return {
      rules: this.active.map(({ rule, remaining }) => ({ ...rule, remaining })),
      fired: { ...this.fired },
    };
  }

  /** How often each kind of fault fired since the runtime started. */
  firedCount(kind: FaultKind): number {
    return this.fired[kind] ?? 0;
  }

  shouldDropResponse(method: string, route: string): boolean {
    return this.take(
      (rule) =>
        rule.kind === 'drop-response' &&
        (rule.method === undefined || rule.method === method) &&
        (rule.route === undefined || rule.route === route),
    );
  }

  shouldFailPutEventsEntry(detailType: string | undefined): boolean {
    return this.take(
      (rule) =>
        rule.kind === 'fail-put-events' && (rule.detailType === undefined || rule.detailType === detailType),
    );
  }

  /** How a message sent to `queue` is delivered: how many copies, and after what delay. */
  onSend(queue: string): { copies: number; delayMs: number } {
    const duplicated = this.take((rule) => rule.kind === 'duplicate-message' && rule.queue === queue);
    let delayMs = 0;
    this.take((rule) => {
      if (rule.kind !== 'delay-message' || rule.queue !== queue) return false;
      delayMs = rule.delayMs;
      return true;
    });
    return { copies: duplicated ? 2 : 1, delayMs };
  }

  /**
   * Runs a stream batch; when a fail-stream-batch rule fires, only its first half reaches the
   * function, and then the invocation fails as if the function had died there.
   */
  async streamBatch<Event extends { Records: unknown[] }>(
    functionId: string,
    event: Event,
    invoke: (event: Event) => Promise<unknown>,
  ): Promise<unknown> {
    if (!this.take((rule) => rule.kind === 'fail-stream-batch' && rule.function === functionId)) {
      return invoke(event);
    }
    const half = event.Records.slice(0, Math.ceil(event.Records.length / 2));
    await invoke({ ...event, Records: half });
    throw new InjectedCrash(`${functionId} died after ${half.length} of ${event.Records.length} records`);
  }

  /**
   * Runs one invocation of a function. A crash-after-write rule for it makes it fail at its first
   * request after the given number of writes (or when it returns, if it sends none). Once it has
   * crashed, or run out of time (`timeout`), every request it still sends is cut off: as in
   * Lambda, a dead or timed-out function writes nothing more.
   */
  async invoke<Result>(
    functionId: string,
    run: () => Promise<Result>,
    timeout: { ms: number; error: () => Error },
  ): Promise<Result> {
    let kill!: (error: Error) => void;
    const killed = new Promise<never>((_, reject) => {
      kill = reject;
    });
    killed.catch(() => undefined);
    const invocation: WatchedInvocation = {
      writes: 0,
      crashed: false,
      crashes: () => {
        if (invocation.crashed) return true;
        if (!this.crashFires(functionId, invocation.writes)) return false;
        invocation.crashed = true;
        kill(new InjectedCrash(`${functionId} crashed after its write`));
        return true;
      },
    };
    const timer = setTimeout(() => {
      invocation.crashed = true;
      kill(timeout.error());
    }, timeout.ms);
    try {
      const result = await Promise.race([watchInvocation(invocation, run), killed]);
      if (invocation.crashes()) await killed;
      return result;
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * The fewest writes after which a crash-after-write rule for the function can fire, or
   * undefined when none is live: a function in a worker asks crashFires only from there on.
   */
  crashThreshold(functionId: string): number | undefined {
    const thresholds = this.active
      .map(({ rule }) => rule)
      .filter((rule) => rule.kind === 'crash-after-write' && rule.function === functionId)
      .map((rule) => (rule.kind === 'crash-after-write' ? rule.afterWrites : 0));
    return thresholds.length ? Math.min(...thresholds) : undefined;
  }

  /** Whether an invocation of the function that has sent `writes` writes dies now (spends the rule). */
  crashFires(functionId: string, writes: number): boolean {
    return this.take(
      (rule) =>
        rule.kind === 'crash-after-write' && rule.function === functionId && writes >= rule.afterWrites,
    );
  }

  /** Spends one firing of the first live rule that matches, if its draw says so. */
  private take(matches: (rule: ParsedRule) => boolean): boolean {
    const index = this.active.findIndex(({ rule }) => matches(rule));
    const active = this.active[index];
    if (!active) return false;
    if (active.rule.probability < 1 && this.random() >= active.rule.probability) return false;
    active.remaining -= 1;
    if (active.remaining === 0) this.active.splice(index, 1);
    this.fired[active.rule.kind] = (this.fired[active.rule.kind] ?? 0) + 1;
    return true;
  }
}

/** Settings from OMS_LOCAL_FAULTS (JSON), or none. */
export function faultSettingsFromEnvironment(
  env: NodeJS.ProcessEnv = process.env,
): FaultSettings | undefined {
  const text = env[FAULTS_ENV];
  if (!text) return undefined;
  try {
    return FaultSettings.parse(JSON.parse(text));
  } catch (error) {
    throw new Error(`${FAULTS_ENV} is not valid fault settings: ${(error as Error).message}`);
  }
}

/** mulberry32: small, fast and good enough to draw faults reproducibly. */
export function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
