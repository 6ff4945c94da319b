import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { Presets, SingleBar } from 'cli-progress';
import type { Command } from 'commander';
import type { InventoryAggregate } from '../../functions/domain/inventory/aggregate.js';
import { checkInvariants, type InvariantReport } from '../../functions/domain/inventory/invariants.js';
import type { StockLevel } from '../../functions/domain/stock.js';
import { STOCK_ENTITY_TYPES, toStockLevel } from '../../functions/data/inventory-repository.js';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../lib/local/dynamodb-local.js';
import { INVENTORY_TABLE } from '../../lib/tables.js';
import { callLocal, stackOutput, targetOf, type TargetOptions } from './target.js';

/**
 * `oms inventory check` (also `npm run check:inventory`): the inventory invariants
 * (functions/domain/inventory/invariants.ts) over the whole Inventory table: every SKU's
 * aggregate equals the sum over its locations, and no available is negative unless flagged.
 * Run it once the stream has drained. The table is the local runtime's, the stack's
 * `InventoryTableName` output with --aws, or the one named by --table (or INVENTORY_TABLE) at
 * --endpoint (or AWS_ENDPOINT_URL_DYNAMODB). Exits 1 when any invariant is violated.
 */
const SEGMENTS = 4;

export interface InventoryTable {
  tableName: string;
  endpoint?: string;
}

export async function checkInventory(
  options: InventoryTable & { onProgress?: (scanned: number, approximateTotal: number) => void },
): Promise<InvariantReport> {
  const client = DynamoDBDocumentClient.from(
    new DynamoDBClient(options.endpoint ? { endpoint: options.endpoint } : {}),
  );
  try {
    let scanned = 0;
    let total = 0;
    if (options.onProgress) {
      const { Table } = await client.send(new DescribeTableCommand({ TableName: options.tableName }));
      total = Table?.ItemCount ?? 0;
    }
    const onPage = (count: number) => {
      scanned += count;
      options.onProgress?.(scanned, Math.max(total, scanned));
    };
    const items = (
      await Promise.all(
        Array.from({ length: SEGMENTS }, (_, segment) =>
          scanSegment(client, options.tableName, segment, onPage),
        ),
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

async function scanSegment(
  client: DynamoDBDocumentClient,
  tableName: string,
  segment: number,
  onPage: (count: number) => void,
) {
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
    onPage(page.Items?.length ?? 0);
    cursor = page.LastEvaluatedKey;
  } while (cursor);
  return items;
}

/** The Inventory table the command checks (see the module comment). */
export async function inventoryTableOf(
  options: TargetOptions & { table?: string; endpoint?: string },
): Promise<InventoryTable> {
  const named = options.table ?? process.env.INVENTORY_TABLE;
  if (named) {
    const endpoint = options.endpoint ?? process.env.AWS_ENDPOINT_URL_DYNAMODB;
    return { tableName: named, ...(endpoint && { endpoint }) };
  }
  const target = targetOf(options);
  if (target.kind === 'aws') return { tableName: await stackOutput(target, 'InventoryTableName') };
  const storage = await callLocal<{ dynamodbEndpoint?: string; tables?: Record<string, string> }>(
    target,
    '/_local/storage',
  ).catch(() => undefined);
  const tableName = storage?.tables?.[INVENTORY_TABLE.envVar];
  if (!tableName || !storage?.dynamodbEndpoint) {
    throw new Error(
      `No local runtime answered at ${target.url}: start it (npm start), or pass --table and --endpoint.`,
    );
  }
  // DynamoDB Local takes any credentials, but the SDK wants some.
  process.env.AWS_REGION ??= LOCAL_REGION;
  process.env.AWS_ACCESS_KEY_ID ??= LOCAL_CREDENTIALS.accessKeyId;
  process.env.AWS_SECRET_ACCESS_KEY ??= LOCAL_CREDENTIALS.secretAccessKey;
  return { tableName, endpoint: storage.dynamodbEndpoint };
}

export interface InventoryCheckSummary {
  skus: number;
  stockItems: number;
  flaggedOversales: number;
  violations: InvariantReport['violations'];
}

export function addInventoryCommands(program: Command, print: (result: unknown) => void): void {
  const inventory = program.command('inventory').description('the Inventory table');
  inventory
    .command('check')
    .description(
      "check every SKU's aggregate against its locations and that no available is negative unless flagged; exits 1 on a violation",
    )
    .option(
      '--table <name>',
      'the Inventory table (or INVENTORY_TABLE); default: the local runtime or the stack output',
    )
    .option('--endpoint <url>', 'with --table: a DynamoDB endpoint (or AWS_ENDPOINT_URL_DYNAMODB)')
    .option('--no-progress', 'no progress bar')
    .action(async (options: { table?: string; endpoint?: string; progress: boolean }) => {
      const table = await inventoryTableOf({ ...program.opts<TargetOptions>(), ...options });
      const bar = new SingleBar(
        { format: 'Inventory [{bar}] {value}/{total} items', stream: process.stderr },
        Presets.shades_classic,
      );
      let started = false;
      const report = await checkInventory({
        ...table,
        ...(options.progress && {
          onProgress: (scanned: number, total: number) => {
            if (!started) bar.start(total, 0);
            started = true;
            bar.setTotal(total);
            bar.update(scanned);
          },
        }),
      }).finally(() => bar.stop());
      const summary: InventoryCheckSummary = {
        skus: report.skus,
        stockItems: report.stockItems,
        flaggedOversales: report.flaggedOversales.length,
        violations: report.violations,
      };
      print(summary);
      process.exitCode = report.violations.length > 0 ? 1 : 0;
    });
}
