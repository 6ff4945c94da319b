import * as z from 'zod';
import type { Actor } from '../access.js';
import { Address } from '../order.js';
import type { RefundLine, RefundRecord } from '../refunds/allocation.js';
import { identifier, text } from '../text.js';

/**
 * What customer service does to an order after the sale, as request schemas (the API contract,
 * rendered into the OpenAPI document) and as the records the OMS keeps of it. Every record names
 * who made the change (`by`: the token's actor, the channel, or the system) and why.
 */
const LineId = identifier(64);
const Units = z.int('must be a whole number').min(1, 'must be at least 1').max(100_000);
const Reason = text(500).min(1, 'is required');
const Instant = z.iso.datetime({ offset: true, error: 'must be an ISO 8601 date-time with a time zone' });

/** Each line at most once: two entries for one line are a mistake, never a sum. */
function uniqueLines(lines: { lineId: string }[], ctx: z.RefinementCtx): void {
  const seen = new Set<string>();
  lines.forEach((line, index) => {
    if (seen.has(line.lineId))
      ctx.addIssue({ code: 'custom', path: [index, 'lineId'], message: 'lists a line twice' });
    seen.add(line.lineId);
  });
}

const linesOf = <Shape extends z.ZodRawShape>(shape: Shape) =>
  z
    .array(z.strictObject({ lineId: LineId, quantity: Units, ...shape }))
    .min(1, 'needs at least one line')
    .max(500)
    .superRefine((lines, ctx) => uniqueLines(lines as { lineId: string }[], ctx));

export const CancelOrderBody = z
  .strictObject({
    reason: Reason,
    lines: linesOf({})
      .optional()
      .meta({ description: 'Only these units; absent: every unit not canceled yet.' }),
  })
  .meta({ description: 'Cancel the whole order or some of its units.' });
export type CancelOrderBody = z.output<typeof CancelOrderBody>;

export const ShippingAddressBody = z
  .strictObject({
    address: Address,
    reason: Reason.optional(),
  })
  .meta({ description: 'The new shipping address; the work not started is re-routed when it moves.' });
export type ShippingAddressBody = z.output<typeof ShippingAddressBody>;

export const RETURN_CONDITIONS = ['resellable', 'damaged'] as const;
export type ReturnCondition = (typeof RETURN_CONDITIONS)[number];

export const CreateReturnBody = z
  .strictObject({
    orderId: identifier(128),
    lines: linesOf({ reason: Reason }),
    initiatedAt: Instant.optional().meta({
      description: 'When the customer asked (a store that was offline); defaults to now.',
    }),
    override: z
      .strictObject({ reason: Reason })
      .optional()
      .meta({ description: "Past the channel's return window: customer service or admin only." }),
    replacements: z
      .array(
        z.strictObject({
          sku: z
            .string()
            .min(1)
            .max(64)
            .regex(/^[A-Za-z0-9][A-Za-z0-9._\-/]*$/, 'must be letters, digits and . _ - / only'),
          quantity: Units,
        }),
      )
      .min(1)
      .max(100)
      .optional()
      .meta({ description: 'An exchange: these become a linked new order once the goods are back.' }),
  })
  .meta({ description: 'A return authorization for delivered or picked-up units.' });
export type CreateReturnBody = z.output<typeof CreateReturnBody>;

export const ReceiveReturnBody = z
  .strictObject({
    locationId: identifier(128),
    lines: linesOf({ condition: z.enum(RETURN_CONDITIONS) }),
  })
  .meta({
    description: 'Returned units received at any location: resellable ones restocked, damaged written off.',
  });
export type ReceiveReturnBody = z.output<typeof ReceiveReturnBody>;

/** Who made a change: a person or machine client (from the token), a channel, or the OMS itself. */
export type ChangedBy =
  | ({ type: 'user' } & Actor)
  | { type: 'channel'; channelId: string; deliveryId?: string }
  | { type: 'system'; component: string };

export const byActor = (actor: Actor): ChangedBy => ({ type: 'user', ...actor });

export interface UnitsOfLine {
  lineId: string;
  sku: string;
  quantity: number;
}

export const REFUND_CAUSES = ['cancellation', 'return'] as const;
export type RefundCause = (typeof REFUND_CAUSES)[number];

/** A refund the OMS recorded: what is owed back, which the channel pays out. */
export interface StoredRefund extends RefundRecord {
  refundId: string;
  orderId: string;
  channelId: string;
  externalId: string;
  cause: RefundCause;
  /** The cancellation or return it belongs to. */
  sourceId: string;
  lines: (RefundLine & { sku: string })[];
  recordedAt: string;
  by: ChangedBy;
}

export interface Cancellation {
  cancellationId: string;
  orderId: string;
  channelId: string;
  externalId: string;
  reason: string;
  /** Units canceled now (not routed yet, or at locations that had not started). */
  canceled: UnitsOfLine[];
  /** Units at locations that had started: each gets a cancel request it accepts or refuses. */
  requested: (UnitsOfLine & { fulfillmentOrderId: string })[];
  /** The whole order is canceled (every unit of it). */
  wholeOrder: boolean;
  /** A location's answer to a cancel request: it accepted, and these are the units it released. */
  accepted?: { fulfillmentOrderId: string; locationId: string; requestedAt: string };
  refundId?: string;
  previousStatus: string;
  orderVersion: number;
  canceledAt: string;
  by: ChangedBy;
}

export interface AddressChange {
  changeId: string;
  orderId: string;
  channelId: string;
  externalId: string;
  previous?: z.output<typeof Address>;
  address: z.output<typeof Address>;
  reason?: string;
  /** Unstarted fulfillment orders given back to the router because the best location moved. */
  rerouted: { fulfillmentOrderId: string; locationId: string }[];
  changedAt: string;
  by: ChangedBy;
}

export const RETURN_STATUSES = ['AUTHORIZED', 'PARTIALLY_RECEIVED', 'RECEIVED'] as const;
export type ReturnStatus = (typeof RETURN_STATUSES)[number];

export interface ReturnReceipt {
  receiptId: string;
  locationId: string;
  lines: { lineId: string; sku: string; quantity: number; condition: ReturnCondition; movementId?: string }[];
  refundId?: string;
  receivedAt: string;
  by: ChangedBy;
}

export interface ReturnAuthorization {
  returnId: string;
  orderId: string;
  channelId: string;
  externalId: string;
  status: ReturnStatus;
  lines: (UnitsOfLine & { reason: string; received: number })[];
  initiatedAt: string;
  override?: { reason: string };
  replacements?: { sku: string; quantity: number }[];
  /** The linked new order of an exchange, once created. */
  exchangeOrderId?: string;
  receipts: ReturnReceipt[];
  version: number;
  authorizedAt: string;
  updatedAt: string;
  by: ChangedBy;
}
