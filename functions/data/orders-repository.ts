import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { Order } from '../domain/order.js';
import { backorderShardOf, placedIndexAttributes } from '../domain/order-index.js';
import { ORDERS_TABLE } from '../../lib/tables.js';
import { dynamo, tableName } from './dynamo.js';
import { toOrder } from './order-items.js';
import { EXPIRATION_ATTRIBUTE, payloadExpiration } from './retention.js';

/**
 * Orders table layout (single table):
 *   ORDER#<orderId> / ORDER                          the order
 *   ORDER#<orderId> / RAW                            the channel's payload as received, for audit
 *   ORDER#<orderId> / FO#<fulfillmentOrderId>        its fulfillment orders (routing-repository.ts)
 *   CHANNEL#<channelId>#EXT#<externalId> / KEY       the order's key at its channel: orderId + payload hash
 *   CHANNEL#<channelId>#DELIVERY#<deliveryId> / KEY  a channel delivery (e.g. X-Shopify-Event-Id) already taken
 * Every item carries `entityType`, which the stream outbox uses to tell them apart. The raw
 * payload and the delivery key expire after the stage's retention period (retention.ts).
 */
export const orderKey = (orderId: string) => ({ pk: `ORDER#${orderId}`, sk: 'ORDER' });
export const channelOrderKey = (channelId: string, externalId: string) => ({
  pk: `CHANNEL#${channelId}#EXT#${externalId}`,
  sk: 'KEY',
});

export interface ChannelOrderKey {
  channelId: string;
  externalId: string;
  orderId: string;
  payloadHash: string;
}

export const rawPayloadKey = (orderId: string) => ({ pk: `ORDER#${orderId}`, sk: 'RAW' });
export const channelDeliveryKey = (channelId: string, deliveryId: string) => ({
  pk: `CHANNEL#${channelId}#DELIVERY#${deliveryId}`,
  sk: 'KEY',
});

/** What the channel sent, kept beside the order for audit and for replaying a mapping fix. */
export interface ReceivedPayload {
  rawBody: string;
  format: string;
  /** The channel's id for this delivery; a redelivery with the same id never creates an order. */
  deliveryId?: string;
}

export type CreateOrderResult =
  | { created: true }
  | { created: false; existing: ChannelOrderKey }
  /** The same channel delivery was taken before (under whatever externalId it carried then). */
  | { created: false; redelivery: { orderId: string } };

/** How often a transaction that lost a race to a concurrent one (TransactionConflict) is retried. */
const CONFLICT_RETRIES = 3;

/**
 * Writes the order and its channel key in one transaction, each on condition that it does not
 * exist. The key item is what makes a channel's retries harmless: whichever copy of a delivery
 * commits first creates the order, every other copy, concurrent or hours late, fails the
 * condition and is told which order already holds that key. The raw payload and the channel's
 * delivery id, when given, are written in the same transaction.
 */
