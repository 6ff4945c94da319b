import { GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { Actor } from '../domain/access.js';
import { CONFIG_TABLE } from '../../lib/tables.js';
import { clearConfigCache } from './config-repository.js';
import { decodeCursor, encodeCursor } from './cursors.js';
import { dynamo, tableName } from './dynamo.js';

/**
 * The admin API's reads and writes of configuration records (Config table, `<KIND>` / <id>):
 * a record is replaced whole and carries who changed it last and when. The router's and the
 * ingest's caches in this container are cleared on a write; other containers see the change
 * when their cache expires (locations 30 s, channels 60 s: docs/configuration.md).
 */
export type ConfigKind = 'LOCATION' | 'PRODUCT' | 'CHANNEL';

export interface Audited<Record> {
  record: Record;
  /** Absent on records written before the admin API (demo data, imports). */
  updatedAt?: string;
  updatedBy?: Actor;
}

const ENTITY_TYPES: Record<ConfigKind, string> = {
  LOCATION: 'Location',
  PRODUCT: 'Product',
  CHANNEL: 'Channel',
};

export async function getConfigRecord(
  kind: ConfigKind,
  id: string,
): Promise<Audited<Record<string, unknown>> | undefined> {
  const { Item } = await dynamo().send(
    new GetCommand({ TableName: tableName(CONFIG_TABLE.envVar), Key: { pk: kind, sk: id } }),
  );
  return Item ? audited(Item) : undefined;
}

/** Replaces the record; answers whether it is new. */
export async function putConfigRecord(
  kind: ConfigKind,
  id: string,
  record: Record<string, unknown>,
  actor: Actor,
  now = new Date().toISOString(),
): Promise<{ created: boolean }> {
  const { Attributes } = await dynamo().send(
    new PutCommand({
      TableName: tableName(CONFIG_TABLE.envVar),
      Item: { pk: kind, sk: id, entityType: ENTITY_TYPES[kind], ...record, updatedAt: now, updatedBy: actor },
      ReturnValues: 'ALL_OLD',
    }),
  );
  clearConfigCache();
  return { created: Attributes === undefined };
}

export interface ConfigPage {
  items: Audited<Record<string, unknown>>[];
  nextCursor?: string;
}

/** One page of a kind of record, in id order. */
export async function listConfigRecords(
  kind: ConfigKind,
  page: { limit: number; cursor?: string | undefined },
): Promise<ConfigPage> {
  const result = await dynamo().send(
    new QueryCommand({
      TableName: tableName(CONFIG_TABLE.envVar),
      KeyConditionExpression: 'pk = :kind',
      ExpressionAttributeValues: { ':kind': kind },
      Limit: page.limit,
      ExclusiveStartKey: decodeCursor(page.cursor, ['pk', 'sk'], (key) => key.pk === kind),
    }),
  );
  return {
    items: (result.Items ?? []).map(audited),
    ...(result.LastEvaluatedKey && { nextCursor: encodeCursor(result.LastEvaluatedKey) }),
  };
}

function audited(item: Record<string, unknown>): Audited<Record<string, unknown>> {
  const { pk: _pk, sk: _sk, entityType: _entityType, updatedAt, updatedBy, ...record } = item;
  return {
    record,
    ...(typeof updatedAt === 'string' && { updatedAt }),
    ...(updatedBy !== undefined && { updatedBy: updatedBy as Actor }),
  };
}
