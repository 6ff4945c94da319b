import * as z from 'zod';
import { isCurrencyCode } from './money.js';
import { CountryCode } from './country.js';
import { decimal, identifier, text } from './text.js';

/**
 * The canonical order: what every channel adapter produces and what the rest of the system
 * reads. This schema is the single source for the TypeScript types, for request validation and
 * for the OpenAPI document (functions/api/openapi.ts renders it with z.toJSONSchema).
 */

export { CountryCode, isCountryCode } from './country.js';

/**
 * Bounds that keep every sum the OMS computes exact. An order has at most MAX_LINES lines, and
 * every amount on it (a line's unitPrice × quantity, discount, tax, each tax or discount line,
 * the shipping, its tax, the order discount) is at most MAX_AMOUNT, so the largest figure the
 * OMS derives, a total of (2 × 500 + 3) × 10^11 ≈ 10^14, and even the sum of the 90 orders
 * merging could put into one decision, stay far below Number.MAX_SAFE_INTEGER (≈ 9 × 10^15).
 * 10^11 minor units are a billion euros or dollars on one line.
 */
export const MAX_LINES = 500;
export const MAX_AMOUNT = 100_000_000_000;
/** The most units one order line holds. */
export const MAX_LINE_QUANTITY = 100_000;
/** Stated totals and order-value bounds: above any total an accepted order can add up to. */
export const MAX_ORDER_TOTAL = 200_000_000_000_000;

/** Integer count of the currency's minor units (cents, yen, fils). Never a float. */
export const MinorUnits = z
  .int('must be an integer number of minor units (e.g. cents), not a decimal')
  .nonnegative('must not be negative')
  .max(MAX_AMOUNT, `must be at most ${MAX_AMOUNT} minor units`)
  .meta({ description: 'Integer amount in the minor units of the order currency (1999 EUR = 19.99 €).' });

const StatedAmount = z
  .int('must be an integer number of minor units (e.g. cents), not a decimal')
  .nonnegative('must not be negative')
  .max(MAX_ORDER_TOTAL, `must be at most ${MAX_ORDER_TOTAL} minor units`);

export const CurrencyCode = z
  .string()
  .refine(isCurrencyCode, 'must be an ISO 4217 currency code such as EUR, USD or JPY')
  .meta({ description: 'ISO 4217 alphabetic code.', example: 'EUR' });

export const Address = z
  .strictObject({
    name: text(200).min(1).optional(),
    company: text(200).optional(),
    line1: text(200).min(1, 'is required'),
    line2: text(200).optional(),
    city: text(100).min(1, 'is required'),
    region: text(100).optional().meta({ description: 'State, province or county.' }),
    postalCode: text(20).optional(),
    country: CountryCode,
    phone: text(40).optional(),
    lat: decimal().min(-90).max(90).optional(),
    lon: decimal().min(-180).max(180).optional(),
  })
  .refine((address) => (address.lat === undefined) === (address.lon === undefined), {
    message: 'lat and lon must be given together',
    path: ['lat'],
  });

export const Customer = z.strictObject({
  id: identifier(128).optional().meta({ description: "The channel's own customer id." }),
  email: z.email('must be an email address').max(254).optional(),
  name: text(200).optional(),
  phone: text(40).optional(),
});

export const Fulfillment = z.discriminatedUnion(
  'type',
  [
    z.strictObject({
      type: z.literal('ship'),
      method: text(100).optional().meta({ example: 'standard' }),
      carrier: text(100).optional(),
    }),
    z.strictObject({
      type: z.literal('pickup'),
      locationId: identifier(64).meta({ description: 'The store the customer collects from.' }),
    }),
    z.strictObject({
      type: z.literal('ship_to_store'),
      locationId: identifier(64).meta({ description: 'The store the parcel is shipped to.' }),
      method: text(100).optional(),
    }),
  ],
  { error: 'type must be one of ship, pickup, ship_to_store' },
);

export const TaxLine = z.strictObject({
  name: text(100),
  rate: decimal().min(0).max(1).optional().meta({ description: 'Fraction, 0.23 for 23 %.' }),
  amount: MinorUnits,
});

export const DiscountLine = z.strictObject({
  code: text(100).optional(),
  amount: MinorUnits,
});

export const Sku = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._\-/]*$/, 'must be letters, digits and . _ - / only');

