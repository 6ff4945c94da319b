import { IdempotencyConfig, makeIdempotent } from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import type { Context } from 'aws-lambda';
import { tableName } from '../data/dynamo.js';
import type { HttpResponse } from '../shared/http.js';
import { IDEMPOTENCY_TABLE } from '../../lib/tables.js';

/**
 * Powertools idempotency for the fulfillment actions, on the Idempotency table. A request is
 * known by its `Idempotency-Key` header, the route (action and fulfillment order) and the
 * principal, so two callers (or one key sent to two routes) never share an answer; its body is
 * the payload checked on a retry, so the same key with another body is refused
 * (IdempotencyValidationError). Only successes are remembered: a refusal (400, 403, 404, 409)
 * is answered afresh on a retry, from the state as it is then, and an error is never replayed.
 * Records expire after a day. Locally the persistence layer reaches DynamoDB Local through the
 * SDK's standard AWS_ENDPOINT_URL_DYNAMODB, like every other client.
 */
export interface IdempotentRequest {
  idempotencyKey: string;
  route: string;
  principal: string;
  body: unknown;
}

const EXPIRES_AFTER_SECONDS = 24 * 3600;

let config: IdempotencyConfig | undefined;
let persistenceStore: DynamoDBPersistenceLayer | undefined;

/** Runs `work` once per request; a retry gets the first success back without running it. */
export function idempotent(
  work: (request: IdempotentRequest) => Promise<HttpResponse>,
): (request: IdempotentRequest, context?: Context) => Promise<HttpResponse> {
  return async (request, context) => {
    // Built on first use: the table's name comes from the environment the runtime sets.
    persistenceStore ??= new DynamoDBPersistenceLayer({ tableName: tableName(IDEMPOTENCY_TABLE.envVar) });
    config ??= new IdempotencyConfig({
      eventKeyJmesPath: '[idempotencyKey, route, principal]',
      payloadValidationJmesPath: 'body',
      expiresAfterSeconds: EXPIRES_AFTER_SECONDS,
      throwOnNoIdempotencyKey: true,
    });
    if (context) config.registerLambdaContext(context);
    const run = makeIdempotent(work, { persistenceStore, config });
    return run(request);
  };
}
