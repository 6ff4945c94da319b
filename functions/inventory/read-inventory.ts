import { computeAggregate, knownChannelIds } from '../domain/inventory/aggregate.js';
import { NotFoundError } from '../domain/errors.js';
import type { StockLevel } from '../domain/stock.js';
import { listLocations } from '../data/config-repository.js';
import { getStockItems, sumShards } from '../data/inventory-repository.js';
import { getInventoryProduct, listChannelIds } from '../data/products-repository.js';

export interface SkuInventory {
  sku: string;
  locations: StockLevel[];
  network: {
    onHand: number;
    reserved: number;
    available: number;
    inTransit: number;
    availableToPromise: number;
  };
  channels: Record<string, number>;
  reorderPoint: number;
  lowStock: boolean;
}

/**
 * A SKU's stock everywhere: per location, and the network and channel figures computed from the
 * same read with the same function inventory-sync uses, so the answer is current, not the last
 * synced state.
 */
export async function readSkuInventory(sku: string): Promise<SkuInventory> {
  const product = await getInventoryProduct(sku);
  const [items, locations, configuredChannelIds] = await Promise.all([
    getStockItems(sku, product.hot ? product.shards : 1),
    listLocations(),
    listChannelIds(),
  ]);
  if (items.length === 0) throw new NotFoundError(`There is no stock of SKU "${sku}" anywhere.`);
  const aggregate = computeAggregate({
    sku,
    levels: items,
    locations,
    channelIds: knownChannelIds(configuredChannelIds, locations),
    reorderPoint: product.reorderPoint,
    channelBuffers: product.channelBuffers,
  });
  const { onHand, reserved, available, inTransit, availableToPromise } = aggregate;
  return {
    sku,
    locations: sumShards(items).sort((a, b) => a.locationId.localeCompare(b.locationId)),
    network: { onHand, reserved, available, inTransit, availableToPromise },
    channels: aggregate.channels,
    reorderPoint: product.reorderPoint,
    lowStock: aggregate.lowStock,
  };
}