export const OrderLine = z
  .strictObject({
    lineId: identifier(64),
    sku: Sku,
    name: text(300).optional(),
    quantity: z.int('must be a whole number').min(1, 'must be at least 1').max(MAX_LINE_QUANTITY),
    unitPrice: MinorUnits,
    discount: MinorUnits.default(0).meta({ description: 'Total discount on this line.' }),
    tax: MinorUnits.default(0).meta({ description: 'Total tax on this line.' }),
    taxLines: z.array(TaxLine).max(20).optional(),
    discounts: z.array(DiscountLine).max(20).optional(),
    attributes: z
      .record(identifier(64), text(200))
      .refine((attributes) => Object.keys(attributes).length <= 50, 'must hold at most 50 attributes')
      .optional(),
  })
  .refine((line) => line.unitPrice * line.quantity <= MAX_AMOUNT, {
    message: `unitPrice × quantity must be at most ${MAX_AMOUNT} minor units`,
    path: ['unitPrice'],
  })
  .refine((line) => line.discount <= line.unitPrice * line.quantity, {
    message: 'discount must not exceed unitPrice × quantity',
    path: ['discount'],
  });

export const StatedTotals = z.strictObject({
  subtotal: StatedAmount,
  discount: StatedAmount,
  tax: StatedAmount,
  shipping: StatedAmount,
  total: StatedAmount,
});

export const CanonicalOrder = z
  .strictObject({
    externalId: identifier(128).meta({ description: "The channel's id for the order; unique per channel." }),
    channelOrderNumber: text(64).optional().meta({ example: '#1001' }),
    placedAt: z.iso.datetime({ offset: true, error: 'must be an ISO 8601 date-time with a time zone' }),
    currency: CurrencyCode,
    customer: Customer.optional(),
    shippingAddress: Address.optional(),
    billingAddress: Address.optional(),
    fulfillment: Fulfillment,
    lines: z
      .array(OrderLine)
      .min(1, 'an order needs at least one line')
      .max(MAX_LINES, `an order has at most ${MAX_LINES} lines`),
    shippingPrice: MinorUnits.default(0),
    shippingTax: MinorUnits.default(0),
    orderDiscount: MinorUnits.default(0).meta({
      description: 'Discount not allocated to any line (lines carry their own).',
    }),
    taxesIncluded: z
      .boolean()
      .default(false)
      .meta({ description: 'Whether unit prices already include tax.' }),
    totals: StatedTotals.optional().meta({
      description: 'Totals as the channel stated them; reconciled against the lines, a mismatch is flagged.',
    }),
    tags: z.array(identifier(64)).max(50).default([]),
    note: text(2000).optional(),
  })
  .superRefine((order, ctx) => {
    const seen = new Set<string>();
    order.lines.forEach((line, index) => {
      if (seen.has(line.lineId)) {
        ctx.addIssue({ code: 'custom', path: ['lines', index, 'lineId'], message: 'lineId must be unique' });
      }
      seen.add(line.lineId);
    });
    if (order.fulfillment.type === 'ship' && !order.shippingAddress) {
      ctx.addIssue({
        code: 'custom',
        path: ['shippingAddress'],
        message: 'is required when fulfillment.type is ship',
      });
    }
  })
  .meta({ description: 'An order in the OMS canonical format.' });

export type CanonicalOrder = z.output<typeof CanonicalOrder>;
export type CanonicalOrderInput = z.input<typeof CanonicalOrder>;
export type OrderLine = z.output<typeof OrderLine>;
export type Address = z.output<typeof Address>;
export type StatedTotals = z.output<typeof StatedTotals>;

export const ORDER_STATUSES = [
  'RECEIVED',
  'ROUTED',
  'PARTIALLY_ROUTED',
  'BACKORDERED',
  'PARKED',
  'PARTIALLY_FULFILLED',
  'FULFILLED',
  'CANCELED',
  // Derived from the fulfillment orders once a location works on them
  // (functions/domain/fulfillment/order-status.ts), written with each fulfillment action.
  'IN_FULFILLMENT',
  'PARTIALLY_SHIPPED',
  'SHIPPED',
  'READY_FOR_PICKUP',
  'DELIVERED',
  'COMPLETED',
] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

export interface Reconciliation {
  status: 'matched' | 'mismatch' | 'not_stated';
  computed: StatedTotals;
  differences: { field: keyof StatedTotals; stated: number; computed: number }[];
}

/** An order as the OMS keeps it: the canonical order plus what the OMS knows about it. */
export interface Order extends CanonicalOrder {
  orderId: string;
  channelId: string;
  status: OrderStatus;
  receivedAt: string;
  updatedAt: string;
  /** Optimistic-locking counter; every state change increments it. */
  version: number;
  /** SHA-256 of the canonical payload, to tell a retry from a conflicting re-use of an externalId. */
  payloadHash: string;
  reconciliation: Reconciliation;
  /** Normalized identity (lower-cased email, else E.164 phone) that joins a customer across channels. */
  customerKey?: string;
  /** The orders it was routed together with (merging), set by the router. */
  mergedWith?: string[];
  /**
   * Sold and handed over at a store's till (functions/domain/inventory/counter-sale.ts): the
   * stock left through the receipt's POS sale movements, so the order is never routed.
   */
  counterSale?: { locationId: string; receiptId: string };
}
