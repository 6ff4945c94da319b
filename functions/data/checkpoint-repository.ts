import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { CONFIG_TABLE } from '../../lib/tables.js';
import { dynamo, tableName } from './dynamo.js';

/**
 * How far a poller has read a channel's API, kept in the Config table as CHECKPOINT / <name>
 * (for example `amazon#<channelId>`): `lastUpdatedAfter`, the time up to which every change is
 * processed. It is an ISO 8601 UTC timestamp written by Date#toISOString, so two compare as strings.
 */
export const checkpointKey = (name: string) => ({ pk: 'CHECKPOINT', sk: name });

export async function getCheckpoint(name: string): Promise<string | undefined> {
  const { Item } = await dynamo().send(
    new GetCommand({
      TableName: tableName(CONFIG_TABLE.envVar),
      Key: checkpointKey(name),
      ConsistentRead: true,
    }),
  );
  return typeof Item?.lastUpdatedAfter === 'string' ? Item.lastUpdatedAfter : undefined;
}

/**
 * Moves the checkpoint forward, never back: two pollers that overlap (a slow run and the next
 * scheduled one) each write what they processed, and the later time wins. Returns false when
 * the stored time was already at or past `lastUpdatedAfter`.
 */
export async function advanceCheckpoint(name: string, lastUpdatedAfter: string, now: Date): Promise<boolean> {
  try {
    await dynamo().send(
      new PutCommand({
        TableName: tableName(CONFIG_TABLE.envVar),
        Item: {
          ...checkpointKey(name),
          entityType: 'Checkpoint',
          lastUpdatedAfter,
          updatedAt: now.toISOString(),
        },
        ConditionExpression: 'attribute_not_exists(pk) OR lastUpdatedAfter < :lastUpdatedAfter',
        ExpressionAttributeValues: { ':lastUpdatedAfter': lastUpdatedAfter },
      }),
    );
    return true;
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return false;
    throw error;
  }
}
