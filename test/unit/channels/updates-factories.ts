import { CachePersistenceLayer } from '@aws-lambda-powertools/idempotency/cache';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import type { Channel } from '../../../functions/domain/channel.js';

/**
 * Events as the producers publish them (the contract of docs/events.md), wrapped in the envelope
 * the bus rule puts on the channel-updates queue, and the pieces a consumer test needs.
 */
export function aShipmentCreated(overrides: Record<string, unknown> = {}) {
  return {
    version: '1',
    eventId: 'FO1:shipment:S1',
    orderId: 'ORD1',
    channelId: 'shopify',
    externalId: '450789469',
    fulfillmentOrderId: 'FO1',
    locationId: 'store-lisbon',
    shipment: {
      shipmentId: 'S1',
      carrier: 'UPS',
      service: 'Ground',
      trackingNumber: '1Z999AA10123456784',
      trackingUrl: 'https://www.ups.com/track?tracknum=1Z999AA10123456784',
      shippedAt: '2026-12-01T10:00:00.000Z',
      lines: [{ lineId: '466157049', sku: 'TEE-M', quantity: 2 }],
    },
    ...overrides,
  };
}

export function anOrderReadyForPickup(overrides: Record<string, unknown> = {}) {
  return {
    version: '1',
    eventId: 'FO1:ready',
    orderId: 'ORD1',
    channelId: 'shopify',
    externalId: '450789469',
    fulfillmentOrderId: 'FO1',
    locationId: 'store-lisbon',
    pickupCode: 'K7Q2-9F',
    readyAt: '2026-12-01T10:00:00.000Z',
    ...overrides,
  };
}

export function anOrderCanceled(overrides: Record<string, unknown> = {}) {
  return {
    version: '1',
    eventId: 'ORD1:cancel:1',
    orderId: 'ORD1',
    channelId: 'shopify',
    externalId: '450789469',
    reason: 'customer',
    lines: [{ lineId: '466157049', sku: 'TEE-M', quantity: 2 }],
    canceledAt: '2026-12-01T10:00:00.000Z',
    ...overrides,
  };
}

export function aRefundRecorded(overrides: Record<string, unknown> = {}) {
  return {
    version: '1',
    eventId: 'RF1:recorded',
    orderId: 'ORD1',
    channelId: 'shopify',
    externalId: '450789469',
    refundId: 'RF1',
    cause: 'return',
    currency: 'EUR',
    total: 2398,
    shipping: 0,
    lines: [{ lineId: '466157049', sku: 'TEE-M', quantity: 2, amount: 2398 }],
    recordedAt: '2026-12-01T10:00:00.000Z',
    ...overrides,
  };
}

export function anEnvelope(detailType: string, detail: unknown) {
  return {
    version: '0',
    id: `evt-${detailType}`,
    'detail-type': detailType,
    source: 'oms',
    account: '000000000000',
    time: '2026-12-01T10:00:00Z',
    region: 'us-east-1',
    resources: [],
    detail,
  };
}

let messages = 0;

export function aQueueRecord(body: unknown, receiveCount = 1): SQSRecord {
  messages += 1;
  return {
    messageId: `message-${messages}`,
    receiptHandle: `receipt-${messages}`,
    body: typeof body === 'string' ? body : JSON.stringify(body),
    attributes: {
      ApproximateReceiveCount: String(receiveCount),
      SentTimestamp: '1764583200000',
      SenderId: '000000000000',
      ApproximateFirstReceiveTimestamp: '1764583200000',
    },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:ChannelUpdatesQueue',
    awsRegion: 'us-east-1',
  };
}

export const aBatch = (...records: SQSRecord[]): SQSEvent => ({ Records: records });

export function aLambdaContext(remainingMs = 60_000): Context {
  return {
    functionName: 'channel-updates',
    awsRequestId: 'request-1',
    getRemainingTimeInMillis: () => remainingMs,
  } as Context;
}

export function anUpdatesChannel(
  format: 'shopify' | 'woocommerce',
  baseUrl: string,
  overrides: Partial<Channel> = {},
): Channel {
  return {
    channelId: format,
    name: `Demo ${format}`,
    format,
    secretName: `oms/channels/${format}`,
    active: true,
    api: { baseUrl, accessTokenSecretName: `oms/channels/${format}-api` },
    ...overrides,
  };
}

/** Powertools idempotency on a Map: the cache persistence layer over a client that keeps values in memory. */
export function inMemoryIdempotency() {
  const values = new Map<string, string>();
  const client = {
    get: async (name: string) => values.get(name) ?? null,
    set: async (name: string | Uint8Array, value: unknown, options?: unknown) => {
      const key = String(name);
      if ((options as { NX?: boolean } | undefined)?.NX && values.has(key)) return null;
      values.set(key, String(value));
      return 'OK';
    },
    del: async (keys: string[]) => keys.filter((key) => values.delete(key)).length,
  };
  return { store: new CachePersistenceLayer({ client }), values };
}

/** Sleeps that resolve at once and remember how long they were asked to wait. */
export function instantSleep() {
  const waits: number[] = [];
  return {
    waits,
    sleep: async (milliseconds: number) => {
      waits.push(milliseconds);
    },
  };
}
