import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import {
  ChannelInput,
  ChannelSecret,
  DEFAULT_CHANNEL_SECRETS_PREFIX,
  ListQuery,
  LocationInput,
  ProductBody,
} from '../domain/admin.js';
import { Channel } from '../domain/channel.js';
import { NotFoundError, ValidationError } from '../domain/errors.js';
import { Location } from '../domain/location.js';
import { ProductRecord } from '../domain/product.js';
import { parseOrThrow } from '../domain/validation.js';
import {
  getConfigRecord,
  listConfigRecords,
  putConfigRecord,
  type Audited,
  type ConfigKind,
} from '../data/admin-repository.js';
import { actorFrom } from '../shared/access.js';
import { errorResponse, json, jsonBodyOf, pathOf, pathParameter, type HttpResponse } from '../shared/http.js';
import { withApiAccess } from '../shared/middleware.js';
import { storeSecret } from '../shared/secret-store.js';

/**
 * The admin API (docs/configuration.md): locations, products and channels, read and replaced
 * through the schemas the OMS reads them with, each change recorded with the token's actor; and
 * a channel's signing secret, written and never read back.
 */
interface Resource {
  kind: ConfigKind;
  collection: string;
  idParameter: string;
  noun: string;
  /** Validates a PUT body for the id in the path: the record as it will be stored. */
  parse(body: unknown, id: string): Promise<Record<string, unknown>>;
}

const RESOURCES: Record<string, Resource> = {
  locations: {
    kind: 'LOCATION',
    collection: 'locations',
    idParameter: 'locationId',
    noun: 'location',
    parse: async (body, locationId) => {
      const input = parseOrThrow(LocationInput, body, 'body');
      sameId(input.locationId, locationId, 'locationId');
      return parseOrThrow(Location, { ...input, locationId }, 'body');
    },
  },
  products: {
    kind: 'PRODUCT',
    collection: 'products',
    idParameter: 'sku',
    noun: 'product',
    parse: async (body, sku) => {
      const input = parseOrThrow(ProductBody, body, 'body');
      sameId(input.sku, sku, 'sku');
      const product = parseOrThrow(ProductRecord, { ...input, sku }, 'body');
      if (product.dropshipVendorLocationId) await requireDropshipVendor(product.dropshipVendorLocationId);
      return product;
    },
  },
  channels: {
    kind: 'CHANNEL',
    collection: 'channels',
    idParameter: 'channelId',
    noun: 'channel',
    parse: async (body, channelId) => {
      const input = parseOrThrow(ChannelInput, body, 'body');
      sameId(input.channelId, channelId, 'channelId');
      const secretName = input.secretName ?? `${secretsPrefix()}${channelId}`;
      if (!secretName.startsWith(secretsPrefix())) {
        throw new ValidationError('The secret name is outside the channel secrets.', [
          { path: 'secretName', message: `must start with ${secretsPrefix()}` },
        ]);
      }
      return parseOrThrow(Channel, { ...input, channelId, secretName }, 'body');
    },
  },
};

export async function adminApi(event: APIGatewayProxyEventV2): Promise<HttpResponse> {
  try {
    const [, , collection, , secret] = event.routeKey.split(' ')[1]!.split('/');
    const resource = RESOURCES[collection ?? ''];
    if (!resource) throw new NotFoundError(`No admin resource answers ${event.routeKey}.`);
    const method = event.routeKey.split(' ')[0];
    if (method === 'GET' && !event.pathParameters?.[resource.idParameter]) return await list(event, resource);
    const id = pathParameter(event, resource.idParameter);
    if (method === 'GET') return json(200, view(await existing(resource, id)));
    if (secret === 'secret') return await putChannelSecret(event, id);
    return await replace(event, resource, id);
  } catch (error) {
    return errorResponse(error, event.rawPath);
  }
}

async function list(event: APIGatewayProxyEventV2, resource: Resource): Promise<HttpResponse> {
  const query = parseOrThrow(ListQuery, event.queryStringParameters ?? {}, 'query');
  const page = await listConfigRecords(resource.kind, query);
  return json(200, { items: page.items.map(view), ...(page.nextCursor && { nextCursor: page.nextCursor }) });
}

async function replace(event: APIGatewayProxyEventV2, resource: Resource, id: string): Promise<HttpResponse> {
  const record = await resource.parse(jsonBodyOf(event), id);
  const actor = actorFrom(event);
  const updatedAt = new Date().toISOString();
  const { created } = await putConfigRecord(resource.kind, id, record, actor, updatedAt);
  const body = view({ record, updatedAt, updatedBy: actor });
  return created ? json(201, body, { location: pathOf('v1', resource.collection, id) }) : json(200, body);
}

async function putChannelSecret(event: APIGatewayProxyEventV2, channelId: string): Promise<HttpResponse> {
  const { secret } = parseOrThrow(ChannelSecret, jsonBodyOf(event), 'body');
  const channel = Channel.parse((await existing(RESOURCES.channels!, channelId)).record);
  await storeSecret(channel.secretName, secret);
  return { statusCode: 204 };
}

async function existing(resource: Resource, id: string): Promise<Audited<Record<string, unknown>>> {
  const found = await getConfigRecord(resource.kind, id);
  if (!found) throw new NotFoundError(`There is no ${resource.noun} "${id}".`);
  return found;
}

async function requireDropshipVendor(locationId: string): Promise<void> {
  const vendor = await getConfigRecord('LOCATION', locationId);
  if (vendor?.record.type !== 'dropship_vendor') {
    throw new ValidationError('The drop-ship vendor is not a configured vendor location.', [
      { path: 'dropshipVendorLocationId', message: `no location "${locationId}" of type dropship_vendor` },
    ]);
  }
}

function sameId(inBody: string | undefined, inPath: string, field: string): void {
  if (inBody !== undefined && inBody !== inPath) {
    throw new ValidationError(`The ${field} in the body is not the one in the path.`, [
      { path: field, message: `must be "${inPath}" or left out` },
    ]);
  }
}

const view = ({ record, updatedAt, updatedBy }: Audited<Record<string, unknown>>) => ({
  ...record,
  ...(updatedAt && { updatedAt }),
  ...(updatedBy && { updatedBy }),
});

const secretsPrefix = () => process.env.CHANNEL_SECRETS_PREFIX ?? DEFAULT_CHANNEL_SECRETS_PREFIX;

export const handler = withApiAccess(adminApi);
