import {
  BatchGetCommand,
  GetCommand,
  UpdateCommand,
  type BatchGetCommandOutput,
} from '@aws-sdk/lib-dynamodb';
import { defaultProduct, InventoryProduct, type InventoryProductInput } from '../domain/inventory/product.js';
import { CONFIG_TABLE } from '../../lib/tables.js';
import { dynamo, tableName } from './dynamo.js';
import { queryAll } from './paging.js';

/**
 * The Config reads and writes of the inventory. Mostly its side of product records (`PRODUCT / <sku>` in the Config table): reorder point
 * and quantity, vendor, hot-SKU sharding, channel buffers. Writes set only these attributes, so
 * the routing attributes of the same record (drop-ship vendor, pre-order date) survive them.
 */
export const productKey = (sku: string) => ({ pk: 'PRODUCT', sk: sku });

export async function putInventoryProduct(input: InventoryProductInput): Promise<InventoryProduct> {
  const product = InventoryProduct.parse(input);
  const { sku, ...attributes } = product;
  const names = Object.keys(attributes);
  await dynamo().send(
    new UpdateCommand({
      TableName: tableName(CONFIG_TABLE.envVar),
      Key: productKey(sku),
      UpdateExpression: `SET entityType = :entityType, ${names.map((name) => `#${name} = :${name}`).join(', ')}`,
      ExpressionAttributeNames: Object.fromEntries(names.map((name) => [`#${name}`, name])),
      ExpressionAttributeValues: {
        ':entityType': 'Product',
        ...Object.fromEntries(Object.entries(attributes).map(([name, value]) => [`:${name}`, value])),
      },
    }),
  );
  return product;
}

/** Products by SKU; a SKU without a record gets the defaults (no reorder point, not hot). */
export async function getInventoryProducts(skus: readonly string[]): Promise<Map<string, InventoryProduct>> {
  const config = tableName(CONFIG_TABLE.envVar);
  const products = new Map<string, InventoryProduct>();
  const unique = [...new Set(skus)];
  for (let start = 0; start < unique.length; start += 100) {
    let keys: Record<string, unknown>[] | undefined = unique.slice(start, start + 100).map(productKey);
    while (keys && keys.length > 0) {
      const page: BatchGetCommandOutput = await dynamo().send(
        new BatchGetCommand({ RequestItems: { [config]: { Keys: keys } } }),
      );
      for (const item of page.Responses?.[config] ?? []) {
        products.set(String(item.sk), InventoryProduct.parse({ ...item, sku: item.sk }));
      }
      keys = page.UnprocessedKeys?.[config]?.Keys;
    }
  }
  for (const sku of unique) if (!products.has(sku)) products.set(sku, defaultProduct(sku));
  return products;
}

/** Shard counts of the SKUs among these that are hot with more than one shard (the router's read). */
export async function getHotShards(skus: readonly string[]): Promise<Record<string, number>> {
  const products = await getInventoryProducts(skus);
  return Object.fromEntries(
    [...products.values()]
      .filter((product) => product.hot && product.shards > 1)
      .map((product) => [product.sku, product.shards]),
  );
}

export async function getInventoryProduct(sku: string): Promise<InventoryProduct> {
  return (await getInventoryProducts([sku])).get(sku)!;
}

/** Ids of the configured channels (`CHANNEL / <id>`), whose availability inventory-sync keeps. */
export async function listChannelIds(): Promise<string[]> {
  const items = await queryAll({
    TableName: tableName(CONFIG_TABLE.envVar),
    KeyConditionExpression: 'pk = :kind',
    ExpressionAttributeValues: { ':kind': 'CHANNEL' },
    ProjectionExpression: 'sk',
  });
  return items.map((item) => String(item.sk));
}

/** Whether a location is configured (`LOCATION / <id>`): movements and reads name real ones only. */
export async function locationExists(locationId: string): Promise<boolean> {
  const { Item } = await dynamo().send(
    new GetCommand({
      TableName: tableName(CONFIG_TABLE.envVar),
      Key: { pk: 'LOCATION', sk: locationId },
      ProjectionExpression: 'sk',
    }),
  );
  return Item !== undefined;
}
