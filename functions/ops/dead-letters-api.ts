import { SQSClient } from '@aws-sdk/client-sqs';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { QUEUES } from '../../lib/topology.js';
import type { Actor } from '../domain/access.js';
import { DomainError, NotFoundError } from '../domain/errors.js';
import { subjectOf } from '../domain/ops/dead-letters.js';
import { actorFrom } from '../shared/access.js';
import { errorResponse, json, pathParameter, type HttpResponse } from '../shared/http.js';
import { withApiAccess } from '../shared/middleware.js';
import { logger } from '../shared/observability.js';
import { traced } from '../shared/tracing.js';
import {
  deadLetterStatus,
  peekDeadLetters,
  resolveQueues,
  startRedrive,
  type DeadLetterQueues,
} from './dead-letter-queues.js';

/** How many messages of each dead-letter queue the list shows. */
export const PEEK_SIZE = 5;

/** SQS failed the call: nothing was started, the caller may ask again. */
export class DeadLettersUnavailableError extends DomainError {
  readonly kind = 'unavailable';
  constructor(cause: unknown) {
    super('The dead-letter queues could not be read or moved just now; nothing was started, try again.', {
      cause,
    });
    this.name = 'DeadLettersUnavailableError';
  }
}

export interface DeadLettersDeps {
  sqs: SQSClient;
  /** Each work queue's id (lib/topology.ts QUEUES) and its URL. */
  queueUrls: Record<string, string | undefined>;
  now(): Date;
}

/**
 * Every work queue's dead-letter queue: its count, the latest redrive and a look at a few
 * messages, each told by its ids and never its body (functions/domain/ops/dead-letters.ts).
 */
export async function listDeadLetterQueues(deps: DeadLettersDeps) {
  return {
    queues: await Promise.all(
      Object.keys(deps.queueUrls).map(async (queue) => {
        const queues = await queuesOf(deps, queue);
        const [status, peeked] = await sqsCall(() =>
          Promise.all([deadLetterStatus(deps.sqs, queues), peekDeadLetters(deps.sqs, queues, PEEK_SIZE)]),
        );
        return {
          queue,
          deadLetterQueue: queues.deadLetterArn,
          ...status,
          peek: peeked.map(({ body, ...message }) => ({ ...message, ...subjectOf(body) })),
        };
      }),
    ),
  };
}

/**
 * Moves a queue's dead letters back to it:
 * 1. finds the queue (404 for a name that is not a work queue);
 * 2. refuses, 409, while a move task out of its dead-letter queue runs (RedriveRunningError);
 * 3. starts SQS's message move task and logs who asked for it, the actor from the token.
 */
export async function redriveQueue(deps: DeadLettersDeps, queue: string, actor: Actor) {
  const queues = await queuesOf(deps, queue);
  const { taskHandle } = await sqsCall(() => startRedrive(deps.sqs, queues));
  const redrive = {
    queue,
    deadLetterQueue: queues.deadLetterArn,
    ...(taskHandle && { taskHandle }),
    requestedBy: actor,
    requestedAt: deps.now().toISOString(),
  };
  logger.info('Dead letters redriven', { redrive });
  return redrive;
}

async function queuesOf(deps: DeadLettersDeps, queue: string): Promise<DeadLetterQueues> {
  const url = Object.hasOwn(deps.queueUrls, queue) ? deps.queueUrls[queue] : undefined;
  if (!url) {
    throw new NotFoundError(
      `There is no work queue "${queue}"; the queues are ${Object.keys(deps.queueUrls).join(', ')}.`,
    );
  }
  return sqsCall(() => resolveQueues(deps.sqs, url));
}

async function sqsCall<Result>(call: () => Promise<Result>): Promise<Result> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof DomainError) throw error;
    throw new DeadLettersUnavailableError(error);
  }
}

// The queue URLs are the queues' own endpoints (as in AWS, and the local stand-in's locally).
const deps: DeadLettersDeps = {
  sqs: traced(new SQSClient({ useQueueUrlAsEndpoint: false })),
  queueUrls: Object.fromEntries(Object.values(QUEUES).map((spec) => [spec.id, process.env[spec.envVar]])),
  now: () => new Date(),
};

export async function deadLettersApi(event: APIGatewayProxyEventV2): Promise<HttpResponse> {
  try {
    if (event.routeKey === 'POST /v1/ops/dead-letters/{queue}/redrive') {
      return json(202, await redriveQueue(deps, pathParameter(event, 'queue'), actorFrom(event)));
    }
    return json(200, await listDeadLetterQueues(deps));
  } catch (error) {
    return errorResponse(error, event.rawPath);
  }
}

export const handler = withApiAccess(deadLettersApi);
