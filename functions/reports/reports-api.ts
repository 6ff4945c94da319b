import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { readFulfillmentAggregates, readSalesAggregates } from '../data/reports-repository.js';
import { NotFoundError } from '../domain/errors.js';
import {
  bestsellers,
  BestsellersQuery,
  daysOf,
  fulfillmentReport,
  FulfillmentQuery,
  salesRows,
  SalesQuery,
  type GroupBy,
} from '../domain/reports/report.js';
import { parseOrThrow } from '../domain/validation.js';
import { errorResponse, json, type HttpResponse } from '../shared/http.js';
import { withApiAccess } from '../shared/middleware.js';
import { reportsTimeZone } from './settings.js';

const KEY_NAMES: Record<GroupBy, string> = {
  channel: 'channelId',
  location: 'locationId',
  sku: 'sku',
  day: 'day',
};

/**
 * The reports (docs/reports.md): each operation parses its query, reads the day aggregates of
 * the range and sums them with the pure report code. Figures are per currency, never converted.
 */
const operations: Record<string, (query: Record<string, string | undefined>) => Promise<unknown>> = {
  'GET /v1/reports/sales': async (parameters) => {
    const query = parseOrThrow(SalesQuery, parameters, 'query');
    const rows = salesRows(await readSalesAggregates(daysOf(query.from, query.to)), query.groupBy);
    return {
      ...range(query),
      groupBy: query.groupBy,
      rows: rows.map(({ key, ...figures }) => ({ [KEY_NAMES[query.groupBy]]: key, ...figures })),
    };
  },
  'GET /v1/reports/bestsellers': async (parameters) => {
    const query = parseOrThrow(BestsellersQuery, parameters, 'query');
    const aggregates = await readSalesAggregates(daysOf(query.from, query.to));
    return { ...range(query), items: bestsellers(aggregates, query.limit) };
  },
  'GET /v1/reports/fulfillment': async (parameters) => {
    const query = parseOrThrow(FulfillmentQuery, parameters, 'query');
    const report = fulfillmentReport(await readFulfillmentAggregates(daysOf(query.from, query.to)));
    return { ...range(query), ...report };
  },
};

export const REPORT_ROUTE_KEYS = Object.keys(operations);

function range(query: { from: string; to: string }) {
  return { from: query.from, to: query.to, timeZone: reportsTimeZone() };
}

export async function reportsApi(event: APIGatewayProxyEventV2): Promise<HttpResponse> {
  try {
    const operation = operations[event.routeKey];
    if (!operation) throw new NotFoundError(`No report for ${event.routeKey}.`);
    return json(200, await operation(event.queryStringParameters ?? {}));
  } catch (error) {
    return errorResponse(error, event.rawPath);
  }
}

export const handler = withApiAccess(reportsApi);
