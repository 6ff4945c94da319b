import { Movement, PosSaleBatch } from '../domain/inventory/movement.js';
import { INVENTORY_EVENT_CATALOGUE } from '../domain/inventory-events.js';
import { jsonSchema, problemResponse as problem } from './openapi-parts.js';

/**
 * The inventory's part of the OpenAPI document (merged by openapi-document.ts), rendered from
 * the zod schemas that validate the requests.
 */
const pathParameter = (name: string) => ({ name, in: 'path', required: true, schema: { type: 'string' } });
const queryParameter = (name: string, schema: Record<string, unknown>) => ({
  name,
  in: 'query',
  required: false,
  schema,
});
const paging = [
  queryParameter('limit', { type: 'integer', minimum: 1, maximum: 500, default: 100 }),
  queryParameter('cursor', { type: 'string', description: '`nextCursor` of the previous page.' }),
];

export function inventoryOpenApi() {
  return {
    schemas: {
      StockMovement: jsonSchema(Movement),
      PosSaleBatch: jsonSchema(PosSaleBatch),
      ...Object.fromEntries(
        INVENTORY_EVENT_CATALOGUE.map(({ detailType, schema }) => [`${detailType}Event`, jsonSchema(schema)]),
      ),
    },
    paths: {
      '/v1/inventory/movements': {
        post: {
          operationId: 'postStockMovement',
          summary:
            'Record a receipt, adjustment, cycle count, transfer, POS sale or safety-stock change once',
          requestBody: {
            required: true,
            content: { 'application/json': { schema: { $ref: '#/components/schemas/StockMovement' } } },
          },
          responses: {
            '201': { description: 'Applied; the movement record with the levels before and after.' },
            '200': {
              description: 'This movementId was recorded before with the same payload: the first record.',
            },
            '400': problem('The movement is invalid; `errors` names every field.'),
            '404': problem('A location or transfer it names does not exist.'),
            '409': problem(
              'The movementId was used for another movement, the stock is not available, or it kept changing (retry with the same movementId).',
            ),
          },
        },
      },
      '/v1/locations/{locationId}/pos-sales': {
        post: {
          operationId: 'postPosSales',
          summary:
            'Record a POS upload (possibly made offline), each sale once, with its original time, and each till receipt as an order',
          parameters: [pathParameter('locationId')],
          requestBody: {
            required: true,
            content: { 'application/json': { schema: { $ref: '#/components/schemas/PosSaleBatch' } } },
          },
          responses: {
            '200': {
              description:
                'One result per sale (recorded, duplicate or rejected; oversales flagged) and one per receipt in `orders` (created, duplicate or rejected, with its orderId).',
            },
            '400': problem(
              'The batch is invalid (a receipt that is not a valid order, a channelId that is no active channel); `errors` names every field.',
            ),
            '404': problem('No such location.'),
          },
        },
      },
      '/v1/inventory/{sku}': {
        get: {
          operationId: 'getSkuInventory',
          summary: 'Stock of a SKU per location, network and per channel',
          parameters: [pathParameter('sku')],
          responses: {
            '200': { description: 'The SKU’s stock.' },
            '404': problem('The SKU was never stocked.'),
          },
        },
      },
      '/v1/locations/{locationId}/inventory': {
        get: {
          operationId: 'getLocationInventory',
          summary: 'Stock of a location, SKU by SKU, paged',
          parameters: [pathParameter('locationId'), ...paging],
          responses: {
            '200': { description: '`{ locationId, items, nextCursor? }`' },
            '400': problem('Invalid paging parameters.'),
            '404': problem('No such location.'),
          },
        },
      },
      '/v1/channels/{channelId}/availability': {
        get: {
          operationId: 'getChannelAvailability',
          summary: 'Changes of a channel’s availability after a time, oldest first',
          parameters: [
            pathParameter('channelId'),
            queryParameter('since', { type: 'string', format: 'date-time' }),
            ...paging,
          ],
          responses: {
            '200': {
              description:
                '`{ channelId, since, items: [{ sku, available, previous, changedAt }], nextCursor? }`',
            },
            '400': problem('`since` is not an ISO 8601 date-time, or invalid paging.'),
            '404': problem('No such channel.'),
          },
        },
      },
      '/v1/replenishment/suggestions': {
        get: {
          operationId: 'getReplenishmentSuggestions',
          summary: 'Suggested purchase orders, one per vendor',
          parameters: [queryParameter('vendorId', { type: 'string' })],
          responses: { '200': { description: '`{ suggestions: [{ vendorId, lines }] }`' } },
        },
      },
    },
  };
}
