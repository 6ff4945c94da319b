import { PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { StockLevel } from '../domain/stock.js';
import { INVENTORY_TABLE } from '../../lib/tables.js';
import { dynamo, tableName } from './dynamo.js';

/**
 * Inventory table layout:
 *   SKU#<sku> / LOC#<locationId>   stock of a SKU at a location (also indexed byLocation)
 * All locations of a SKU share a partition, so the router reads a SKU's stock with one Query.
 */
export const stockKey = (sku: string, locationId: string) => ({ pk: `SKU#${sku}`, sk: `LOC#${locationId}` });

export async function putStockLevel(level: StockLevel): Promise<void> {
  await dynamo().send(
    new PutCommand({
      TableName: tableName(INVENTORY_TABLE.envVar),
      Item: { ...stockKey(level.sku, level.locationId), entityType: 'StockLevel', ...level },
    }),
  );
}

export async function getStockLevels(sku: string): Promise<StockLevel[]> {
  const levels: StockLevel[] = [];
  let cursor: Record<string, unknown> | undefined;
  do {
    const page = await dynamo().send(
      new QueryCommand({
        TableName: tableName(INVENTORY_TABLE.envVar),
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :loc)',
        ExpressionAttributeValues: { ':pk': `SKU#${sku}`, ':loc': 'LOC#' },
        ConsistentRead: true,
        ExclusiveStartKey: cursor,
      }),
    );
    for (const item of page.Items ?? []) {
      const { pk: _pk, sk: _sk, entityType: _entityType, ...level } = item;
      levels.push(level as StockLevel);
    }
    cursor = page.LastEvaluatedKey;
  } while (cursor);
  return levels;
}
