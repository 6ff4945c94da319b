import * as z from 'zod';
import { SUBJECT_IDS } from '../domain/ops/dead-letters.js';
import { jsonSchema, problemResponse as problem } from './openapi-parts.js';

const MoveTask = z.object({
  status: z.string().meta({ description: 'RUNNING, COMPLETED, CANCELLING, CANCELLED or FAILED (SQS)' }),
  moved: z.int().nonnegative(),
});

const PeekedDeadLetter = z.object({
  messageId: z.string(),
  receiveCount: z
    .int()
    .nonnegative()
    .meta({ description: "SQS's ApproximateReceiveCount; a look counts as one" }),
  sentAt: z.iso.datetime().optional(),
  firstReceivedAt: z.iso.datetime().optional(),
  type: z.string().optional().meta({ description: "The bus event's detail-type" }),
  ids: z.object(Object.fromEntries(SUBJECT_IDS.map((name) => [name, z.string().optional()]))).meta({
    description: "The identifiers of the event's detail; the body itself is never shown (docs/privacy.md)",
  }),
});

export const DeadLetterQueuesView = z.object({
  queues: z.array(
    z.object({
      queue: z.string().meta({ description: 'The work queue, as lib/topology.ts names it (RoutingQueue)' }),
      deadLetterQueue: z.string().meta({ description: "The dead-letter queue's ARN" }),
      messages: z.int().nonnegative().meta({ description: "SQS's approximate count of messages waiting" }),
      lastRedrive: MoveTask.optional(),
      peek: z.array(PeekedDeadLetter).max(10),
    }),
  ),
});

export const DeadLetterRedrive = z.object({
  queue: z.string(),
  deadLetterQueue: z.string(),
  taskHandle: z.string().optional().meta({ description: "SQS's move task; follow it in lastRedrive" }),
  requestedBy: z.object({ sub: z.string(), role: z.string(), clientId: z.string().optional() }),
  requestedAt: z.iso.datetime(),
});

/** The dead-letters part of the OpenAPI document (docs/runbook.md, "Dead letters"). */
export function deadLettersOpenApi() {
  return {
    schemas: {
      DeadLetterQueues: jsonSchema(DeadLetterQueuesView, 'output'),
      DeadLetterRedrive: jsonSchema(DeadLetterRedrive, 'output'),
    },
    paths: {
      '/v1/ops/dead-letters': {
        get: {
          operationId: 'listDeadLetters',
          summary: "Every work queue's dead letters: count, latest redrive and a look at a few messages",
          description:
            'Each message is told by its id, receive count, times, event type and the ids in its detail, never by its body: order payloads carry names and addresses.',
          responses: {
            '200': {
              description: 'One entry per work queue.',
              content: { 'application/json': { schema: { $ref: '#/components/schemas/DeadLetterQueues' } } },
            },
            '503': problem('SQS did not answer; ask again.'),
          },
        },
      },
      '/v1/ops/dead-letters/{queue}/redrive': {
        post: {
          operationId: 'redriveDeadLetters',
          summary: "Move a work queue's dead letters back to the queue",
          description:
            "Starts SQS's message move task from the dead-letter queue to its queue (locally the messages move at once). Logged with the caller from the token. The body is not read.",
          parameters: [{ name: 'queue', in: 'path', required: true, schema: { type: 'string' } }],
          responses: {
            '202': {
              description: 'The move has started.',
              content: { 'application/json': { schema: { $ref: '#/components/schemas/DeadLetterRedrive' } } },
            },
            '404': problem('No work queue of that name.'),
            '409': problem('A move out of this dead-letter queue is already running.'),
            '503': problem('SQS did not answer; nothing was started, ask again.'),
          },
        },
      },
    },
  };
}
