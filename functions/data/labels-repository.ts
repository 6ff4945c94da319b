import { createHash } from 'node:crypto';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { ulid } from 'ulid';
import type { Label } from '../fulfillment/carriers/label-request.js';
import { ORDERS_TABLE } from '../../lib/tables.js';
import { dynamo, tableName } from './dynamo.js';
import { orderKey } from './orders-repository.js';

/**
 * Shipping labels bought for a fulfillment order, beside it in its order's partition:
 *   ORDER#<orderId> / LABEL#<fulfillmentOrderId>#<labelId>
 * (not under `FO#`, which lists the fulfillment orders). A label bought under an Idempotency-Key
 * has an id derived from the key, so a retried request finds it instead of buying another.
 */
export const labelKey = (orderId: string, fulfillmentOrderId: string, labelId: string) => ({
  pk: orderKey(orderId).pk,
  sk: `LABEL#${fulfillmentOrderId}#${labelId}`,
});

export function labelIdFor(fulfillmentOrderId: string, idempotencyKey: string | undefined): string {
  if (idempotencyKey === undefined) return ulid();
  return createHash('sha256').update(`${fulfillmentOrderId}\n${idempotencyKey}`).digest('hex').slice(0, 26);
}

export async function findLabel(orderId: string, fulfillmentOrderId: string, labelId: string) {
  const { Item } = await dynamo().send(
    new GetCommand({
      TableName: tableName(ORDERS_TABLE.envVar),
      Key: labelKey(orderId, fulfillmentOrderId, labelId),
      ConsistentRead: true,
    }),
  );
  return Item ? toLabel(Item) : undefined;
}

/** Written once: when two requests with one key raced, the first label stored is the answer. */
export async function saveLabel(orderId: string, label: Label): Promise<Label> {
  try {
    await dynamo().send(
      new PutCommand({
        TableName: tableName(ORDERS_TABLE.envVar),
        Item: {
          ...labelKey(orderId, label.fulfillmentOrderId, label.labelId),
          entityType: 'Label',
          ...label,
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
    return label;
  } catch (error) {
    if (!(error instanceof Error && error.name === 'ConditionalCheckFailedException')) throw error;
    const first = await findLabel(orderId, label.fulfillmentOrderId, label.labelId);
    if (!first) throw error;
    return first;
  }
}

function toLabel(item: Record<string, unknown>): Label {
  const { pk: _pk, sk: _sk, entityType: _entityType, ...label } = item;
  return label as unknown as Label;
}
