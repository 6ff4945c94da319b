import { fromStates, ruleFor } from '../domain/fulfillment/machine.js';
import { PUBLISHED_FULFILLMENT_EVENT_SCHEMAS } from '../domain/fulfillment/events.js';
import { QUEUE_STATES } from '../domain/fulfillment/view.js';
import { FULFILLMENT_API_ACTIONS } from '../routes/fulfillment.js';
import { jsonSchema, problemResponse as problem } from './openapi-parts.js';

/**
 * The fulfillment part of the OpenAPI document (merged by openapi-document.ts): the action
 * bodies and the states each action is allowed from come from the state machine's table
 * (functions/domain/fulfillment/machine.ts), so the document can not drift from what the API does.
 */
const schemaName = (action: string) =>
  `Fulfillment${action
    .split('-')
    .map((word) => word[0]!.toUpperCase() + word.slice(1))
    .join('')}Body`;

const fulfillmentOrderId = {
  name: 'fulfillmentOrderId',
  in: 'path',
  required: true,
  schema: { type: 'string' },
};
const idempotencyKey = {
  name: 'Idempotency-Key',
  in: 'header',
  required: true,
  description:
    'Required. A retry with the same key (same caller, same route) answers the first success without acting again; the same key with another body is a 422.',
  schema: { type: 'string', minLength: 1, maxLength: 255 },
};
const fulfillmentOrder = {
  description:
    'The fulfillment order as it is now: lines (with names), customer, packages, shipments and history.',
  content: { 'application/json': { schema: { type: 'object' } } },
};

export function fulfillmentOpenApi() {
  return {
    schemas: {
      ...Object.fromEntries(
        FULFILLMENT_API_ACTIONS.map((action) => [schemaName(action), jsonSchema(ruleFor(action).body)]),
      ),
      ...Object.fromEntries(
        Object.entries(PUBLISHED_FULFILLMENT_EVENT_SCHEMAS).map(([detailType, schema]) => [
          `${detailType}Event`,
          jsonSchema(schema, 'output'),
        ]),
      ),
    },
    paths: {
      '/v1/locations/{locationId}/fulfillment-orders': {
        get: {
          operationId: 'getWorkQueue',
          summary: "A location's work in one status, oldest first, paged",
          parameters: [
            { name: 'locationId', in: 'path', required: true, schema: { type: 'string' } },
            {
              name: 'status',
              in: 'query',
              required: false,
              schema: { type: 'string', enum: QUEUE_STATES, default: 'CREATED' },
            },
            {
              name: 'statuses',
              in: 'query',
              required: false,
              description:
                'Several statuses, comma-separated (`CREATED,ACCEPTED`), instead of `status`: each its first `limit`, status by status; no `cursor`.',
              style: 'form',
              explode: false,
              schema: { type: 'array', items: { type: 'string', enum: QUEUE_STATES }, uniqueItems: true },
            },
            {
              name: 'limit',
              in: 'query',
              required: false,
              schema: { type: 'integer', minimum: 1, maximum: 100, default: 25 },
            },
            {
              name: 'cursor',
              in: 'query',
              required: false,
              schema: { type: 'string', description: '`nextCursor` of the previous page.' },
            },
          ],
          responses: {
            '200': {
              description:
                '`items` (fulfillment orders) and `nextCursor` when there is more; with `statuses`, `nextCursors` maps each status that has more to the cursor of its own `status` query.',
            },
            '400': problem(
              'A query parameter or the cursor is invalid, or `statuses` with `status` or `cursor`.',
            ),
            '404': problem('No such location.'),
          },
        },
      },
      '/v1/fulfillment-orders/{fulfillmentOrderId}': {
        get: {
          operationId: 'getFulfillmentOrder',
          summary: 'One fulfillment order with its lines, customer, packages, shipments and history',
          parameters: [fulfillmentOrderId],
          responses: {
            '200': fulfillmentOrder,
            '404': problem('No such fulfillment order (or not announced yet).'),
          },
        },
      },
      ...Object.fromEntries(
        FULFILLMENT_API_ACTIONS.map((action) => {
          const rule = ruleFor(action);
          return [
            `/v1/fulfillment-orders/{fulfillmentOrderId}/${action}`,
            {
              post: {
                operationId: `fulfillment${schemaName(action).slice('Fulfillment'.length, -'Body'.length)}`,
                summary: rule.description,
                description: `Allowed from ${fromStates(rule).join(', ')} for ${rule.kinds.join(', ')} fulfillment orders.`,
                parameters: [fulfillmentOrderId, idempotencyKey],
                requestBody: {
                  required: true,
                  content: {
                    'application/json': { schema: { $ref: `#/components/schemas/${schemaName(action)}` } },
                  },
                },
                responses: {
                  '200': fulfillmentOrder,
                  '400': problem(
                    'The body or the Idempotency-Key header is invalid; `errors` names every field.',
                  ),
                  '404': problem('No such fulfillment order.'),
                  '409': problem(
                    'Out of order: `currentState`, `allowedFrom` and a `guard` or `hint` say why. Also when the fulfillment order kept changing (`retryable`).',
                  ),
                  '422': problem('This Idempotency-Key was used with another body.'),
                },
              },
            },
          ];
        }),
      ),
    },
  };
}
