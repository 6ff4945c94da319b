import { OrderRerouteRequestedV1, REROUTING_EVENT_CATALOGUE } from '../domain/routing/rerouting.js';
import { jsonSchema, problemResponse as problem } from './openapi-parts.js';

/** The operations part of the OpenAPI document (docs/runbook.md): re-routing a waiting order. */
export function operationsOpenApi() {
  return {
    schemas: {
      ...Object.fromEntries(
        REROUTING_EVENT_CATALOGUE.map(({ detailType, schema }) => [
          `${detailType}Event`,
          jsonSchema(schema, 'output'),
        ]),
      ),
    },
    paths: {
      '/v1/orders/{orderId}/route': {
        post: {
          operationId: 'rerouteOrder',
          summary: 'Send a PARKED, BACKORDERED or PARTIALLY_ROUTED order back through the router',
          description:
            'Publishes OrderRerouteRequested (with the caller from the token), which the routing queue delivers to the router; it decides with the rules and stock of that moment. A PARKED order is routed whole; a PARTIALLY_ROUTED one routes the lines that wait for stock or for a pre-order date that has come. The body is not read.',
          parameters: [{ name: 'orderId', in: 'path', required: true, schema: { type: 'string' } }],
          responses: {
            '202': {
              description: 'The request is on its way to the router.',
              content: { 'application/json': { schema: jsonSchema(OrderRerouteRequestedV1, 'output') } },
            },
            '404': problem('No such order.'),
            '409': problem('The order is in a state that can not be re-routed (`status` says which).'),
            '503': problem('The event bus did not take the request; nothing changed, ask again.'),
          },
        },
      },
    },
  };
}
