import { Label, LabelBody } from '../fulfillment/carriers/label-request.js';
import {
  SHIPPO_SIGNATURE_HEADER,
  SHIPPO_SIGNATURE_TOLERANCE_SECONDS,
} from '../fulfillment/carriers/shippo-webhook.js';
import { jsonSchema, problemResponse as problem } from './openapi-parts.js';

/**
 * The customer's tracking view, shipping labels, carriers' tracking webhooks and overdue work
 * in the OpenAPI document (merged by openapi-document.ts); request bodies from their zod schemas.
 */
const pathParameter = (name: string) => ({ name, in: 'path', required: true, schema: { type: 'string' } });
const queryParameter = (name: string, schema: Record<string, unknown>, required = false) => ({
  name,
  in: 'query',
  required,
  schema,
});

const Tracking = {
  type: 'object',
  description: 'What the customer may see of an order: nothing internal, and no pick-up code.',
  required: ['orderId', 'status', 'placedAt', 'shipments'],
  properties: {
    orderId: { type: 'string' },
    channelOrderNumber: { type: 'string' },
    status: { type: 'string' },
    placedAt: { type: 'string', format: 'date-time' },
    promisedBy: {
      type: 'string',
      format: 'date',
      description: 'The day promised when the order was routed.',
    },
    projectedDelivery: {
      type: 'string',
      format: 'date',
      description:
        'The day the goods are now expected: the delivery, else ship day + transit, else the promise or later.',
    },
    late: { type: 'boolean' },
    shipments: {
      type: 'array',
      items: {
        type: 'object',
        required: ['carrier', 'trackingNumber', 'status', 'shippedAt', 'items'],
        properties: {
          carrier: { type: 'string' },
          service: { type: 'string' },
          trackingNumber: { type: 'string' },
          trackingUrl: { type: 'string', format: 'uri' },
          status: { type: 'string', enum: ['SHIPPED', 'IN_TRANSIT', 'DELIVERED'] },
          toPickupStore: { type: 'boolean', description: 'The parcel travels to the pick-up store.' },
          shippedAt: { type: 'string', format: 'date-time' },
          inTransitAt: { type: 'string', format: 'date-time' },
          deliveredAt: { type: 'string', format: 'date-time' },
          items: { type: 'array', items: { type: 'object' } },
        },
      },
    },
    pickup: {
      type: 'object',
      properties: {
        location: { type: 'object', description: 'The store: id, name and address.' },
        readiness: { type: 'string', enum: ['preparing', 'ready', 'collected'] },
        readyAt: { type: 'string', format: 'date-time' },
      },
    },
  },
};

export function promiseOpenApi() {
  return {
    schemas: {
      OrderTracking: Tracking,
      LabelRequest: jsonSchema(LabelBody),
      Label: jsonSchema(Label, 'output'),
    },
    securitySchemes: {
      shippoSignature: {
        type: 'apiKey',
        in: 'header',
        name: SHIPPO_SIGNATURE_HEADER,
        description: `t=<unix seconds>,v1=<hex HMAC-SHA256(webhook secret, "<t>.<raw body>")>; rejected outside ±${SHIPPO_SIGNATURE_TOLERANCE_SECONDS} s.`,
      },
    },
    paths: {
      '/v1/orders/{orderId}/tracking': {
        get: {
          operationId: 'getOrderTracking',
          summary: "The customer's view: status, parcels and tracking links, projected delivery, pick-up",
          parameters: [pathParameter('orderId')],
          responses: {
            '200': {
              description: 'The tracking view, computed now.',
              content: { 'application/json': { schema: { $ref: '#/components/schemas/OrderTracking' } } },
            },
            '404': problem('No such order.'),
          },
        },
      },
      '/v1/fulfillment-orders/{fulfillmentOrderId}/labels': {
        post: {
          operationId: 'buyLabel',
          summary: 'Buy a shipping label for one parcel from the label provider (Shippo)',
          description:
            'Send an `Idempotency-Key` header: a retry with the same key answers the label bought first instead of buying another. Ship with the answer as the body of the `ship` action.',
          parameters: [
            pathParameter('fulfillmentOrderId'),
            {
              name: 'idempotency-key',
              in: 'header',
              required: false,
              schema: { type: 'string', maxLength: 128 },
            },
          ],
          requestBody: {
            required: true,
            content: { 'application/json': { schema: { $ref: '#/components/schemas/LabelRequest' } } },
          },
          responses: {
            '201': {
              description: 'The label was bought.',
              content: { 'application/json': { schema: { $ref: '#/components/schemas/Label' } } },
            },
            '200': {
              description: 'A retry: the label bought under this Idempotency-Key.',
              content: { 'application/json': { schema: { $ref: '#/components/schemas/Label' } } },
            },
            '400': problem('The body is invalid, or the package has no weight and dimensions.'),
            '404': problem('No such fulfillment order.'),
            '409': problem('The fulfillment order is not packed, or is not shipped by a carrier.'),
            '503': problem(
              'The label provider failed or is not configured; retry after `Retry-After` seconds.',
            ),
          },
        },
      },
      '/v1/carriers/shippo/tracking': {
        post: {
          operationId: 'postShippoTracking',
          summary: "Shippo's `track_updated` webhook: moves shipments to IN_TRANSIT and DELIVERED",
          security: [{ shippoSignature: [] }],
          requestBody: { required: true, content: { 'application/json': { schema: { type: 'object' } } } },
          responses: {
            '200': { description: 'Applied (`moved`, `unchanged`), or ignored with the reason.' },
            '400': problem('The body is not a Shippo webhook.'),
            '401': problem('The signature is missing, wrong, or outside the time window.'),
            '404': problem('No Shippo account is configured.'),
            '409': problem('The fulfillment order kept changing; Shippo delivers the webhook again.'),
            '413': problem('The body is larger than 256 KiB.'),
          },
        },
      },
      '/v1/fulfillment-orders': {
        get: {
          operationId: 'listOverdueFulfillmentOrders',
          summary: 'Open work whose due-by has passed, the most overdue first',
          parameters: [
            queryParameter('overdue', { type: 'string', enum: ['true'] }, true),
            queryParameter('limit', { type: 'integer', minimum: 1, maximum: 500, default: 100 }),
            queryParameter('cursor', { type: 'string', description: '`nextCursor` of the previous page.' }),
          ],
          responses: {
            '200': {
              description:
                '`{ asOf, items: [{ fulfillmentOrderId, orderId, locationId, kind, status, dueBy, promisedBy, createdAt }], nextCursor? }`',
            },
            '400': problem('A query parameter is invalid; `errors` names it.'),
          },
        },
      },
    },
  };
}
