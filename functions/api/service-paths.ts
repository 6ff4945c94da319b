import { SERVICE_EVENT_CATALOGUE, OrderCanceledV1 } from '../domain/service/events.js';
import {
  CancelOrderBody,
  CreateReturnBody,
  ReceiveReturnBody,
  ShippingAddressBody,
} from '../domain/service/records.js';
import { jsonSchema, problemResponse as problem } from './openapi-parts.js';

/** The customer-service part of the OpenAPI document (docs/customer-service.md). */
const pathParameter = (name: string) => ({ name, in: 'path', required: true, schema: { type: 'string' } });
const body = (schema: string) => ({
  required: true,
  content: { 'application/json': { schema: { $ref: `#/components/schemas/${schema}` } } },
});
const invalid = problem('The request is invalid; `errors` names every field.');

export function serviceOpenApi() {
  return {
    schemas: {
      CancelOrderRequest: jsonSchema(CancelOrderBody),
      ShippingAddressRequest: jsonSchema(ShippingAddressBody),
      ReturnRequest: jsonSchema(CreateReturnBody),
      ReturnReceipt: jsonSchema(ReceiveReturnBody),
      OrderCanceledEvent: jsonSchema(OrderCanceledV1, 'output'),
      ...Object.fromEntries(
        SERVICE_EVENT_CATALOGUE.map(({ detailType, schema }) => [
          `${detailType}Event`,
          jsonSchema(schema, 'output'),
        ]),
      ),
    },
    paths: {
      '/v1/orders/{orderId}/cancel': {
        post: {
          operationId: 'cancelOrder',
          summary: 'Cancel the whole order or some units; the canceled amounts become a refund record',
          description:
            'Units not routed yet (taken off what the router will place) or at a location that has not started are canceled at once (reservation, hot-SKU shards and capacity given back); units at a location that has started get a cancel request, which the location answers with POST /v1/fulfillment-orders/{fulfillmentOrderId}/accept-cancel (the units are then canceled and refunded) or /refuse-cancel.',
          parameters: [pathParameter('orderId')],
          requestBody: body('CancelOrderRequest'),
          responses: {
            '200': {
              description:
                '`{ cancellation, refund? }`: the units canceled now and requested, and the refund.',
            },
            '400': invalid,
            '404': problem('No such order.'),
            '409': problem(
              'Units are packed or shipped (`hint`: return them once delivered), canceled already, or the order kept changing.',
            ),
          },
        },
      },
      '/v1/orders/{orderId}/shipping-address': {
        put: {
          operationId: 'changeShippingAddress',
          summary: 'Change the shipping address; unstarted work is re-routed when the best location moves',
          parameters: [pathParameter('orderId')],
          requestBody: body('ShippingAddressRequest'),
          responses: {
            '200': {
              description: 'The address change, with the fulfillment orders given back to the router.',
            },
            '400': invalid,
            '404': problem('No such order.'),
            '409': problem('Something has shipped already, or the order is canceled.'),
          },
        },
      },
      '/v1/orders/{orderId}/history': {
        get: {
          operationId: 'getOrderHistory',
          summary: 'Every change of the order in order, each with when, who and why',
          parameters: [pathParameter('orderId')],
          responses: {
            '200': { description: '`{ orderId, history: [{ at, kind, by, why?, details }] }`' },
            '404': problem('No such order.'),
          },
        },
      },
      '/v1/returns': {
        post: {
          operationId: 'createReturn',
          summary: 'Authorize a return of delivered or picked-up units, whatever channel sold them',
          requestBody: body('ReturnRequest'),
          responses: {
            '201': {
              description: 'The return authorization.',
              headers: { location: { schema: { type: 'string' }, description: '/v1/returns/{returnId}' } },
            },
            '400': invalid,
            '404': problem('No such order.'),
            '409': problem(
              'More units than were delivered or picked up and not returned yet (`errors` per line).',
            ),
            '422': problem(
              "Past the channel's return window (`windowClosedAt`); customer service may override.",
            ),
          },
        },
      },
      '/v1/returns/{returnId}/receive': {
        post: {
          operationId: 'receiveReturn',
          summary:
            'Receive returned units at any location: resellable ones restocked there, damaged written off',
          parameters: [pathParameter('returnId')],
          requestBody: body('ReturnReceipt'),
          responses: {
            '200': { description: '`{ authorization, refund? }`' },
            '400': invalid,
            '404': problem('No such return or location.'),
            '409': problem('More units than the return still expects, or it kept changing.'),
          },
        },
      },
      '/v1/returns/{returnId}': {
        get: {
          operationId: 'getReturn',
          summary: 'A return authorization with its receipts',
          parameters: [pathParameter('returnId')],
          responses: { '200': { description: 'The return.' }, '404': problem('No such return.') },
        },
      },
    },
  };
}
