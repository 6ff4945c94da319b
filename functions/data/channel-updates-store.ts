import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { IDEMPOTENCY_TABLE } from '../../lib/tables.js';
import { traced } from '../shared/tracing.js';
import { dynamo, tableName } from './dynamo.js';

/**
 * What the channel updates keep in the Idempotency table: Powertools' records of the updates
 * already delivered (keyed by event and channel), and the updates a channel refused for good, so
 * that the redeliveries that carry such a message to its dead-letter queue do not ask again.
 */
export function channelUpdatesPersistence(): DynamoDBPersistenceLayer {
  return new DynamoDBPersistenceLayer({
    tableName: tableName(IDEMPOTENCY_TABLE.envVar),
    awsSdkV3Client: traced(new DynamoDBClient({})),
  });
}

export interface UpdateKey {
  eventId: string;
  channelId: string;
}

export interface Rejection {
  reason: string;
  rejectedAt: string;
}

/** Long enough for every redelivery before the dead-letter queue; a redrive starts afresh anyway. */
const REJECTION_TTL_SECONDS = 24 * 3600;

const rejectionKey = ({ eventId, channelId }: UpdateKey) => ({
  id: `channel-update-rejected#${channelId}#${eventId}`,
});

export async function findRejection(key: UpdateKey): Promise<Rejection | undefined> {
  const { Item } = await dynamo().send(
    new GetCommand({
      TableName: tableName(IDEMPOTENCY_TABLE.envVar),
      Key: rejectionKey(key),
      ConsistentRead: true,
    }),
  );
  if (!Item || Number(Item.expiration) * 1000 < Date.now()) return undefined;
  return { reason: String(Item.reason), rejectedAt: String(Item.rejectedAt) };
}

export async function recordRejection(key: UpdateKey, reason: string, now: Date): Promise<void> {
  await dynamo().send(
    new PutCommand({
      TableName: tableName(IDEMPOTENCY_TABLE.envVar),
      Item: {
        ...rejectionKey(key),
        reason,
        rejectedAt: now.toISOString(),
        expiration: Math.floor(now.getTime() / 1000) + REJECTION_TTL_SECONDS,
      },
    }),
  );
}
