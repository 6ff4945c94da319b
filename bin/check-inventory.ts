import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { InventoryAggregate } from '../functions/domain/inventory/aggregate.js';
import { checkInvariants, type InvariantReport } from '../functions/domain/inventory/invariants.js';
import type { StockLevel } from '../functions/domain/stock.js';
import { STOCK_ENTITY_TYPES, toStockLevel } from '../functions/data/inventory-repository.js';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../lib/local/dynamodb-local.js';
import { DEFAULT_PORT } from '../lib/local/local-config.js';
import { INVENTORY_TABLE } from '../lib/tables.js';

/**
 * npm run check:inventory — checks the inventory invariants (functions/domain/inventory/
 * invariants.ts) over the whole Inventory table: every SKU's aggregate equals the sum over its
 * locations, and no available is negative unless flagged. Run it once the stream has drained.
 *
 *   tsx bin/check-inventory.ts [--table <name>] [--endpoint <url>]
 * Defaults: INVENTORY_TABLE and AWS_ENDPOINT_URL_DYNAMODB from the environment; with neither, the
 * tables of the local runtime on 127.0.0.1:${PORT:-3000}.
 * Exits 1 when any invariant is violated.
 */
const SEGMENTS = 4;

export async function checkInventory(options: {
  tableName: string;
  endpoint?: string;
}): Promise<InvariantReport> {
  const client = DynamoDBDocumentClient.from(
    new DynamoDBClient(options.endpoint ? { endpoint: options.endpoint } : {}),
  );
  try {
    const items = (
      await Promise.all(
        Array.from({ length: SEGMENTS }, (_, segment) => scanSegment(client, options.tableName, segment)),
      )
    ).flat();
    const levels: StockLevel[] = [];
    const aggregates: InventoryAggregate[] = [];
    for (const item of items) {
      if (STOCK_ENTITY_TYPES.has(String(item.entityType))) levels.push(toStockLevel(item));
      else if (item.entityType === 'StockAggregate') aggregates.push(item as unknown as InventoryAggregate);
    }
    return checkInvariants(levels, aggregates);
  } finally {
    client.destroy();
  }
}

async function scanSegment(client: DynamoDBDocumentClient, tableName: string, segment: number) {
  const items: Record<string, unknown>[] = [];
  let cursor: Record<string, unknown> | undefined;
  do {
    const page = await client.send(
      new ScanCommand({
        TableName: tableName,
        Segment: segment,
        TotalSegments: SEGMENTS,
        ConsistentRead: true,
        ExclusiveStartKey: cursor,
      }),
    );
    items.push(...(page.Items ?? []));
    cursor = page.LastEvaluatedKey;
  } while (cursor);
  return items;
}

/**
 * Without a table named, the check asks the local runtime (`npm start`) where its tables are, so
 * that `npm run check:inventory` works on a laptop with no arguments.
 */
async function localRuntimeStorage(): Promise<{ tableName: string; endpoint: string }> {
  const url = `http://127.0.0.1:${process.env.PORT ?? DEFAULT_PORT}/_local/storage`;
  const response = await fetch(url).catch(() => undefined);
  const storage = (await response?.json()) as
    { dynamodbEndpoint?: string; tables?: Record<string, string> } | undefined;
  const tableName = storage?.tables?.[INVENTORY_TABLE.envVar];
  if (!tableName || !storage?.dynamodbEndpoint) {
    throw new Error(
      `No local runtime answered at ${url}: start it (npm start), or pass --table and --endpoint.`,
    );
  }
  process.env.AWS_REGION ??= LOCAL_REGION;
  process.env.AWS_ACCESS_KEY_ID ??= LOCAL_CREDENTIALS.accessKeyId;
  process.env.AWS_SECRET_ACCESS_KEY ??= LOCAL_CREDENTIALS.secretAccessKey;
  return { tableName, endpoint: storage.dynamodbEndpoint };
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { table: { type: 'string' }, endpoint: { type: 'string' } } });
  const named = values.table ?? process.env.INVENTORY_TABLE;
  const target = named
    ? { tableName: named, endpoint: values.endpoint ?? process.env.AWS_ENDPOINT_URL_DYNAMODB }
    : await localRuntimeStorage();
  const report = await checkInventory(target);
  console.log(
    `${report.skus} SKUs, ${report.stockItems} stock items, ${report.flaggedOversales.length} flagged oversales, ` +
      `${report.violations.length} violations`,
  );
  for (const violation of report.violations) console.log(JSON.stringify(violation));
  process.exitCode = report.violations.length > 0 ? 1 : 0;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().catch((error: unknown) => {
    console.error((error as Error).message);
    process.exitCode = 2;
  });
}
