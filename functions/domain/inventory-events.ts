import * as z from 'zod';

/**
 * The inventory's events, declared like the order catalogue (events.ts): detail-type, version,
 * schema. All are published by inventory-sync from the Inventory stream, only when a SKU's
 * derived counts changed. `eventId` is `<sku>:a<aggregate version>` (plus what tells events of
 * one change apart), so a delivery repeated after a failed write carries the same id.
 */
const EventId = z.string().meta({ description: 'Deduplication key: <sku>:a<aggregate version>[:...].' });
const Counts = z.object({
  onHand: z.number().int(),
  reserved: z.number().int(),
  available: z.number().int(),
  inTransit: z.number().int(),
  availableToPromise: z.number().int(),
});

export const InventoryLevelChangedV1 = z
  .object({
    version: z.literal('1'),
    eventId: EventId,
    sku: z.string(),
    ...Counts.shape,
    channels: z.record(z.string(), z.number().int()),
    previous: Counts.extend({ channels: z.record(z.string(), z.number().int()) }).optional(),
    changedAt: z.string(),
  })
  .meta({
    description: 'detail of InventoryLevelChanged, version 1: network and per-channel counts of a SKU.',
  });
export type InventoryLevelChangedV1 = z.infer<typeof InventoryLevelChangedV1>;

export const StockThresholdV1 = z
  .object({
    version: z.literal('1'),
    eventId: EventId,
    sku: z.string(),
    availableToPromise: z.number().int(),
    reorderPoint: z.number().int(),
    changedAt: z.string(),
  })
  .meta({ description: 'detail of LowStock, OutOfStock and BackInStock, version 1.' });
export type StockThresholdV1 = z.infer<typeof StockThresholdV1>;

export const BackorderRetryV1 = z
  .object({
    version: z.literal('1'),
    eventId: EventId,
    orderId: z.string(),
    sku: z.string(),
    availableToPromise: z.number().int(),
  })
  .meta({
    description:
      'detail of BackorderRetry, version 1: a backordered or partially routed order may be routable now (its unplaced lines).',
  });
export type BackorderRetryV1 = z.infer<typeof BackorderRetryV1>;

export const ReplenishmentLine = z.object({
  sku: z.string(),
  quantity: z.number().int(),
  availableToPromise: z.number().int(),
  reorderPoint: z.number().int(),
  locations: z.array(
    z.object({ locationId: z.string(), available: z.number().int(), quantity: z.number().int() }),
  ),
});
export type ReplenishmentLine = z.infer<typeof ReplenishmentLine>;

export const ReplenishmentSuggestedV1 = z
  .object({
    version: z.literal('1'),
    eventId: EventId,
    vendorId: z.string(),
    ...ReplenishmentLine.shape,
    suggestedAt: z.string(),
  })
  .meta({ description: 'detail of ReplenishmentSuggested, version 1: a purchase-order line for a vendor.' });
export type ReplenishmentSuggestedV1 = z.infer<typeof ReplenishmentSuggestedV1>;

export const INVENTORY_EVENT_CATALOGUE = [
  { detailType: 'InventoryLevelChanged', version: '1', schema: InventoryLevelChangedV1 },
  { detailType: 'LowStock', version: '1', schema: StockThresholdV1 },
  { detailType: 'OutOfStock', version: '1', schema: StockThresholdV1 },
  { detailType: 'BackInStock', version: '1', schema: StockThresholdV1 },
  { detailType: 'BackorderRetry', version: '1', schema: BackorderRetryV1 },
  { detailType: 'ReplenishmentSuggested', version: '1', schema: ReplenishmentSuggestedV1 },
] as const;
