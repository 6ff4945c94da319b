import type { Tracer } from '@aws-lambda-powertools/tracer';
import type { MiddlewareObj } from '@middy/core';

/**
 * X-Ray tracing through the Powertools tracer, loaded by the first invocation that X-Ray samples
 * rather than at import. The tracer and the X-Ray SDK under it are the largest part of a cold
 * start after the AWS SDK itself (docs/performance.md), and an invocation that is not sampled
 * gains nothing from them: its segments are never sent. X-Ray samples the first request each
 * second and 5 % of the rest, so most of the containers a burst starts never load the tracer;
 * the sampled ones load it before their handler runs and trace exactly as before. Lambda says
 * whether an invocation is sampled in `_X_AMZN_TRACE_ID`; outside Lambda (tests, the local
 * runtime) there is none, and nothing is traced, as Powertools would not trace there either.
 */
let tracer: Tracer | undefined;
let loading: Promise<Tracer> | undefined;
/** Clients made before the tracer was loaded; it captures them when it is. */
const untracedClients = new Set<object>();
let invocationsStarted = 0;

/** An AWS SDK v3 client whose calls become subsegments of sampled invocations' traces. */
export function traced<Client extends object>(client: Client): Client {
  if (tracer) return tracer.captureAWSv3Client(client);
  untracedClients.add(client);
  return client;
}

function sampled(): boolean {
  return /(?:^|;)\s*Sampled=1(?:;|$)/.test(process.env._X_AMZN_TRACE_ID ?? '');
}

function loadTracer(): Promise<Tracer> {
  loading ??= import('@aws-lambda-powertools/tracer').then(({ Tracer }) => {
    const loaded = new Tracer();
    // The tracer annotates its first invocation as the cold start; loaded by a later one, that
    // is not the container's first, so its own flag is spent here.
    if (invocationsStarted > 1) (loaded as unknown as { getColdStart(): boolean }).getColdStart();
    for (const client of untracedClients) loaded.captureAWSv3Client(client);
    untracedClients.clear();
    tracer = loaded;
    return loaded;
  });
  return loading;
}

/** Powertools' captureLambdaHandler, for the invocations X-Ray samples. */
export function tracedWhenSampled(): MiddlewareObj {
  const tracedRequests = new WeakSet<object>();
  let capture: MiddlewareObj | undefined;
  return {
    before: async (request) => {
      invocationsStarted += 1;
      if (!sampled()) return;
      const loaded = await loadTracer();
      if (!capture) {
        const { captureLambdaHandler } = await import('@aws-lambda-powertools/tracer/middleware');
        capture = captureLambdaHandler(loaded, { captureResponse: false });
      }
      tracedRequests.add(request);
      await capture.before?.(request);
    },
    after: async (request) => {
      if (tracedRequests.has(request)) await capture?.after?.(request);
    },
    onError: async (request) => {
      if (tracedRequests.has(request)) await capture?.onError?.(request);
    },
  };
}
