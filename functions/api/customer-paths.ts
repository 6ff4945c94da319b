import { CustomerQuery, CustomerViewSchema, ErasureSchema } from '../domain/customers/api.js';
import { jsonSchema, problemResponse as problem } from './openapi-parts.js';

/** The customers part of the OpenAPI document (docs/privacy.md). */
const customerIdParameter = {
  name: 'customerId',
  in: 'path',
  required: true,
  schema: { type: 'string', description: 'Opaque customer id (ULID).' },
};
const ok = (description: string, schema: string) => ({
  description,
  content: { 'application/json': { schema: { $ref: `#/components/schemas/${schema}` } } },
});
const invalid = problem('The request is invalid; `errors` names every field.');
const unknown = problem('No such customer.');

export function customerOpenApi() {
  const query = jsonSchema(CustomerQuery) as { properties: Record<string, object> };
  return {
    schemas: {
      Customer: jsonSchema(CustomerViewSchema, 'output'),
      Erasure: jsonSchema(ErasureSchema, 'output'),
    },
    paths: {
      '/v1/customers': {
        get: {
          operationId: 'findCustomer',
          summary: 'The customer an email or a phone number belongs to, across every channel',
          parameters: Object.entries(query.properties).map(([name, schema]) => ({
            name,
            in: 'query',
            schema,
            description: 'Exactly one of email or phone (international format).',
          })),
          responses: {
            '200': {
              description: '`{ customers }`: the customer found, or none.',
              content: {
                'application/json': {
                  schema: {
                    type: 'object',
                    properties: {
                      customers: { type: 'array', items: { $ref: '#/components/schemas/Customer' } },
                    },
                  },
                },
              },
            },
            '400': invalid,
          },
        },
      },
      '/v1/customers/{customerId}': {
        get: {
          operationId: 'getCustomer',
          summary:
            'A customer: identifiers and why, merges, orders from every channel, returns, totals per currency',
          description: 'A customer merged into another answers as the one it was merged into.',
          parameters: [customerIdParameter],
          responses: { '200': ok('The customer.', 'Customer'), '400': invalid, '404': unknown },
        },
      },
      '/v1/customers/{customerId}/export': {
        post: {
          operationId: 'exportCustomer',
          summary: 'Everything the OMS holds about the person (GDPR art. 15, CCPA right to know)',
          description:
            'The customer view, the customer records, and every stored item of each of their orders: the order with its addresses, the raw channel payload, fulfillment orders, cancellations, address changes, returns, refunds and channel changes.',
          parameters: [customerIdParameter],
          responses: {
            '200': {
              description:
                '`{ exportedAt, customer, customerRecords, orders: [{ orderId, channelId, items }] }`',
            },
            '400': invalid,
            '404': unknown,
          },
        },
      },
      '/v1/customers/{customerId}/erase': {
        post: {
          operationId: 'eraseCustomer',
          summary: "Replace the person's data everywhere it is stored with tombstones (GDPR art. 17, CCPA)",
          description:
            'Amounts, SKUs, quantities, dates and the country and region taxes were computed for are kept for the books; the erasure is recorded with who asked (the token). Refused while an order is being served.',
          parameters: [customerIdParameter],
          responses: {
            '200': ok('Erased: the record of the erasure.', 'Erasure'),
            '400': invalid,
            '404': unknown,
            '409': problem(
              'An order is not yet completed or canceled, or a return is still expected: `openOrders` names them.',
            ),
          },
        },
      },
    },
  };
}
