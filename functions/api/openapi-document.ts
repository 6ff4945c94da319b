import { FulfillmentOrderCreatedV1, OrderReceivedV1, OrderStatusChangedV1 } from '../domain/events.js';
import { CanonicalOrder, ORDER_STATUSES } from '../domain/order.js';
import { DEFAULT_RANGE_DAYS, MAX_LIMIT, MAX_RANGE_DAYS } from '../domain/order-search.js';
import { RuleSet } from '../domain/routing/rules.js';
import { SimulationRequest } from '../domain/routing/simulation.js';
import { accessOpenApi } from './access-paths.js';
import { adminOpenApi } from './admin-paths.js';
import { fulfillmentOpenApi } from './fulfillment-paths.js';
import { inventoryOpenApi } from './inventory-paths.js';
import { serviceOpenApi } from './service-paths.js';
import { promiseOpenApi } from './promise-paths.js';
import { customerOpenApi } from './customer-paths.js';
import { reportsOpenApi } from './reports-paths.js';
import { operationsOpenApi } from './operations-paths.js';
import { deadLettersOpenApi } from './dead-letters-paths.js';
import { ACCESS_SECURITY_SCHEMES, withAccess } from './openapi-access.js';
import { jsonSchema, problemResponse } from './openapi-parts.js';
import { OMS_SIGNATURE_HEADER, SIGNATURE_TOLERANCE_SECONDS } from '../domain/signature.js';

/**
 * The OpenAPI 3.1 document, rendered from the same zod schemas that validate requests, so the
 * document can not drift from what the API accepts. `npm run openapi` writes it to
 * docs/openapi.json, which the openapi function serves; a test (test/unit/api/openapi.test.ts)
 * fails when the file and the schemas differ.
 */

const Problem = {
  type: 'object',
  description: 'RFC 9457 problem details.',
  required: ['type', 'title', 'status', 'detail'],
  properties: {
    type: { type: 'string', format: 'uri' },
    title: { type: 'string' },
    status: { type: 'integer' },
    detail: { type: 'string' },
    instance: { type: 'string' },
    errors: {
      type: 'array',
      description: 'Every invalid field (validation problems only).',
      items: {
        type: 'object',
        required: ['path', 'message'],
        properties: { path: { type: 'string', example: 'lines/0/quantity' }, message: { type: 'string' } },
      },
    },
  },
};

const orderQuery = (name: string, schema: Record<string, unknown>) => ({
  name,
  in: 'query',
  required: false,
  schema,
});

