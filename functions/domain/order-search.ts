import * as z from 'zod';
import { customerKey } from './customer.js';
import { ValidationError } from './errors.js';
import { ORDER_STATUSES, type Order, type StatedTotals } from './order.js';
import { identifier, text } from './text.js';

/**
 * Finding orders (GET /v1/orders): by the day they were placed, newest first, narrowed by status,
 * channel or customer. The index design is in docs/architecture.md ("Finding orders"); what is
 * pure about it lives here: the query, its date window, the summary (the index attributes are
 * in order-index.ts).
 */

export const DEFAULT_RANGE_DAYS = 30;
export const MAX_RANGE_DAYS = 92;
export const MAX_LIMIT = 100;
const DAY_MS = 86_400_000;

const DAY = /^\d{4}-\d{2}-\d{2}$/;

const BOUND_FORMAT = 'must be a date (YYYY-MM-DD) or an ISO 8601 date-time with a time zone';
/** Far enough from year 0 and 10,000 that a window around the bound still has 4-digit years. */
const EARLIEST = Date.parse('1970-01-01T00:00:00.000Z');
const LATEST = Date.parse('9999-01-01T00:00:00.000Z');

/** A UTC day (`2026-12-01`, the whole day) or an instant with its offset. */
const PlacedBound = z
  .union([z.iso.date({ error: BOUND_FORMAT }), z.iso.datetime({ offset: true, error: BOUND_FORMAT })])
  .refine((value) => {
    const instant = Date.parse(DAY.test(value) ? `${value}T00:00:00.000Z` : value);
    return instant >= EARLIEST && instant < LATEST;
  }, 'must be a real date between 1970 and 9998');

export const OrderSearchQuery = z.strictObject({
  status: z.enum(ORDER_STATUSES, `must be one of ${ORDER_STATUSES.join(', ')}`).optional(),
  channelId: identifier(64).optional(),
  customer: text(254)
    .min(1, 'must not be empty')
    .transform((value, ctx) => {
      const key = value.includes('@') ? customerKey({ email: value }) : customerKey({ phone: value });
      if (key) return key;
      ctx.addIssue({
        code: 'custom',
        message: 'must be an email address or a phone number in international form (+351 912 345 678)',
      });
      return z.NEVER;
    })
    .optional(),
  placedFrom: PlacedBound.optional(),
  placedTo: PlacedBound.optional(),
  cursor: z.string().max(2000).optional(),
  limit: z.coerce.number().int().min(1).max(MAX_LIMIT).default(25),
});
export type OrderSearchQuery = z.output<typeof OrderSearchQuery>;

/** The instants a search covers, both inclusive, as UTC ISO strings. */
export interface SearchWindow {
  from: string;
  to: string;
}

/**
 * `placedTo` defaults to now and `placedFrom` to DEFAULT_RANGE_DAYS before it; a day as a bound
 * means the whole UTC day. A window longer than MAX_RANGE_DAYS is refused: every query stays
 * bounded, however the caller pages.
 */
export function searchWindow(
  query: Pick<OrderSearchQuery, 'placedFrom' | 'placedTo'>,
  now: string,
): SearchWindow {
  const to = query.placedTo
    ? DAY.test(query.placedTo)
      ? Date.parse(`${query.placedTo}T00:00:00.000Z`) + DAY_MS - 1
      : Date.parse(query.placedTo)
    : Date.parse(now);
  const from = query.placedFrom ? Date.parse(query.placedFrom) : to - DEFAULT_RANGE_DAYS * DAY_MS;
  if (from > to) {
    throw new ValidationError('The query is invalid: placedFrom is after placedTo.', [
      { path: 'placedFrom', message: 'must not be after placedTo' },
    ]);
  }
  if (to - from > MAX_RANGE_DAYS * DAY_MS) {
    throw new ValidationError(`The query is invalid: the window is longer than ${MAX_RANGE_DAYS} days.`, [
      { path: 'placedFrom', message: `must be at most ${MAX_RANGE_DAYS} days before placedTo` },
    ]);
  }
  return { from: new Date(from).toISOString(), to: new Date(to).toISOString() };
}

/** The UTC day before `day` (YYYY-MM-DD). */
export function previousDay(day: string): string {
  return new Date(Date.parse(`${day}T00:00:00.000Z`) - DAY_MS).toISOString().slice(0, 10);
}

/** What a listing shows of an order. */
export interface OrderSummary {
  orderId: string;
  channelId: string;
  externalId: string;
  channelOrderNumber?: string;
  status: string;
  placedAt: string;
  currency: string;
  totals: StatedTotals;
  customerName?: string;
}

export function toOrderSummary(order: Order): OrderSummary {
  return {
    orderId: order.orderId,
    channelId: order.channelId,
    externalId: order.externalId,
    ...(order.channelOrderNumber !== undefined && { channelOrderNumber: order.channelOrderNumber }),
    status: order.status,
    placedAt: order.placedAt,
    currency: order.currency,
    totals: order.totals ?? order.reconciliation.computed,
    ...(order.customer?.name !== undefined && { customerName: order.customer.name }),
  };
}
