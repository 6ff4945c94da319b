import { ChannelInput, ChannelSecret, LocationInput, ProductBody } from '../domain/admin.js';
import { jsonSchema, problemResponse as problem } from './openapi-parts.js';

/** The admin API's part of the OpenAPI document (merged by openapi-document.ts). */
const RESOURCES = [
  { collection: 'locations', id: 'locationId', noun: 'location', schema: 'LocationInput', title: 'Location' },
  { collection: 'products', id: 'sku', noun: 'product', schema: 'ProductInput', title: 'Product' },
  { collection: 'channels', id: 'channelId', noun: 'channel', schema: 'ChannelInput', title: 'Channel' },
] as const;

const paging = [
  {
    name: 'limit',
    in: 'query',
    required: false,
    schema: { type: 'integer', minimum: 1, maximum: 500, default: 100 },
  },
  {
    name: 'cursor',
    in: 'query',
    required: false,
    schema: { type: 'string' },
    description: '`nextCursor` of the previous page.',
  },
];

export function adminOpenApi() {
  const paths: Record<string, unknown> = {};
  for (const { collection, id, noun, schema, title } of RESOURCES) {
    const parameter = { name: id, in: 'path', required: true, schema: { type: 'string' } };
    const record = { 'application/json': { schema: { $ref: `#/components/schemas/${schema}` } } };
    paths[`/v1/${collection}`] = {
      get: {
        operationId: `list${title}s`,
        summary: `Every ${noun}, in id order, paged`,
        parameters: paging,
        responses: {
          '200': {
            description:
              '`{items, nextCursor?}`; each item with `updatedAt` and `updatedBy` once changed through this API.',
          },
          '400': problem('A query parameter or the cursor is invalid.'),
        },
      },
    };
    paths[`/v1/${collection}/{${id}}`] = {
      get: {
        operationId: `get${title}`,
        summary: `One ${noun}, with who changed it last`,
        parameters: [parameter],
        responses: {
          '200': { description: `The ${noun}.`, content: record },
          '404': problem(`No such ${noun}.`),
        },
      },
      put: {
        operationId: `put${title}`,
        summary: `Create or replace a ${noun}; the router and the ingest see it within their cache time`,
        parameters: [parameter],
        requestBody: { required: true, content: record },
        responses: {
          '201': { description: 'Created.', content: record },
          '200': { description: 'Replaced.', content: record },
          '400': problem('The body is invalid; `errors` names every field.'),
        },
      },
    };
  }
  paths['/v1/channels/{channelId}/secret'] = {
    put: {
      operationId: 'putChannelSecret',
      summary: "Store the channel's signing secret; it is never returned",
      parameters: [{ name: 'channelId', in: 'path', required: true, schema: { type: 'string' } }],
      requestBody: {
        required: true,
        content: { 'application/json': { schema: { $ref: '#/components/schemas/ChannelSecret' } } },
      },
      responses: {
        '204': { description: 'Stored; in use within five minutes (the secret cache).' },
        '400': problem('The secret is invalid.'),
        '404': problem('No such channel.'),
      },
    },
  };
  return {
    schemas: {
      LocationInput: jsonSchema(LocationInput, 'input'),
      ProductInput: jsonSchema(ProductBody, 'input'),
      ChannelInput: jsonSchema(ChannelInput, 'input'),
      ChannelSecret: jsonSchema(ChannelSecret, 'input'),
    },
    paths,
  };
}
