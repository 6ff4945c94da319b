import * as z from 'zod';
import { addHistograms, percentileOf, type Histogram } from './histogram.js';
import {
  emptyCounts,
  emptyMeasures,
  FULFILLMENT_COUNTERS,
  SALES_MEASURES,
  type FulfillmentAggregate,
  type FulfillmentCounts,
  type SalesAggregate,
  type SalesMeasures,
} from './model.js';

/**
 * The reports as read: the day aggregates of a range summed into rows (sales, bestsellers) or
 * into KPIs (fulfillment). Pure, so the arithmetic is tested without a table.
 */
export const MAX_REPORT_DAYS = 93;

const Day = z.iso.date({ error: 'must be a date, YYYY-MM-DD' });

const Range = {
  from: Day.meta({ description: 'First day, in the reporting time zone.' }),
  to: Day.meta({ description: 'Last day, included.' }),
};

function checkRange(range: { from: string; to: string }, ctx: z.RefinementCtx): void {
  if (range.to < range.from)
    ctx.addIssue({ code: 'custom', path: ['to'], message: 'must not be before from' });
  else if (daysOf(range.from, range.to).length > MAX_REPORT_DAYS)
    ctx.addIssue({
      code: 'custom',
      path: ['to'],
      message: `must be at most ${MAX_REPORT_DAYS} days after from (use the analytics export for longer ranges)`,
    });
}

export const GROUP_BY = ['channel', 'location', 'sku', 'day'] as const;
export type GroupBy = (typeof GROUP_BY)[number];

export const SalesQuery = z
  .strictObject({ ...Range, groupBy: z.enum(GROUP_BY).default('channel') })
  .superRefine(checkRange);
export type SalesQuery = z.output<typeof SalesQuery>;

export const BestsellersQuery = z
  .strictObject({
    ...Range,
    limit: z.coerce.number().int('must be a whole number').min(1).max(100).default(10),
  })
  .superRefine(checkRange);
export type BestsellersQuery = z.output<typeof BestsellersQuery>;

export const FulfillmentQuery = z.strictObject(Range).superRefine(checkRange);
export type FulfillmentQuery = z.output<typeof FulfillmentQuery>;

/** Every calendar day from `from` to `to`, both included. */
export function daysOf(from: string, to: string): string[] {
  const days: string[] = [];
  const end = Date.parse(`${to}T00:00:00Z`);
  for (let time = Date.parse(`${from}T00:00:00Z`); time <= end; time += 86_400_000) {
    days.push(new Date(time).toISOString().slice(0, 10));
    if (days.length > MAX_REPORT_DAYS + 1) break;
  }
  return days;
}

export type SalesRow = { key: string | null; currency: string } & SalesMeasures;

const KEY_DIMENSION = { channel: 'channel', location: 'location', sku: 'sku', day: 'channel' } as const;

/**
 * Sales rows of a range, one per (key, currency), largest revenue first. Days are the channel
 * aggregates of each day: every order has exactly one channel, so they add up to the day.
 */
export function salesRows(aggregates: readonly SalesAggregate[], groupBy: GroupBy): SalesRow[] {
  const dimension = KEY_DIMENSION[groupBy];
  const rows = new Map<string, SalesRow>();
  for (const aggregate of aggregates) {
    if (aggregate.dimension !== dimension) continue;
    const key = groupBy === 'day' ? aggregate.day : aggregate.value;
    const id = JSON.stringify([key, aggregate.currency]);
    const row = rows.get(id) ?? { key, currency: aggregate.currency, ...emptyMeasures() };
    for (const measure of SALES_MEASURES) row[measure] += aggregate.measures[measure];
    rows.set(id, row);
  }
  return [...rows.values()].sort((a, b) =>
    groupBy === 'day'
      ? compare(a.key, b.key) || compare(a.currency, b.currency)
      : b.revenue - a.revenue || compare(a.key, b.key) || compare(a.currency, b.currency),
  );
}

export interface Bestseller {
  sku: string;
  units: number;
  orders: number;
  returns: number;
  /** Per currency: the OMS never converts. */
  revenue: { currency: string; amount: number }[];
}

