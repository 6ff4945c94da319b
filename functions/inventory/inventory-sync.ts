import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { listLocations } from '../data/config-repository.js';
import { STOCK_ENTITY_TYPES } from '../data/inventory-repository.js';
import { getInventoryProducts, listChannelIds } from '../data/products-repository.js';
import { eventBridgeOnFirstUse, publishEvents } from '../shared/event-publisher.js';
import { withObservability } from '../shared/middleware.js';
import { syncSku, type SyncContext } from './sync-sku.js';

const eventBridge = eventBridgeOnFirstUse();

/**
 * inventory-sync, on the Inventory stream. Each stock record leads to a sync of its SKU; records
 * of other items (reservation markers, movements, aggregates, feed entries) are skipped. A SKU is
 * synced once per batch however many of its records the batch holds: the sync reads the table as
 * it is now, which already includes every record of the batch. A failed SKU fails its records
 * only (partial batch response), and Lambda delivers from the first of them again.
 */
export function createInventorySync(dependencies: Pick<SyncContext, 'publish' | 'now'>) {
  return async function inventorySync(event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> {
    const [locations, configuredChannelIds] = await Promise.all([listLocations(), listChannelIds()]);
    const context: SyncContext = {
      ...dependencies,
      locations,
      configuredChannelIds,
      product: async (sku) => (await getInventoryProducts([sku])).get(sku)!,
    };
    const syncs = new Map<string, Promise<void>>();
    return processPartialResponse(
      event,
      async (record: DynamoDBRecord) => {
        const sku = stockSkuOf(record);
        if (!sku) return;
        if (!syncs.has(sku)) syncs.set(sku, syncSku(sku, context));
        await syncs.get(sku);
      },
      new BatchProcessor(EventType.DynamoDBStreams),
      { throwOnFullBatchFailure: false },
    );
  };
}

function stockSkuOf(record: DynamoDBRecord): string | undefined {
  const image = record.dynamodb?.NewImage ?? record.dynamodb?.OldImage;
  if (!image) return undefined;
  const item = unmarshall(image as Record<string, AttributeValue>);
  return STOCK_ENTITY_TYPES.has(String(item.entityType)) ? String(item.sku) : undefined;
}

export const inventorySync = createInventorySync({
  publish: async (pending) => publishEvents(await eventBridge(), pending),
  now: () => new Date().toISOString(),
});

export const handler = withObservability(inventorySync);
