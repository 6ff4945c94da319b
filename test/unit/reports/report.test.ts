import { describe, expect, it } from 'vitest';
import { upperBoundOf } from '../../../functions/domain/reports/histogram.js';
import { emptyCounts, emptyMeasures, type SalesAggregate } from '../../../functions/domain/reports/model.js';
import {
  bestsellers,
  daysOf,
  fulfillmentReport,
  FulfillmentQuery,
  salesRows,
  SalesQuery,
} from '../../../functions/domain/reports/report.js';

const sales = (
  day: string,
  dimension: SalesAggregate['dimension'],
  value: string | null,
  currency: string,
  measures: Partial<SalesAggregate['measures']>,
): SalesAggregate => ({ day, dimension, value, currency, measures: { ...emptyMeasures(), ...measures } });

const AGGREGATES = [
  // Two shards of one day add up; currencies never mix.
  sales('2026-11-01', 'channel', 'web', 'EUR', { orders: 2, revenue: 3000 }),
  sales('2026-11-01', 'channel', 'web', 'EUR', { orders: 1, revenue: 500, refunds: 200 }),
  sales('2026-11-01', 'channel', 'web', 'USD', { orders: 1, revenue: 900 }),
  sales('2026-11-02', 'channel', 'pos', 'EUR', { orders: 1, revenue: 4000 }),
  sales('2026-11-01', 'sku', 'MUG', 'EUR', { units: 5, revenue: 2500 }),
  sales('2026-11-02', 'sku', 'MUG', 'USD', { units: 1, revenue: 900 }),
  sales('2026-11-02', 'sku', 'TEA', 'EUR', { units: 5, revenue: 1000 }),
  sales('2026-11-02', 'sku', 'JAM', 'EUR', { units: 0, refunds: 300 }),
];

describe('the sales rows', () => {
  it('sum the days and shards per key and currency, largest revenue first', () => {
    expect(
      salesRows(AGGREGATES, 'channel').map(({ key, currency, orders, revenue, refunds }) => [
        key,
        currency,
        orders,
        revenue,
        refunds,
      ]),
    ).toEqual([
      ['pos', 'EUR', 1, 4000, 0],
      ['web', 'EUR', 3, 3500, 200],
      ['web', 'USD', 1, 900, 0],
    ]);
  });

  it('give each day the sum of its channels, in day order', () => {
    expect(
      salesRows(AGGREGATES, 'day').map(({ key, currency, revenue }) => [key, currency, revenue]),
    ).toEqual([
      ['2026-11-01', 'EUR', 3500],
      ['2026-11-01', 'USD', 900],
      ['2026-11-02', 'EUR', 4000],
    ]);
  });
});

describe('the bestsellers', () => {
  it('rank SKUs by units over every currency, ties by SKU, revenue per currency, none without a sale', () => {
    expect(bestsellers(AGGREGATES, 10)).toEqual([
      {
        sku: 'MUG',
        units: 6,
        orders: 0,
        returns: 0,
        revenue: [
          { currency: 'EUR', amount: 2500 },
          { currency: 'USD', amount: 900 },
        ],
      },
      { sku: 'TEA', units: 5, orders: 0, returns: 0, revenue: [{ currency: 'EUR', amount: 1000 }] },
    ]);
    expect(bestsellers(AGGREGATES, 1).map((item) => item.sku)).toEqual(['MUG']);
  });
});

describe('the fulfillment report', () => {
  it('derive every KPI from the summed counts, and answer null where nothing was counted', () => {
    const day = (
      counts: Partial<ReturnType<typeof emptyCounts>>,
      timeToShip: Record<number, number> = {},
    ) => ({
      day: '2026-11-01',
      counts: { ...emptyCounts(), ...counts },
      histograms: { timeToRoute: {}, timeToShip },
    });
    const { counts, kpis } = fulfillmentReport([
      day(
        {
          ordersPlaced: 3,
          ordersRouted: 3,
          unitsOrdered: 10,
          unitsPlaced: 9,
          ordersSplit: 1,
          shipments: 2,
          ordersShipped: 1,
        },
        { 45: 2 },
      ),
      day(
        {
          ordersPlaced: 1,
          ordersRouted: 1,
          unitsOrdered: 2,
          unitsPlaced: 2,
          shipmentsWithDistance: 2,
          distanceMeters: 25_000,
        },
        { 67: 1 },
      ),
    ]);
    expect(counts).toMatchObject({ ordersPlaced: 4, unitsOrdered: 12 });
    expect(kpis).toMatchObject({
      fillRate: 0.9167,
      splitRate: 0.25,
      shipmentsPerOrder: 2,
      averageDistanceKm: 12.5,
      onTimeRate: null,
      rejectionRate: null,
      timeToRoute: { samples: 0, p50Seconds: null, p95Seconds: null },
      timeToShip: { samples: 3, p50Seconds: upperBoundOf(45), p95Seconds: upperBoundOf(67) },
    });
  });
});

describe('the report queries', () => {
  it('take a range of days, channel by default', () => {
    expect(SalesQuery.parse({ from: '2026-11-01', to: '2026-11-30' })).toEqual({
      from: '2026-11-01',
      to: '2026-11-30',
      groupBy: 'channel',
    });
    expect(daysOf('2026-02-27', '2026-03-02')).toEqual([
      '2026-02-27',
      '2026-02-28',
      '2026-03-01',
      '2026-03-02',
    ]);
  });

  it.each([
    [{ from: '2026-11-02', to: '2026-11-01' }, 'must not be before from'],
    [{ from: '2026-01-01', to: '2026-12-31' }, 'must be at most 93 days after from'],
    [{ from: '2026-02-30', to: '2026-03-01' }, 'must be a date'],
    [{ to: '2026-03-01' }, ''],
  ])('refuse %j', (query, message) => {
    const result = FulfillmentQuery.safeParse(query);
    expect(result.success).toBe(false);
    expect(result.error!.issues.map((issue) => issue.message).join(' ')).toContain(message);
  });
});