export function openApiDocument() {
  return withAccess({
    openapi: '3.1.0',
    info: {
      title: 'Serverless OMS API',
      version: '1.0.0',
      description:
        'Order ingest for every sales channel, order lookup, and (as they land) routing, inventory and fulfillment.',
    },
    components: {
      securitySchemes: {
        ...ACCESS_SECURITY_SCHEMES,
        omsSignature: {
          type: 'apiKey',
          in: 'header',
          name: OMS_SIGNATURE_HEADER,
          description: `t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>; rejected outside ±${SIGNATURE_TOLERANCE_SECONDS} s. Several v1 values may be sent during secret rotation.`,
        },
        ...promiseOpenApi().securitySchemes,
      },
      schemas: {
        CanonicalOrder: jsonSchema(CanonicalOrder, 'input'),
        Problem,
        OrderAccepted: {
          type: 'object',
          required: ['orderId', 'status'],
          properties: {
            orderId: { type: 'string', description: 'ULID of the order.' },
            status: { type: 'string', enum: ['RECEIVED', 'ALREADY_RECEIVED'] },
          },
        },
        RuleSet: jsonSchema(RuleSet, 'input'),
        SimulationRequest: jsonSchema(SimulationRequest, 'input'),
        ...inventoryOpenApi().schemas,
        ...accessOpenApi().schemas,
        ...adminOpenApi().schemas,
        ...fulfillmentOpenApi().schemas,
        ...serviceOpenApi().schemas,
        ...promiseOpenApi().schemas,
        ...customerOpenApi().schemas,
        ...reportsOpenApi().schemas,
        ...operationsOpenApi().schemas,
        ...deadLettersOpenApi().schemas,
        OrderReceivedEvent: jsonSchema(OrderReceivedV1, 'output'),
        OrderStatusChangedEvent: jsonSchema(OrderStatusChangedV1, 'output'),
        FulfillmentOrderCreatedEvent: jsonSchema(FulfillmentOrderCreatedV1, 'output'),
      },
    },
    paths: {
      '/v1/channels/{channelId}/orders': {
        post: {
          operationId: 'postOrder',
          summary: "Post an order in the channel's format",
          description:
            'Channels configured with format `canonical` post the canonical order below; native channels (Shopify, WooCommerce, …) post their own payloads, authenticated their own way. A repeated delivery of the same (channel, externalId) returns the same order id.',
          security: [{ omsSignature: [] }],
          parameters: [{ name: 'channelId', in: 'path', required: true, schema: { type: 'string' } }],
          requestBody: {
            required: true,
            content: { 'application/json': { schema: { $ref: '#/components/schemas/CanonicalOrder' } } },
          },
          responses: {
            '202': {
              description: 'A new order was received.',
              headers: { location: { schema: { type: 'string' }, description: '/v1/orders/{orderId}' } },
              content: { 'application/json': { schema: { $ref: '#/components/schemas/OrderAccepted' } } },
            },
            '200': {
              description: 'A repeated delivery: the order already exists (or the request carried no order).',
              content: { 'application/json': { schema: { $ref: '#/components/schemas/OrderAccepted' } } },
            },
            '400': problemResponse('The body is not a valid order; `errors` names every invalid field.'),
            '401': problemResponse('The signature is missing, wrong, or outside the time window.'),
            '404': problemResponse('No active channel has this id.'),
            '409': problemResponse('This externalId was already received with different content.'),
            '413': problemResponse('The body is larger than 256 KiB.'),
            '503': problemResponse(
              "A thin webhook's order could not be fetched from the channel's API (an error, a timeout or an oversized answer); deliver it again after `Retry-After` seconds.",
            ),
          },
        },
      },
      '/v1/orders': {
        get: {
          operationId: 'listOrders',
          summary: 'Find orders: placed within a window, newest first, by status, channel or customer',
          parameters: [
            orderQuery('status', { type: 'string', enum: [...ORDER_STATUSES] }),
            orderQuery('channelId', { type: 'string' }),
            orderQuery('customer', {
              type: 'string',
              description:
                'An email address or a phone number in international form: the customer across every channel.',
            }),
            orderQuery('placedFrom', {
              type: 'string',
              description: `A UTC day (YYYY-MM-DD) or an ISO 8601 date-time; default ${DEFAULT_RANGE_DAYS} days before placedTo. At most ${MAX_RANGE_DAYS} days before placedTo.`,
            }),
            orderQuery('placedTo', {
              type: 'string',
              description: 'A UTC day (the whole day) or an ISO 8601 date-time; default now.',
            }),
            orderQuery('cursor', { type: 'string', description: '`next` of the previous page.' }),
            orderQuery('limit', { type: 'integer', minimum: 1, maximum: MAX_LIMIT, default: 25 }),
          ],
          responses: {
            '200': {
              description:
                '`{ orders: [{ orderId, channelId, externalId, channelOrderNumber?, status, placedAt, currency, totals, customerName? }], next? }`. A page may hold fewer orders than `limit` while `next` is present.',
            },
            '400': problemResponse('A query parameter or the cursor is invalid; `errors` names it.'),
          },
        },
      },
      '/v1/orders/{orderId}': {
        get: {
          operationId: 'getOrder',
          summary: 'An order with its status, where each line went and why',
          parameters: [{ name: 'orderId', in: 'path', required: true, schema: { type: 'string' } }],
          responses: {
            '200': {
              description: 'The order.',
              content: { 'application/json': { schema: { type: 'object' } } },
            },
            '404': problemResponse('No such order.'),
          },
        },
      },
      ...routingPaths(),
      ...inventoryOpenApi().paths,
      ...accessOpenApi().paths,
      ...adminOpenApi().paths,
      ...fulfillmentOpenApi().paths,
      ...serviceOpenApi().paths,
      ...promiseOpenApi().paths,
      ...customerOpenApi().paths,
      ...reportsOpenApi().paths,
      ...operationsOpenApi().paths,
      ...deadLettersOpenApi().paths,
      '/openapi.json': {
        get: {
          operationId: 'getOpenApi',
          summary: 'This document',
          responses: { '200': { description: 'OpenAPI 3.1 document.' } },
        },
      },
    },
  });
}