export async function createOrder(
  order: Order,
  received?: ReceivedPayload,
  /** Items of the order's partition written with it, each once (a counter sale's fulfillment order). */
  alongside: readonly Record<string, unknown>[] = [],
): Promise<CreateOrderResult> {
  const table = tableName(ORDERS_TABLE.envVar);
  const key: ChannelOrderKey = {
    channelId: order.channelId,
    externalId: order.externalId,
    orderId: order.orderId,
    payloadHash: order.payloadHash,
  };
  const command = new TransactWriteCommand({
    TransactItems: [
      {
        Put: {
          TableName: table,
          Item: orderItem(order),
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
      {
        Put: {
          TableName: table,
          Item: {
            ...channelOrderKey(order.channelId, order.externalId),
            entityType: 'ChannelOrderKey',
            ...key,
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
      ...(received ? receivedPayloadItems(table, order, received) : []),
      ...alongside.map((Item) => ({
        Put: { TableName: table, Item, ConditionExpression: 'attribute_not_exists(pk)' },
      })),
    ],
  });

  for (let attempt = 0; ; attempt++) {
    try {
      await dynamo().send(command);
      return { created: true };
    } catch (error) {
      if (!(error instanceof TransactionCanceledException)) throw error;
      const reasons = error.CancellationReasons ?? [];
      if (reasons[1]?.Code === 'ConditionalCheckFailed') {
        const existing = await findChannelOrderKey(order.channelId, order.externalId);
        if (existing) return { created: false, existing };
      }
      if (reasons[3]?.Code === 'ConditionalCheckFailed' && received?.deliveryId) {
        const orderId = await findDelivery(order.channelId, received.deliveryId);
        if (orderId) return { created: false, redelivery: { orderId } };
      }
      const conflicted = reasons.some((reason) => reason.Code === 'TransactionConflict');
      if (!conflicted || attempt >= CONFLICT_RETRIES) throw error;
      await new Promise((resolve) => setTimeout(resolve, 20 * 2 ** attempt));
    }
  }
}

/** The order with its keys and the attributes of the indexes it belongs in (lib/tables.ts). */
export function orderItem(order: Order): Record<string, unknown> {
  const backorderShard = backorderShardOf(order.orderId, order.status);
  return {
    ...orderKey(order.orderId),
    entityType: 'Order',
    ...order,
    ...placedIndexAttributes(order),
    ...(backorderShard !== undefined && { backorderShard }),
  };
}

function receivedPayloadItems(table: string, order: Order, received: ReceivedPayload) {
  const { channelId, orderId, receivedAt } = order;
  const expires = { [EXPIRATION_ATTRIBUTE]: payloadExpiration(receivedAt) };
  const raw = {
    Put: {
      TableName: table,
      Item: {
        ...rawPayloadKey(orderId),
        entityType: 'RawPayload',
        orderId,
        channelId,
        receivedAt,
        ...received,
        ...expires,
      },
    },
  };
  if (!received.deliveryId) return [raw];
  const delivery = {
    Put: {
      TableName: table,
      Item: {
        ...channelDeliveryKey(channelId, received.deliveryId),
        entityType: 'ChannelDelivery',
        orderId,
        receivedAt,
        ...expires,
      },
      ConditionExpression: 'attribute_not_exists(pk)',
    },
  };
  return [raw, delivery];
}

async function findDelivery(channelId: string, deliveryId: string): Promise<string | undefined> {
  const { Item } = await dynamo().send(
    new GetCommand({
      TableName: tableName(ORDERS_TABLE.envVar),
      Key: channelDeliveryKey(channelId, deliveryId),
      ConsistentRead: true,
    }),
  );
  return Item ? String(Item.orderId) : undefined;
}

export async function getRawPayload(orderId: string): Promise<ReceivedPayload | undefined> {
  const { Item } = await dynamo().send(
    new GetCommand({ TableName: tableName(ORDERS_TABLE.envVar), Key: rawPayloadKey(orderId) }),
  );
  if (!Item) return undefined;
  return {
    rawBody: String(Item.rawBody),
    format: String(Item.format),
    ...(Item.deliveryId !== undefined && { deliveryId: String(Item.deliveryId) }),
  };
}

export async function findChannelOrderKey(
  channelId: string,
  externalId: string,
): Promise<ChannelOrderKey | undefined> {
  const { Item } = await dynamo().send(
    new GetCommand({
      TableName: tableName(ORDERS_TABLE.envVar),
      Key: channelOrderKey(channelId, externalId),
      ConsistentRead: true,
    }),
  );
  return Item ? toChannelOrderKey(Item) : undefined;
}

export async function getOrder(orderId: string): Promise<Order | undefined> {
  const { Item } = await dynamo().send(
    new GetCommand({
      TableName: tableName(ORDERS_TABLE.envVar),
      Key: orderKey(orderId),
      ConsistentRead: true,
    }),
  );
  return Item ? toOrder(Item) : undefined;
}

function toChannelOrderKey(item: Record<string, unknown>): ChannelOrderKey {
  return {
    channelId: String(item.channelId),
    externalId: String(item.externalId),
    orderId: String(item.orderId),
    payloadHash: String(item.payloadHash),
  };
}
