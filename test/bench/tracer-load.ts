import { Tracer } from '@aws-lambda-powertools/tracer';

/**
 * What a sampled invocation loads on top of its function (functions/shared/tracing.ts): the
 * Powertools tracer and the X-Ray SDK. Bundled and timed by `npm run bundle-size` as a row of its
 * own, since the functions themselves are timed as the cold start of an unsampled invocation.
 */
const tracer = new Tracer();

export const handler = async () => tracer.isTracingEnabled();
