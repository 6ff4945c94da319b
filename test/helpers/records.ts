import type { AttributeValue as LambdaAttributeValue, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { Channel } from '../../functions/domain/channel.js';
import type { Location } from '../../functions/domain/location.js';
import { newOrder } from '../../functions/domain/new-order.js';
import { CanonicalOrder, type CanonicalOrderInput, type Order } from '../../functions/domain/order.js';
import { channelKey } from '../../functions/data/config-repository.js';
import { channelOrderKey, orderItem } from '../../functions/data/orders-repository.js';
import { aCanonicalOrder } from './factories.js';

/**
 * Factories for what the OMS stores and what DynamoDB hands back: parsed canonical orders, Order
 * records, table items and stream records. They build on the contract example in factories.ts.
 */

/** The contract example after validation, i.e. with the schema's defaults filled in. */
export function aParsedCanonicalOrder(overrides: Partial<CanonicalOrderInput> = {}): CanonicalOrder {
  return CanonicalOrder.parse(aCanonicalOrder(overrides));
}

/** The OMS record of the contract example as received: status RECEIVED, version 1. */
export function anOrder(overrides: Partial<Order> = {}, canonical: Partial<CanonicalOrderInput> = {}): Order {
  return {
    ...newOrder({
      canonical: aParsedCanonicalOrder(canonical),
      channelId: 'web',
      orderId: '01JD0000000000000000000001',
      now: '2026-11-22T10:00:05.000Z',
    }),
    ...overrides,
  };
}

/** An order as the Orders table holds it (keys and entityType included). */
export function anOrderItem(order: Order = anOrder()): Record<string, unknown> {
  return orderItem(order);
}

/** The (channel, externalId) key item written beside every order. */
export function aChannelOrderKeyItem(order: Order = anOrder()): Record<string, unknown> {
  return {
    ...channelOrderKey(order.channelId, order.externalId),
    entityType: 'ChannelOrderKey',
    channelId: order.channelId,
    externalId: order.externalId,
    orderId: order.orderId,
    payloadHash: order.payloadHash,
  };
}

/** A channel configured for the canonical format, signed with the secret named `oms/channels/<id>`. */
export function aChannel(overrides: Partial<Channel> = {}): Channel {
  const channelId = overrides.channelId ?? 'web';
  return {
    channelId,
    name: 'Web shop',
    format: 'canonical',
    secretName: `oms/channels/${channelId}`,
    active: true,
    ...overrides,
  };
}

/** A channel as the Config table holds it. */
export function aChannelItem(channel: Channel = aChannel()): Record<string, unknown> {
  return { ...channelKey(channel.channelId), entityType: 'Channel', ...channel };
}

let sequence = 100;

/**
 * A DynamoDB stream record (NEW_AND_OLD_IMAGES) for a write of `newItem` over `oldItem`; the event
 * name follows from which images are present unless given.
 */
export function aStreamRecord(args: {
  oldItem?: Record<string, unknown>;
  newItem?: Record<string, unknown>;
  sequenceNumber?: string;
  eventName?: DynamoDBRecord['eventName'];
}): DynamoDBRecord {
  const { oldItem, newItem } = args;
  const sequenceNumber = args.sequenceNumber ?? String((sequence += 1));
  const eventName = args.eventName ?? (oldItem ? (newItem ? 'MODIFY' : 'REMOVE') : 'INSERT');
  const keys = (newItem ?? oldItem ?? {}) as { pk?: string; sk?: string };
  return {
    eventID: `event-${sequenceNumber}`,
    eventName,
    eventVersion: '1.1',
    eventSource: 'aws:dynamodb',
    awsRegion: 'us-east-1',
    eventSourceARN: 'arn:aws:dynamodb:us-east-1:000000000000:table/Orders/stream/2026-11-22T00:00:00.000',
    dynamodb: {
      Keys: toStreamImage({ pk: keys.pk, sk: keys.sk }),
      ...(newItem && { NewImage: toStreamImage(newItem) }),
      ...(oldItem && { OldImage: toStreamImage(oldItem) }),
      SequenceNumber: sequenceNumber,
      SizeBytes: 512,
      StreamViewType: 'NEW_AND_OLD_IMAGES',
    },
  };
}

export function aStreamEvent(records: DynamoDBRecord[]): DynamoDBStreamEvent {
  return { Records: records };
}

function toStreamImage(item: Record<string, unknown>): Record<string, LambdaAttributeValue> {
  // @types/aws-lambda declares its own AttributeValue shape; the wire format is the same.
  return marshall(item, { removeUndefinedValues: true }) as Record<string, LambdaAttributeValue>;
}

/** Where the customer of the contract example (aCanonicalOrder) lives. */
export const LISBON = { lat: 38.7103, lon: -9.1366 };

/** A configured store in Lisbon that ships and takes pick-ups, with overrides for the case at hand. */
export function aLocation(locationId: string, overrides: Partial<Location> = {}): Location {
  return {
    locationId,
    name: `Store ${locationId}`,
    type: 'store',
    address: { city: 'Lisboa', country: 'PT' },
    lat: 38.71,
    lon: -9.14,
    timeZone: 'Europe/Lisbon',
    capabilities: ['ship', 'pickup'],
    priority: 100,
    costPerShipment: 0,
    costCurrency: 'EUR',
    active: true,
    ...overrides,
  };
}

/** A store `kmNorth` kilometres north of the Lisbon customer, so distance ranking is predictable. */
export function aStoreNorthOfLisbon(locationId: string, kmNorth: number, overrides: Partial<Location> = {}) {
  return aLocation(locationId, { lat: LISBON.lat + kmNorth / 111.2, lon: LISBON.lon, ...overrides });
}
