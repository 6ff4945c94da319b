import * as z from 'zod';
import { identifier, text } from '../text.js';

/**
 * Stock movements: every change of on-hand stock is one of these, sent with a caller-chosen
 * `movementId` that makes a retry harmless, and kept as a record with who, when and why.
 * Reservations are not movements: the router takes and gives them back (routing-repository).
 */
const Id = identifier(128).regex(
  /^[A-Za-z0-9][A-Za-z0-9_.:#-]*$/,
  'must be letters, digits and _ . : # - only',
);
const Quantity = z.int().positive().max(1_000_000);

const MovementBase = z.strictObject({
  movementId: Id,
  /** Who recorded it: a user, a device or a system. */
  who: identifier(200),
  /** When it happened (a POS that was offline sends its original times); defaults to when recorded. */
  occurredAt: z.iso.datetime({ offset: true }).optional(),
  note: text(1000).optional(),
});

export const ADJUSTMENT_REASONS = ['damage', 'loss', 'correction', 'found'] as const;

export const Receipt = MovementBase.extend({
  type: z.literal('receipt'),
  sku: Id,
  locationId: Id,
  quantity: Quantity,
  /** Purchase order or delivery note the goods came with. */
  reference: text(200).optional(),
});

export const Adjustment = MovementBase.extend({
  type: z.literal('adjustment'),
  sku: Id,
  locationId: Id,
  reason: z.enum(ADJUSTMENT_REASONS),
  /** Signed change of on-hand units. */
  quantityDelta: z
    .int()
    .min(-1_000_000)
    .max(1_000_000)
    .refine((delta) => delta !== 0, 'must not be zero'),
}).refine((adjustment) => !['damage', 'loss'].includes(adjustment.reason) || adjustment.quantityDelta < 0, {
  message: 'must be negative for damage and loss',
  path: ['quantityDelta'],
});

export const CycleCount = MovementBase.extend({
  type: z.literal('cycle_count'),
  sku: Id,
  locationId: Id,
  /** The absolute count; the variance against the system's on-hand is recorded. */
  countedQuantity: z.int().min(0).max(1_000_000),
});

export const TransferShipment = MovementBase.extend({
  type: z.literal('transfer_shipment'),
  transferId: Id,
  sku: Id,
  fromLocationId: Id,
  toLocationId: Id,
  quantity: Quantity,
}).refine((transfer) => transfer.fromLocationId !== transfer.toLocationId, {
  message: 'must differ from fromLocationId',
  path: ['toLocationId'],
});

export const TransferReceipt = MovementBase.extend({
  type: z.literal('transfer_receipt'),
  transferId: Id,
  /** Units that arrived; the difference to what was shipped is recorded as the discrepancy. */
  receivedQuantity: z.int().min(0).max(1_000_000),
});

export const PosSale = MovementBase.extend({
  type: z.literal('pos_sale'),
  sku: Id,
  locationId: Id,
  quantity: Quantity,
  occurredAt: z.iso.datetime({ offset: true }),
});

export const SafetyStockChange = MovementBase.extend({
  type: z.literal('safety_stock'),
  sku: Id,
  locationId: Id,
  safetyStock: z.int().min(0).max(1_000_000),
});

export const Movement = z.discriminatedUnion('type', [
  Receipt,
  Adjustment,
  CycleCount,
  TransferShipment,
  TransferReceipt,
  PosSale,
  SafetyStockChange,
]);
export type Movement = z.output<typeof Movement>;
export type MovementType = Movement['type'];

/** A POS upload: sales made while the register may have been offline, each with its own id. */
export const PosSaleBatch = z.strictObject({
  who: identifier(200),
  sales: z
    .array(
      z.strictObject({
        saleId: Id,
        sku: Id,
        quantity: Quantity,
        occurredAt: z.iso.datetime({ offset: true }),
      }),
    )
    .min(1)
    .max(500),
});
export type PosSaleBatch = z.output<typeof PosSaleBatch>;

/** Sale ids are unique per location, movement ids globally: the location namespaces them. */
export function posSaleMovements(
  locationId: string,
  batch: PosSaleBatch,
): { saleId: string; movement: z.output<typeof PosSale> }[] {
  return [...batch.sales]
    .sort((a, b) => Date.parse(a.occurredAt) - Date.parse(b.occurredAt))
    .map((sale) => ({
      saleId: sale.saleId,
      movement: {
        type: 'pos_sale',
        movementId: `pos:${locationId}:${sale.saleId}`,
        who: batch.who,
        sku: sale.sku,
        locationId,
        quantity: sale.quantity,
        occurredAt: sale.occurredAt,
      },
    }));
}

/** The (sku, location) pairs whose stock a movement changes, known before anything is read. */
export function locationsTouched(movement: Movement): string[] {
  switch (movement.type) {
    case 'transfer_shipment':
      return [movement.fromLocationId, movement.toLocationId];
    case 'transfer_receipt':
      return [];
    default:
      return [movement.locationId];
  }
}
