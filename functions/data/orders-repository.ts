import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { Order } from '../domain/order.js';
import { ORDERS_TABLE } from '../../lib/tables.js';
import { dynamo, tableName } from './dynamo.js';

/**
 * Orders table layout (single table):
 *   ORDER#<orderId> / ORDER                    the order
 *   CHANNEL#<channelId>#EXT#<externalId> / KEY  the order's key at its channel: orderId + payload hash
 * Every item carries `entityType`, which the stream outbox uses to tell them apart.
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

export type CreateOrderResult = { created: true } | { created: false; existing: ChannelOrderKey };

/** How often a transaction that lost a race to a concurrent one (TransactionConflict) is retried. */
const CONFLICT_RETRIES = 3;

/**
 * Writes the order and its channel key in one transaction, each on condition that it does not
 * exist. The key item is what makes a channel's retries harmless: whichever copy of a delivery
 * commits first creates the order, every other copy, concurrent or hours late, fails the
 * condition and is told which order already holds that key.
 */
export async function createOrder(order: Order): Promise<CreateOrderResult> {
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
          Item: { ...orderKey(order.orderId), entityType: 'Order', ...order },
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
      const conflicted = reasons.some((reason) => reason.Code === 'TransactionConflict');
      if (!conflicted || attempt >= CONFLICT_RETRIES) throw error;
      await new Promise((resolve) => setTimeout(resolve, 20 * 2 ** attempt));
    }
  }
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

/** Strips the table's own attributes so that callers see the domain record only. */
export function toOrder(item: Record<string, unknown>): Order {
  const { pk: _pk, sk: _sk, entityType: _entityType, ...order } = item;
  return order as unknown as Order;
}

function toChannelOrderKey(item: Record<string, unknown>): ChannelOrderKey {
  return {
    channelId: String(item.channelId),
    externalId: String(item.externalId),
    orderId: String(item.orderId),
    payloadHash: String(item.payloadHash),
  };
}
