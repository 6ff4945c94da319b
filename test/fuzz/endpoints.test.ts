import { PutCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { machineClientsApi } from '../../functions/access/machine-clients-api.js';
import { adminApi } from '../../functions/admin/admin-api.js';
import { getOrderById } from '../../functions/api/get-order.js';
import { getOrderTracking } from '../../functions/api/get-order-tracking.js';
import { listOrders } from '../../functions/api/list-orders.js';
import { putCarrierAccount, putChannel } from '../../functions/data/config-repository.js';
import { dynamo } from '../../functions/data/dynamo.js';
import { postLabel } from '../../functions/fulfillment/carriers/post-label.js';
import { postShippoTracking } from '../../functions/fulfillment/carriers/post-shippo-tracking.js';
import { listOverdue } from '../../functions/fulfillment/list-overdue.js';
import { postOrder } from '../../functions/ingest/post-order.js';
import { getChannelAvailability } from '../../functions/inventory/get-channel-availability.js';
import { getLocationInventory } from '../../functions/inventory/get-location-inventory.js';
import { getReplenishmentSuggestions } from '../../functions/inventory/get-replenishment-suggestions.js';
import { getSkuInventory } from '../../functions/inventory/get-sku-inventory.js';
import { postMovement } from '../../functions/inventory/post-movement.js';
import { postPosSales } from '../../functions/inventory/post-pos-sales.js';
import { getFulfillmentOrder } from '../../functions/fulfillment/get-fulfillment-order.js';
import { getWorkQueue } from '../../functions/fulfillment/list-work-queue.js';
import { postFulfillmentAction } from '../../functions/fulfillment/post-fulfillment-action.js';
import { putStockLevel } from '../../functions/data/inventory-repository.js';
import { newStockLevel } from '../../functions/domain/stock.js';
import { routingApi } from '../../functions/routing/routing-api.js';
import { requestUrl } from '../../functions/shared/http.js';
import { FUNCTIONS, ROUTES } from '../../lib/topology.js';
import { TABLES } from '../../lib/tables.js';
import { anApiEvent } from '../helpers/factories.js';
import { anOrder, anOrderItem } from '../helpers/records.js';
import { useLocalTables } from '../helpers/tables.js';
import { serviceApi } from '../../functions/service/service-api.js';
import { rerouteOrder } from '../../functions/orders/reroute-order.js';
import {
  ENDPOINTS,
  FUZZ_CHANNELS,
  fuzzChannelApi,
  NOT_FUZZED,
  pathFor,
  signedHeaders,
  type FuzzRequest,
} from './requests.js';
import { startFuzzChannelApis, type FuzzChannelApis } from './channel-apis.js';
import { customersApi } from '../../functions/customers/customers-api.js';
import { reportsApi } from '../../functions/reports/reports-api.js';
import { deadLettersApi } from '../../functions/ops/dead-letters-api.js';

/**
 * Every endpoint, fed schema-shaped requests with extreme values and garbage (test/fuzz). Each
 * answer must be below 500; a 4xx must be a problem document (a 400 naming each field), and
 * must leave every table the endpoint can write exactly as it was.
 */
type Handler = (event: APIGatewayProxyEventV2) => Promise<APIGatewayProxyStructuredResultV2>;

const HANDLERS: Record<string, Handler> = {
  postOrder,
  getOrder: getOrderById,
  routingApi,
  postInventoryMovement: postMovement,
  postPosSales,
  getSkuInventory,
  getLocationInventory,
  getChannelAvailability,
  getReplenishmentSuggestions,
  machineClientsApi,
  adminApi,
  getWorkQueue,
  getFulfillmentOrder,
  postFulfillmentAction,
  serviceApi: (event) => serviceApi(event),
  getOrderTracking,
  buyLabel: postLabel,
  shippoTracking: postShippoTracking,
  listOverdueFulfillmentOrders: listOverdue,
  listOrders,
  customersApi: (event) => customersApi(event),
  reportsApi: (event) => reportsApi(event),
  rerouteOrder,
  deadLettersApi,
};

const SECRET = 'fuzz-secret';
let channelApis: FuzzChannelApis | undefined;
// Each run scans the tables the endpoint may write; over 50 endpoints, 30 runs each keep npm
// test within its time (100 took 13.5 min on 2 cores). `npm run fuzz` is the long run.
const RUNS_PER_ENDPOINT = Number(process.env.FUZZ_TEST_RUNS ?? 30);

beforeAll(async () => {
  await useLocalTables();
  process.env.OMS_SECRETS_PROVIDER = 'local';
  process.env.OMS_LOCAL_SECRETS = JSON.stringify({
    'oms/channels/fuzz': SECRET,
    'oms/carriers/fuzz': SECRET,
  });
  const { seedDemoData } = await import('../../lib/local/demo-data.js');
  await seedDemoData();
  channelApis = await startFuzzChannelApis();
  // Shippo's webhooks signed with the fuzz secret, so that their bodies get past the signature.
  await putCarrierAccount({
    carrierId: 'shippo',
    apiTokenSecretName: 'oms/carriers/fuzz',
    webhookSecretName: 'oms/carriers/fuzz',
    active: true,
  });
  for (const channel of FUZZ_CHANNELS) {
    await putChannel({
      ...channel,
      name: channel.channelId,
      secretName: 'oms/channels/fuzz',
      active: true,
      ...fuzzChannelApi(channel.format, channelApis, 'oms/channels/fuzz'),
    });
  }
  await seedFulfillmentOrder();
}, 120_000);
afterAll(() => channelApis?.stop());

/**
 * A fulfillment order for the action endpoints to act on, as the router leaves one: its
 * reservation held at the location and its marker written, so that an action the fuzzer gets
 * right moves real stock.
 */
async function seedFulfillmentOrder(): Promise<void> {
  const now = new Date().toISOString();
  const orderId = 'ORD-FUZZ-1';
  await putStockLevel({
    ...newStockLevel({ sku: 'MUG-1', locationId: 'STORE-LIS-CHIADO', onHand: 10, now }),
    reserved: 3,
    available: 7,
  });
  const order = anOrder({ orderId, status: 'ROUTED', channelId: 'web' });
  await dynamo().send(new PutCommand({ TableName: process.env.ORDERS_TABLE, Item: anOrderItem(order) }));
  await dynamo().send(
    new PutCommand({
      TableName: process.env.ORDERS_TABLE,
      Item: {
        pk: `ORDER#${orderId}`,
        sk: 'FO#FO-FUZZ-1',
        entityType: 'FulfillmentOrder',
        fulfillmentOrderId: 'FO-FUZZ-1',
        orderId,
        locationId: 'STORE-LIS-CHIADO',
        kind: 'pickup',
        lines: [{ lineId: '1', sku: 'MUG-1', quantity: 3 }],
        status: 'CREATED',
        createdAt: now,
        workQueue: 'STORE-LIS-CHIADO#CREATED',
        workSince: `${now}#FO-FUZZ-1`,
      },
    }),
  );
  await dynamo().send(
    new PutCommand({
      TableName: process.env.INVENTORY_TABLE,
      Item: {
        pk: 'SKU#MUG-1',
        sk: `RES#${orderId}#STORE-LIS-CHIADO`,
        entityType: 'Reservation',
        orderId,
        sku: 'MUG-1',
        locationId: 'STORE-LIS-CHIADO',
        quantity: 3,
        createdAt: now,
      },
    }),
  );
}

function eventFor(request: FuzzRequest): APIGatewayProxyEventV2 {
  const event = anApiEvent({
    method: request.method,
    path: pathFor(request),
    ...(request.pathParameters && { pathParameters: request.pathParameters }),
    ...(request.query && { query: request.query }),
    ...(request.body !== undefined && { body: request.body }),
  });
  if (request.headers) event.headers = { ...event.headers, ...request.headers };
  const routeKey = `${request.method} ${request.route}`;
  const routed = { ...event, routeKey, requestContext: { ...event.requestContext, routeKey } };
  if (!request.signAs) return routed;
  const headers = signedHeaders(request.signAs, request.body ?? '', SECRET, requestUrl(routed));
  return { ...routed, headers: { ...routed.headers, ...headers } };
}

/** The items of the tables the route's function may write, in a comparable form. */
async function snapshot(tableEnvVars: string[]): Promise<string> {
  const tables: Record<string, unknown[]> = {};
  for (const envVar of tableEnvVars) {
    const items: unknown[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await dynamo().send(
        new ScanCommand({ TableName: process.env[envVar], ExclusiveStartKey: start, ConsistentRead: true }),
      );
      items.push(...(page.Items ?? []));
      start = page.LastEvaluatedKey;
    } while (start);
    tables[envVar] = items.map((item) => JSON.stringify(item)).sort();
  }
  return JSON.stringify(tables);
}

describe('every endpoint, fuzzed', () => {
  it('has a generator for every route that reads any input', () => {
    const fuzzed = new Set(
      Object.values(ENDPOINTS).map((requests) => {
        const sample = fc.sample(requests, 1)[0]!;
        return `${sample.method} ${sample.route}`;
      }),
    );
    const routeKeys = ROUTES.map((route) => `${route.method} ${route.path}`);
    expect(routeKeys.filter((routeKey) => !fuzzed.has(routeKey) && !(routeKey in NOT_FUZZED))).toEqual([]);
    expect(Object.keys(NOT_FUZZED).filter((routeKey) => !routeKeys.includes(routeKey))).toEqual([]);
  });

  it.each(Object.entries(ENDPOINTS))(
    '%s: answers below 500, a 4xx as a problem naming the field, and writes nothing for it',
    async (_name, requests) => {
      const sample = fc.sample(requests, 1)[0]!;
      const route = ROUTES.find(
        (candidate) => candidate.path === sample.route && candidate.method === sample.method,
      )!;
      const writable = FUNCTIONS[route.function].tables
        .filter((table) => table.access === 'readWrite')
        .map((table) => TABLES.find((definition) => definition.id === table.table)!.envVar);
      const handler = HANDLERS[route.function]!;
      // Only the handler writes these tables here, so the snapshot a refused request left is the
      // next request's "before": one scan per run instead of two, most runs being refusals.
      let unchanged: string | undefined;

      await fc.assert(
        fc.asyncProperty(requests, async (request) => {
          const before = writable.length > 0 ? (unchanged ?? (await snapshot(writable))) : '';
          unchanged = undefined;
          const response = await handler(eventFor(request));
          const status = response.statusCode ?? 200;

          expect(status, response.body).toBeLessThan(500);
          if (status < 400) return;
          expect(response.headers?.['content-type']).toBe('application/problem+json');
          const problem = JSON.parse(response.body ?? '{}');
          expect(problem).toMatchObject({ status, title: expect.any(String), detail: expect.any(String) });
          if (status === 400) {
            expect(problem.errors.length, response.body).toBeGreaterThan(0);
            for (const issue of problem.errors) {
              expect(issue).toEqual({ path: expect.any(String), message: expect.any(String) });
            }
          }
          if (writable.length > 0) {
            const after = await snapshot(writable);
            expect(after).toBe(before);
            unchanged = after;
          }
        }),
        { numRuns: RUNS_PER_ENDPOINT },
      );
    },
    300_000,
  );
});
