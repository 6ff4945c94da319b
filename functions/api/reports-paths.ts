import { GROUP_BY, MAX_REPORT_DAYS } from '../domain/reports/report.js';
import { FULFILLMENT_COUNTERS, SALES_MEASURES } from '../domain/reports/model.js';
import { problemResponse as problem } from './openapi-parts.js';

/**
 * The reports in the OpenAPI document (merged by openapi-document.ts); every figure is defined
 * in docs/reports.md. Query schemas follow functions/domain/reports/report.ts.
 */
const day = (name: 'from' | 'to', description: string) => ({
  name,
  in: 'query',
  required: true,
  schema: { type: 'string', format: 'date' },
  description,
});
const range = [
  day('from', 'First day (YYYY-MM-DD), in the reporting time zone.'),
  day('to', `Last day, included; at most ${MAX_REPORT_DAYS} days after from.`),
];
const integer = { type: 'integer' };
const rate = {
  type: ['number', 'null'],
  description: 'A fraction to four decimals; null when nothing was counted to divide by.',
};
const percentiles = {
  type: 'object',
  required: ['samples', 'p50Seconds', 'p95Seconds'],
  properties: {
    samples: integer,
    p50Seconds: { type: ['integer', 'null'] },
    p95Seconds: {
      type: ['integer', 'null'],
      description: 'Upper bound of its histogram bucket: at most 20 % above the true value.',
    },
  },
};
const rangeFields = {
  from: { type: 'string', format: 'date' },
  to: { type: 'string', format: 'date' },
  timeZone: { type: 'string', description: 'The IANA zone whose days the report uses.' },
};

const SalesReport = {
  type: 'object',
  required: ['from', 'to', 'timeZone', 'groupBy', 'rows'],
  properties: {
    ...rangeFields,
    groupBy: { type: 'string', enum: [...GROUP_BY] },
    rows: {
      type: 'array',
      description:
        'One row per key (channelId, locationId, sku or day) and currency; amounts in minor units of that currency, never converted.',
      items: {
        type: 'object',
        required: ['currency', ...SALES_MEASURES],
        properties: {
          channelId: { type: 'string' },
          locationId: {
            type: ['string', 'null'],
            description: 'The store credited; null when the order names none.',
          },
          sku: { type: 'string' },
          day: { type: 'string', format: 'date' },
          currency: { type: 'string' },
          ...Object.fromEntries(SALES_MEASURES.map((measure) => [measure, integer])),
        },
      },
    },
  },
};

const Bestsellers = {
  type: 'object',
  required: ['from', 'to', 'timeZone', 'items'],
  properties: {
    ...rangeFields,
    items: {
      type: 'array',
      items: {
        type: 'object',
        required: ['sku', 'units', 'orders', 'returns', 'revenue'],
        properties: {
          sku: { type: 'string' },
          units: integer,
          orders: integer,
          returns: integer,
          revenue: {
            type: 'array',
            items: { type: 'object', properties: { currency: { type: 'string' }, amount: integer } },
          },
        },
      },
    },
  },
};

const FULFILLMENT_RATES = [
  'fillRate',
  'splitRate',
  'shipmentsPerOrder',
  'shipFromStoreShare',
  'clickAndCollectShare',
  'averageDistanceKm',
  'backorderRate',
  'onTimeRate',
  'shippedOnTimeRate',
  'rejectionRate',
  'cancellationRate',
  'returnRate',
];

const FulfillmentReport = {
  type: 'object',
  required: ['from', 'to', 'timeZone', 'counts', 'kpis'],
  properties: {
    ...rangeFields,
    counts: {
      type: 'object',
      description: 'The exact counts the KPIs are derived from.',
      properties: Object.fromEntries(FULFILLMENT_COUNTERS.map((counter) => [counter, integer])),
    },
    kpis: {
      type: 'object',
      properties: {
        ...Object.fromEntries(FULFILLMENT_RATES.map((name) => [name, rate])),
        timeToRoute: percentiles,
        timeToShip: percentiles,
      },
    },
  },
};

export function reportsOpenApi() {
  const get = (operationId: string, summary: string, parameters: unknown[], schema: string) => ({
    get: {
      operationId,
      summary,
      parameters,
      responses: {
        '200': {
          description: 'The report (docs/reports.md defines every figure).',
          content: { 'application/json': { schema: { $ref: `#/components/schemas/${schema}` } } },
        },
        '400': problem('A query parameter is invalid or the range too long; `errors` names it.'),
      },
    },
  });
  return {
    schemas: { SalesReport, Bestsellers, FulfillmentReport },
    paths: {
      '/v1/reports/sales': get(
        'getSalesReport',
        'Orders, units, revenue, discounts, tax, refunds and returns per channel, location, SKU or day',
        [
          ...range,
          {
            name: 'groupBy',
            in: 'query',
            required: false,
            schema: { type: 'string', enum: [...GROUP_BY], default: 'channel' },
          },
        ],
        'SalesReport',
      ),
      '/v1/reports/bestsellers': get(
        'getBestsellers',
        'The SKUs with the most units sold',
        [
          ...range,
          {
            name: 'limit',
            in: 'query',
            required: false,
            schema: { type: 'integer', minimum: 1, maximum: 100, default: 10 },
          },
        ],
        'Bestsellers',
      ),
      '/v1/reports/fulfillment': get(
        'getFulfillmentReport',
        'Fill, split, ship-from-store, click-and-collect, backorder, on-time, rejection, cancellation and return rates; time to route and to ship',
        range,
        'FulfillmentReport',
      ),
    },
  };
}
