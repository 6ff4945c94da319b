import * as z from 'zod';

/**
 * What the inventory needs to know about a product (`PRODUCT / <sku>` in the Config table; the
 * same record carries routing attributes, which are left alone here).
 */
export const InventoryProduct = z.object({
  sku: z.string().min(1).max(128),
  /** Network units available to promise below which the SKU is low on stock and reordered. */
  reorderPoint: z.int().min(0).default(0),
  /** Units to order when the reorder point is crossed; defaults to the reorder point. */
  reorderQuantity: z.int().positive().optional(),
  vendorId: z.string().min(1).max(64).optional(),
  /** A SKU expected to sell faster than one item can take writes (a flash sale): stock is sharded. */
  hot: z.boolean().default(false),
  /** Shard items per (sku, location) when hot. */
  shards: z.int().min(1).max(100).default(1),
  /** Units held back from a channel (e.g. a marketplace that cancels on stock-outs). */
  channelBuffers: z.record(z.string(), z.int().min(0)).default({}),
});
export type InventoryProduct = z.output<typeof InventoryProduct>;
export type InventoryProductInput = z.input<typeof InventoryProduct>;

/** A SKU nobody configured: no reorder point, no buffers, not hot. */
export function defaultProduct(sku: string): InventoryProduct {
  return InventoryProduct.parse({ sku });
}
