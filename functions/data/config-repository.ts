import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { Channel } from '../domain/channel.js';
import { CarrierAccount } from '../domain/fulfillment/carrier.js';
import { CarrierServices } from '../domain/fulfillment/promise.js';
import { Location } from '../domain/location.js';
import { CONFIG_TABLE } from '../../lib/tables.js';
import { dynamo, tableName } from './dynamo.js';
import { queryAll } from './paging.js';

/**
 * Config table layout: pk is the kind of record, sk its id (CHANNEL / <channelId>,
 * LOCATION / <locationId>, PRODUCT / <sku>, RULESET / <id>#<version>), so each kind is listed
 * with one Query. The table is small and read-mostly.
 */
export const channelKey = (channelId: string) => ({ pk: 'CHANNEL', sk: channelId });

/** Channel records change rarely; a short cache spares one read per order on warm containers. */
const CHANNEL_CACHE_MS = 60_000;
const channelCache = new Map<string, { channel: Channel | undefined; until: number }>();

export async function getChannel(channelId: string, now = Date.now()): Promise<Channel | undefined> {
  const cached = channelCache.get(channelId);
  if (cached && cached.until > now) return cached.channel;
  const { Item } = await dynamo().send(
    new GetCommand({ TableName: tableName(CONFIG_TABLE.envVar), Key: channelKey(channelId) }),
  );
  const channel = Item ? Channel.parse(stripKeys(Item)) : undefined;
  channelCache.set(channelId, { channel, until: now + CHANNEL_CACHE_MS });
  return channel;
}

export async function putChannel(channel: Channel): Promise<void> {
  await dynamo().send(
    new PutCommand({
      TableName: tableName(CONFIG_TABLE.envVar),
      Item: { ...channelKey(channel.channelId), entityType: 'Channel', ...Channel.parse(channel) },
    }),
  );
  channelCache.delete(channel.channelId);
}

/** Every configured channel, active or not; callers pick the ones they serve. */
export async function listChannels(): Promise<Channel[]> {
  return (await queryKind('CHANNEL')).map((item) => Channel.parse(item));
}

export const locationKey = (locationId: string) => ({ pk: 'LOCATION', sk: locationId });

export async function putLocation(location: Location): Promise<void> {
  await dynamo().send(
    new PutCommand({
      TableName: tableName(CONFIG_TABLE.envVar),
      Item: { ...locationKey(location.locationId), entityType: 'Location', ...Location.parse(location) },
    }),
  );
  locationsCache.clear();
}

/**
 * The router, the inventory sync and the inventory reads list every location for each order or
 * batch: one Query (every page of it) and a zod parse of each location. Locations change a few
 * times a day, so warm containers keep the list this long; a new or closed location reaches every
 * router within it (docs/configuration.md). Keyed by table, so runtimes that share a process and
 * a DynamoDB Local with different table prefixes stay apart.
 */
const LOCATIONS_CACHE_MS = 30_000;
const locationsCache = new Map<string, { locations: Promise<Location[]>; until: number }>();

export async function listLocations(now = Date.now()): Promise<Location[]> {
  const table = tableName(CONFIG_TABLE.envVar);
  const cached = locationsCache.get(table);
  if (cached && cached.until > now) return cached.locations;
  const locations = queryKind('LOCATION').then((items) => items.map((item) => Location.parse(item)));
  locationsCache.set(table, { locations, until: now + LOCATIONS_CACHE_MS });
  // A failed read is not kept: the next caller tries again.
  locations.catch(() => locationsCache.delete(table));
  return locations;
}

export const carrierServicesKey = { pk: 'CONFIG', sk: 'CARRIER_SERVICES' } as const;

export async function putCarrierServices(config: CarrierServices): Promise<void> {
  await dynamo().send(
    new PutCommand({
      TableName: tableName(CONFIG_TABLE.envVar),
      Item: { ...carrierServicesKey, entityType: 'CarrierServices', ...CarrierServices.parse(config) },
    }),
  );
  carrierServicesCache.clear();
}

/**
 * The carrier services and their transit days, read by the router for every order's promise and
 * by the tracking view: cached like the locations, and as rarely changed. Undefined while none
 * is configured: orders are then routed without a promised date.
 */
const carrierServicesCache = new Map<
  string,
  { config: Promise<CarrierServices | undefined>; until: number }
>();

export async function getCarrierServices(now = Date.now()): Promise<CarrierServices | undefined> {
  const table = tableName(CONFIG_TABLE.envVar);
  const cached = carrierServicesCache.get(table);
  if (cached && cached.until > now) return cached.config;
  const config = dynamo()
    .send(new GetCommand({ TableName: table, Key: carrierServicesKey }))
    .then(({ Item }) => (Item ? CarrierServices.parse(stripKeys(Item)) : undefined));
  carrierServicesCache.set(table, { config, until: now + LOCATIONS_CACHE_MS });
  config.catch(() => carrierServicesCache.delete(table));
  return config;
}

export const carrierAccountKey = (carrierId: string) => ({ pk: 'CARRIER', sk: carrierId });

export async function putCarrierAccount(account: CarrierAccount): Promise<void> {
  await dynamo().send(
    new PutCommand({
      TableName: tableName(CONFIG_TABLE.envVar),
      Item: {
        ...carrierAccountKey(account.carrierId),
        entityType: 'CarrierAccount',
        ...CarrierAccount.parse(account),
      },
    }),
  );
  carrierAccountCache.clear();
}

/** A label provider's account; cached like a channel, for the label and webhook functions. */
const carrierAccountCache = new Map<string, { account: CarrierAccount | undefined; until: number }>();

export async function getCarrierAccount(
  carrierId: string,
  now = Date.now(),
): Promise<CarrierAccount | undefined> {
  const key = `${tableName(CONFIG_TABLE.envVar)}\n${carrierId}`;
  const cached = carrierAccountCache.get(key);
  if (cached && cached.until > now) return cached.account;
  const { Item } = await dynamo().send(
    new GetCommand({ TableName: tableName(CONFIG_TABLE.envVar), Key: carrierAccountKey(carrierId) }),
  );
  const account = Item ? CarrierAccount.parse(stripKeys(Item)) : undefined;
  carrierAccountCache.set(key, { account, until: now + CHANNEL_CACHE_MS });
  return account;
}

async function queryKind(kind: string): Promise<Record<string, unknown>[]> {
  const items = await queryAll({
    TableName: tableName(CONFIG_TABLE.envVar),
    KeyConditionExpression: 'pk = :kind',
    ExpressionAttributeValues: { ':kind': kind },
  });
  return items.map(stripKeys);
}

export function clearConfigCache(): void {
  channelCache.clear();
  locationsCache.clear();
  carrierServicesCache.clear();
  carrierAccountCache.clear();
}

/** The record as its schema knows it: without its keys and who last changed it (admin-repository.ts). */
function stripKeys(item: Record<string, unknown>): Record<string, unknown> {
  const {
    pk: _pk,
    sk: _sk,
    entityType: _entityType,
    updatedAt: _updatedAt,
    updatedBy: _updatedBy,
    ...rest
  } = item;
  return rest;
}
