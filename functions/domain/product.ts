import * as z from 'zod';
import { InventoryProduct } from './inventory/product.js';
import { Product as RoutingProduct } from './routing/model.js';
import { text } from './text.js';

/**
 * A product as an admin configures it (`PUT /v1/products/{sku}`): one record that the inventory
 * (reorder point, vendor, hot-SKU shards, channel buffers) and the router (drop-ship vendor,
 * pre-order release date) each read their part of. Validated by the same schemas they read with,
 * so what is accepted here is what they can use.
 */
export const ProductInput = z
  .strictObject({
    name: text(200).optional(),
    ...InventoryProduct.omit({ sku: true }).shape,
    ...RoutingProduct.shape,
  })
  .meta({ description: 'A product: what the inventory and the router need to know about a SKU.' });
export type ProductInput = z.input<typeof ProductInput>;

export const ProductRecord = ProductInput.extend({ sku: InventoryProduct.shape.sku });
export type ProductRecord = z.output<typeof ProductRecord>;
