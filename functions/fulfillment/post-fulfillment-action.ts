import {
  IdempotencyAlreadyInProgressError,
  IdempotencyValidationError,
} from '@aws-lambda-powertools/idempotency';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { ValidationError } from '../domain/errors.js';
import { isFulfillmentAction } from '../domain/fulfillment/machine.js';
import { IdempotencyKey } from '../domain/fulfillment/view.js';
import { parseOrThrow } from '../domain/validation.js';
import { actorFrom, authorizeResource, principalOf } from '../shared/access.js';
import {
  errorResponse,
  json,
  jsonBodyOf,
  lowerCaseHeaders,
  pathParameter,
  problem,
  type HttpResponse,
} from '../shared/http.js';
import { withApiAccess } from '../shared/middleware.js';
import { idempotent } from './idempotency.js';
import { performFulfillmentAction } from './perform-action.js';

/**
 * POST /v1/fulfillment-orders/{fulfillmentOrderId}/<action>: accept, reject, pick, pack, ship,
 * ready-for-pickup, picked-up, receive, and the answers to a cancel request, accept-cancel and
 * refuse-cancel. 200 with the fulfillment order as it is now; a retry
 * with the same `Idempotency-Key` (required) gets the first 200 back, the same key with another
 * body a 422. 400 bad input, 403 another location's work, 404 none, 409 out of order.
 */
export async function postFulfillmentAction(
  event: APIGatewayProxyEventV2,
  context?: Context,
): Promise<HttpResponse> {
  try {
    const fulfillmentOrderId = pathParameter(event, 'fulfillmentOrderId');
    const action = event.routeKey.split('/').at(-1) ?? '';
    if (!isFulfillmentAction(action)) throw new ValidationError(`Unknown action ${action}.`, []);
    const idempotencyKey = parseOrThrow(
      IdempotencyKey,
      lowerCaseHeaders(event.headers)['idempotency-key'],
      'header',
      'Idempotency-Key',
    );
    const body = event.body ? jsonBodyOf(event) : {};
    const principal = principalOf(event);
    const caller = {
      actor: actorFrom(event),
      mayActAt: (locationId: string) => authorizeResource(event, { locationIds: [locationId] }),
    };
    const run = idempotent(async () =>
      json(200, await performFulfillmentAction(fulfillmentOrderId, action, body, caller)),
    );
    return await run(
      {
        idempotencyKey,
        route: `${action} ${fulfillmentOrderId}`,
        principal: `${principal.role}:${principal.sub}`,
        body,
      },
      context,
    );
  } catch (error) {
    return idempotencyProblem(error, event.rawPath) ?? errorResponse(error, event.rawPath);
  }
}

/** The idempotency layer's refusals, as the IETF Idempotency-Key draft answers them. */
function idempotencyProblem(error: unknown, instance: string): HttpResponse | undefined {
  if (error instanceof IdempotencyValidationError)
    return problem(
      422,
      'idempotency-key-reused',
      'Idempotency-Key reused',
      'This Idempotency-Key was used with another body: send a new key for a new request.',
      { instance },
    );
  if (error instanceof IdempotencyAlreadyInProgressError)
    return problem(
      409,
      'idempotency-in-progress',
      'Request in progress',
      'A request with this Idempotency-Key is still being processed: retry shortly.',
      { instance, retryable: true },
    );
  return undefined;
}

export const handler = withApiAccess(postFulfillmentAction);