const ruleSetBody = {
  required: true,
  content: { 'application/json': { schema: { $ref: '#/components/schemas/RuleSet' } } },
};
const ruleSetResponse = (description: string) => ({
  description,
  content: {
    'application/json': {
      schema: { type: 'object', properties: { ruleSet: { $ref: '#/components/schemas/RuleSet' } } },
    },
  },
});
const versionParameters = [
  { name: 'ruleSetId', in: 'path', required: true, schema: { type: 'string' } },
  { name: 'version', in: 'path', required: true, schema: { type: 'integer', minimum: 1 } },
];

function routingPaths() {
  return {
    '/v1/routing/rule-sets/active': {
      get: {
        operationId: 'getActiveRuleSet',
        summary: 'The rule set the router uses now',
        responses: {
          '200': ruleSetResponse('The active rule set; `builtIn: true` while none was activated.'),
        },
      },
    },
    '/v1/routing/rule-sets': {
      post: {
        operationId: 'putRuleSet',
        summary: 'Store a new, immutable version of a rule set',
        requestBody: ruleSetBody,
        responses: {
          '201': ruleSetResponse('Stored.'),
          '200': ruleSetResponse('This exact version was already stored.'),
          '400': problemResponse('The rule set is invalid; `errors` names every field.'),
          '409': problemResponse('This version exists with other content.'),
        },
      },
    },
    '/v1/routing/rule-sets/validate': {
      post: {
        operationId: 'validateRuleSet',
        summary: 'Validate a draft without storing it',
        requestBody: ruleSetBody,
        responses: {
          '200': { description: '`{ valid: true, ruleSet }`' },
          '400': problemResponse('The rule set is invalid; `errors` names every field.'),
        },
      },
    },
    '/v1/routing/rule-sets/{ruleSetId}/versions/{version}': {
      get: {
        operationId: 'getRuleSet',
        summary: 'One stored version',
        parameters: versionParameters,
        responses: { '200': ruleSetResponse('The version.'), '404': problemResponse('No such version.') },
      },
    },
    '/v1/routing/rule-sets/{ruleSetId}/versions/{version}/activate': {
      post: {
        operationId: 'activateRuleSet',
        summary: 'Route every order from now on with this version',
        parameters: versionParameters,
        responses: { '200': { description: 'Activated.' }, '404': problemResponse('No such version.') },
      },
    },
    '/v1/routing/simulate': {
      post: {
        operationId: 'simulateRouting',
        summary: 'Route orders on paper with a draft and with the active rules; nothing is reserved',
        requestBody: {
          required: true,
          content: { 'application/json': { schema: { $ref: '#/components/schemas/SimulationRequest' } } },
        },
        responses: {
          '200': { description: 'Plans, explanations and a summary per rule set.' },
          '400': problemResponse('The request is invalid; `errors` names every field.'),
          '404': problemResponse('A stored order named in orderIds does not exist.'),
        },
      },
    },
  };
}
