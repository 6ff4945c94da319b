import * as z from 'zod';
import {
  CurrencyCode,
  Customer,
  MAX_AMOUNT,
  MAX_LINE_QUANTITY,
  MAX_LINES,
  MinorUnits,
  Sku,
} from '../order.js';
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

/** The receipt's order is `<locationId>:<receiptId>` at its channel, an id of at most 128 characters. */
const MAX_RECEIPT_ID = 63;

const PosSaleLine = z.strictObject({
  saleId: Id,
  sku: Id,
  quantity: Quantity,
  occurredAt: z.iso.datetime({ offset: true }),
  /** The till receipt the sale was rung up on: the receipt's sales become one order. */
  receiptId: identifier(MAX_RECEIPT_ID).optional(),
  unitPrice: MinorUnits.optional().meta({ description: 'Price of one unit; required with receiptId.' }),
  discount: MinorUnits.optional().meta({ description: 'Total discount on this sale.' }),
  tax: MinorUnits.optional().meta({ description: 'Total tax on this sale.' }),
});

/** What the till knows of a receipt beyond its sales: the currency paid in and the customer it captured. */
export const PosReceipt = z.strictObject({
  receiptId: identifier(MAX_RECEIPT_ID),
  currency: CurrencyCode,
  customer: Customer.optional().meta({
    description: 'The customer the till captured (loyalty lookup): email and/or phone, name, loyalty id.',
  }),
  taxesIncluded: z.boolean().default(false).meta({ description: 'Whether unit prices already include tax.' }),
  orderDiscount: MinorUnits.default(0).meta({
    description: 'Discount on the receipt not allocated to a sale.',
  }),
});

/**
 * A POS upload: sales made while the register may have been offline, each with its own id.
 * Sales that name a receipt (`receiptId`, described in `receipts`) also become one order of the
 * POS channel `channelId` per receipt (functions/domain/inventory/counter-sale.ts); sales without
 * one are stock movements only.
 */
export const PosSaleBatch = z
  .strictObject({
    who: identifier(200),
    channelId: z
      .string()
      .max(64)
      .regex(/^[a-z0-9][a-z0-9-]*$/, 'must be a channel id: lower-case letters, digits and dashes')
      .optional()
      .meta({ description: "The POS channel the receipts' orders belong to; required with receipts." }),
    receipts: z.array(PosReceipt).max(MAX_LINES).optional(),
    sales: z.array(PosSaleLine).min(1).max(500),
  })
  .superRefine((batch, ctx) => {
    const issue = (path: (string | number)[], message: string) =>
      ctx.addIssue({ code: 'custom', path, message });
    const receipts = new Map<string, number>();
    (batch.receipts ?? []).forEach((receipt, index) => {
      if (receipts.has(receipt.receiptId))
        issue(['receipts', index, 'receiptId'], 'must be unique in the batch');
      receipts.set(receipt.receiptId, 0);
    });
    if (batch.receipts?.length && batch.channelId === undefined)
      issue(['channelId'], 'is required when the batch has receipts');
    const saleIds = new Map<string, number>();
    for (const { saleId } of batch.sales) saleIds.set(saleId, (saleIds.get(saleId) ?? 0) + 1);
    batch.sales.forEach((sale, index) => {
      const at = (field: string) => ['sales', index, field];
      if (sale.receiptId === undefined) {
        for (const field of ['unitPrice', 'discount', 'tax'] as const)
          if (sale[field] !== undefined)
            issue(at(field), 'is only taken for a sale of a receipt (receiptId)');
        return;
      }
      const count = receipts.get(sale.receiptId);
      if (count === undefined) return issue(at('receiptId'), 'must name a receipt of the batch (receipts)');
      receipts.set(sale.receiptId, count + 1);
      // A receipt's sales are its order's lines: bounded as order lines are (functions/domain/order.ts).
      if ((saleIds.get(sale.saleId) ?? 0) > 1)
        issue(at('saleId'), 'must be unique in the batch for a sale of a receipt');
      if (sale.saleId.length > 64)
        issue(at('saleId'), 'must be at most 64 characters for a sale of a receipt');
      const sku = Sku.safeParse(sale.sku);
      if (!sku.success) issue(at('sku'), `${sku.error.issues[0]?.message} for a sale of a receipt`);
      if (sale.quantity > MAX_LINE_QUANTITY)
        issue(at('quantity'), `must be at most ${MAX_LINE_QUANTITY} for a sale of a receipt`);
      if (sale.unitPrice === undefined) return issue(at('unitPrice'), 'is required for a sale of a receipt');
      if (sale.unitPrice * sale.quantity > MAX_AMOUNT)
        issue(at('unitPrice'), `unitPrice × quantity must be at most ${MAX_AMOUNT} minor units`);
      if ((sale.discount ?? 0) > sale.unitPrice * sale.quantity)
        issue(at('discount'), 'must not exceed unitPrice × quantity');
    });
    (batch.receipts ?? []).forEach((receipt, index) => {
      if (receipts.get(receipt.receiptId) === 0) issue(['receipts', index], 'has no sale (no sale names it)');
    });
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