/** The SKUs with the most units sold in the range (ties by SKU), at most `limit`. */
export function bestsellers(aggregates: readonly SalesAggregate[], limit: number): Bestseller[] {
  const bySku = new Map<string, Bestseller>();
  for (const row of salesRows(aggregates, 'sku')) {
    const sku = row.key ?? '';
    const entry = bySku.get(sku) ?? { sku, units: 0, orders: 0, returns: 0, revenue: [] };
    entry.units += row.units;
    entry.orders += row.orders;
    entry.returns += row.returns;
    entry.revenue.push({ currency: row.currency, amount: row.revenue });
    bySku.set(sku, entry);
  }
  return [...bySku.values()]
    .filter((entry) => entry.units > 0)
    .sort((a, b) => b.units - a.units || compare(a.sku, b.sku))
    .slice(0, limit)
    .map((entry) => ({ ...entry, revenue: entry.revenue.sort((a, b) => compare(a.currency, b.currency)) }));
}

export interface Percentiles {
  samples: number;
  p50Seconds: number | null;
  p95Seconds: number | null;
}

export interface FulfillmentKpis {
  fillRate: number | null;
  splitRate: number | null;
  shipmentsPerOrder: number | null;
  shipFromStoreShare: number | null;
  clickAndCollectShare: number | null;
  averageDistanceKm: number | null;
  backorderRate: number | null;
  timeToRoute: Percentiles;
  timeToShip: Percentiles;
  onTimeRate: number | null;
  shippedOnTimeRate: number | null;
  rejectionRate: number | null;
  cancellationRate: number | null;
  returnRate: number | null;
}

export interface FulfillmentReport {
  counts: FulfillmentCounts;
  kpis: FulfillmentKpis;
}

/** The counts of the range summed, and every KPI derived from them (docs/reports.md). */
export function fulfillmentReport(aggregates: readonly FulfillmentAggregate[]): FulfillmentReport {
  const counts = emptyCounts();
  let timeToRoute: Histogram = {};
  let timeToShip: Histogram = {};
  for (const aggregate of aggregates) {
    for (const counter of FULFILLMENT_COUNTERS) counts[counter] += aggregate.counts[counter];
    timeToRoute = addHistograms(timeToRoute, aggregate.histograms.timeToRoute);
    timeToShip = addHistograms(timeToShip, aggregate.histograms.timeToShip);
  }
  const c = counts;
  return {
    counts,
    kpis: {
      fillRate: ratio(c.unitsPlaced, c.unitsOrdered),
      splitRate: ratio(c.ordersSplit, c.ordersRouted),
      shipmentsPerOrder: ratio(c.shipments, c.ordersShipped),
      shipFromStoreShare: ratio(c.shipmentsFromStores, c.shipments),
      clickAndCollectShare: ratio(c.clickAndCollectOrders, c.ordersPlaced),
      averageDistanceKm:
        c.shipmentsWithDistance === 0 ? null : round(c.distanceMeters / c.shipmentsWithDistance / 1000),
      backorderRate: ratio(c.ordersBackordered, c.ordersRouted),
      timeToRoute: percentiles(timeToRoute),
      timeToShip: percentiles(timeToShip),
      onTimeRate: ratio(c.completedOnTime, c.completedWithPromise),
      shippedOnTimeRate: ratio(c.shipmentsByDueBy, c.shipmentsWithDueBy),
      rejectionRate: ratio(c.fulfillmentOrdersRejected, c.fulfillmentOrdersCreated),
      cancellationRate: ratio(c.ordersCanceled, c.ordersPlaced),
      returnRate: ratio(c.unitsReturned, c.unitsSold),
    },
  };
}

function percentiles(histogram: Histogram): Percentiles {
  return {
    samples: Object.values(histogram).reduce((sum, count) => sum + count, 0),
    p50Seconds: percentileOf(histogram, 0.5) ?? null,
    p95Seconds: percentileOf(histogram, 0.95) ?? null,
  };
}

/** Rates to four decimals (0.1234 = 12.34 %); null when nothing was counted to divide by. */
function ratio(numerator: number, denominator: number): number | null {
  return denominator === 0 ? null : round(numerator / denominator);
}

function round(value: number): number {
  return Math.round(value * 10_000) / 10_000;
}

function compare(a: string | null, b: string | null): number {
  return (a ?? '').localeCompare(b ?? '');
}
