import { afterEach, describe, expect, it, vi } from 'vitest';

const powertools = vi.hoisted(() => ({
  tracers: 0,
  captured: [] as object[],
  coldStartsSpent: 0,
  opened: 0,
  closed: 0,
}));

vi.mock('@aws-lambda-powertools/tracer', () => ({
  Tracer: class {
    constructor() {
      powertools.tracers += 1;
    }
    captureAWSv3Client(client: object) {
      powertools.captured.push(client);
      return client;
    }
    getColdStart() {
      powertools.coldStartsSpent += 1;
      return true;
    }
  },
}));
vi.mock('@aws-lambda-powertools/tracer/middleware', () => ({
  captureLambdaHandler: () => ({
    before: () => void (powertools.opened += 1),
    after: () => void (powertools.closed += 1),
  }),
}));

const { traced, tracedWhenSampled } = await import('../../../functions/shared/tracing.js');

const UNSAMPLED = 'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=0';
const SAMPLED = 'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1';

async function invokeWith(traceHeader: string | undefined) {
  if (traceHeader) process.env._X_AMZN_TRACE_ID = traceHeader;
  else delete process.env._X_AMZN_TRACE_ID;
  const middleware = tracedWhenSampled();
  const request = { event: {}, context: {}, response: undefined, error: undefined, internal: {} };
  await middleware.before?.(request as never);
  await middleware.after?.(request as never);
}

afterEach(() => {
  delete process.env._X_AMZN_TRACE_ID;
});

describe('tracing only the invocations X-Ray samples', () => {
  it('loads no tracer for an invocation that is not sampled, or outside Lambda', async () => {
    const client = traced({ name: 'dynamodb' });

    await invokeWith(UNSAMPLED);
    await invokeWith(undefined);

    expect(client).toEqual({ name: 'dynamodb' });
    expect(powertools).toMatchObject({ tracers: 0, captured: [], opened: 0 });
  });

  it('loads the tracer for the first sampled invocation, capturing the clients made before it', async () => {
    await invokeWith(SAMPLED);
    const later = traced({ name: 'eventbridge' });
    await invokeWith(SAMPLED);

    expect(powertools.tracers).toBe(1);
    expect(powertools.captured).toEqual([{ name: 'dynamodb' }, later]);
    expect(powertools).toMatchObject({ opened: 2, closed: 2 });
    // Loaded by the container's third invocation, it must not annotate that one as a cold start.
    expect(powertools.coldStartsSpent).toBe(1);
  });
});
