import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { ulid } from 'ulid';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { changeFulfillmentOrder } from '../../functions/data/fulfillment-changes.js';
import { listFulfillmentOrderStates } from '../../functions/data/fulfillment-repository.js';
import { putStockLevel } from '../../functions/data/inventory-repository.js';
import { ROLES, SCOPES, type Scope } from '../../functions/domain/access.js';
import {
  applyFulfillmentAction,
  type FulfillmentAction,
} from '../../functions/domain/fulfillment/machine.js';
import type { FulfillmentOrderState } from '../../functions/domain/fulfillment/model.js';
import { newStockLevel } from '../../functions/domain/stock.js';
import { FULFILLMENT_API_ACTIONS } from '../../functions/routes/fulfillment.js';
import { OMS_SIGNATURE_HEADER, signOmsPayload } from '../../functions/domain/signature.js';
import { SHIPPO_SIGNATURE_HEADER } from '../../functions/fulfillment/carriers/shippo-webhook.js';
import { localClient } from '../../lib/local/dynamodb-local.js';
import { DEMO_SHIPPO_SECRETS, DEMO_SIGNING_SECRET } from '../../lib/local/local-config.js';
import { startLocalRuntime, type LocalRuntime } from '../../lib/local/runtime.js';
import { TABLES } from '../../lib/tables.js';
import { ROUTES } from '../../lib/topology.js';
import { aCanonicalOrder } from '../helpers/factories.js';
import { aLocation } from '../helpers/records.js';
import { refusedTokens, tokenFor, type TokenPrincipal } from '../helpers/tokens.js';

/**
 * Every route × every kind of caller, over HTTP on the local runtime: the token goes through the
 * same checks as API Gateway's JWT authorizer, then the handlers decide. The expectations below
 * are written out per route, apart from the access table they test: a route added to
 * lib/topology.ts without a line here fails the first test.
 */
const HOME = 'STORE-LIS-CHIADO';
const SKU = 'TSHIRT-BLUE-M';

const CALLERS = {
  admin: { role: 'admin' },
  ops: { role: 'ops' },
  'customer service': { role: 'customer_service' },
  [`a store user of ${HOME}`]: { role: 'store', sub: 'maria', locationIds: [HOME] },
  'a store user of another store': { role: 'store', sub: 'rui', locationIds: ['STORE-LIS-COLOMBO'] },
  'a machine client with every scope': { role: 'integration', scopes: Object.keys(SCOPES) as Scope[] },
  'a machine client without scopes': { role: 'integration', scopes: [] },
  'the WMS of another location': { role: 'integration', sub: 'wms-lisbon' },
  'the web channel client': { role: 'integration', sub: 'web-storefront' },
} satisfies Record<string, TokenPrincipal>;
type Caller = keyof typeof CALLERS | 'no token' | keyof Awaited<ReturnType<typeof refusedTokens>>;

const EVERYONE = 'everyone';
/** Who gets a 2xx; every other caller with a valid token gets 403, one without a valid token 401. */
const ALLOWED: Record<string, readonly Caller[] | typeof EVERYONE> = {
  'POST /v1/channels/{channelId}/orders': EVERYONE,
  'GET /openapi.json': EVERYONE,
  'GET /v1/orders/{orderId}': [
    'admin',
    'ops',
    'customer service',
    'a machine client with every scope',
    'the web channel client',
  ],
  'GET /v1/routing/rule-sets/active': ['admin', 'ops', 'a machine client with every scope'],
  'POST /v1/routing/rule-sets': ['admin', 'a machine client with every scope'],
  'POST /v1/routing/rule-sets/validate': ['admin', 'ops', 'a machine client with every scope'],
  'GET /v1/routing/rule-sets/{ruleSetId}/versions/{version}': [
    'admin',
    'ops',
    'a machine client with every scope',
  ],
  'POST /v1/routing/rule-sets/{ruleSetId}/versions/{version}/activate': [
    'admin',
    'a machine client with every scope',
  ],
  'POST /v1/routing/simulate': ['admin', 'ops', 'a machine client with every scope'],
  'POST /v1/inventory/movements': [
    'admin',
    'ops',
    `a store user of ${HOME}`,
    'a machine client with every scope',
  ],
  'POST /v1/locations/{locationId}/pos-sales': [
    'admin',
    'ops',
    `a store user of ${HOME}`,
    'a machine client with every scope',
  ],
  'GET /v1/inventory/{sku}': ['admin', 'ops', 'customer service', 'a machine client with every scope'],
  'GET /v1/locations/{locationId}/inventory': [
    'admin',
    'ops',
    'customer service',
    `a store user of ${HOME}`,
    'a machine client with every scope',
  ],
  'GET /v1/channels/{channelId}/availability': [
    'admin',
    'ops',
    'a machine client with every scope',
    'the web channel client',
  ],
  'GET /v1/replenishment/suggestions': ['admin', 'ops', 'a machine client with every scope'],
  'PUT /v1/machine-clients/{clientId}': ['admin', 'a machine client with every scope'],
  'GET /v1/machine-clients/{clientId}': ['admin', 'ops', 'a machine client with every scope'],
  'GET /v1/machine-clients': ['admin', 'ops', 'a machine client with every scope'],
  ...Object.fromEntries(
    ['locations', 'products', 'channels'].flatMap((collection) => {
      const id = { locations: '{locationId}', products: '{sku}', channels: '{channelId}' }[collection];
      return [
        [`GET /v1/${collection}`, ['admin', 'ops', 'a machine client with every scope']],
        [`GET /v1/${collection}/${id}`, ['admin', 'ops', 'a machine client with every scope']],
        [`PUT /v1/${collection}/${id}`, ['admin', 'a machine client with every scope']],
      ];
    }),
  ),
  'PUT /v1/channels/{channelId}/secret': ['admin', 'a machine client with every scope'],
  'GET /v1/locations/{locationId}/fulfillment-orders': [
    'admin',
    'ops',
    `a store user of ${HOME}`,
    'a machine client with every scope',
  ],
  'GET /v1/fulfillment-orders/{fulfillmentOrderId}': [
    'admin',
    'ops',
    'customer service',
    `a store user of ${HOME}`,
    'a machine client with every scope',
  ],
  ...Object.fromEntries(
    FULFILLMENT_API_ACTIONS.map((action) => [
      `POST /v1/fulfillment-orders/{fulfillmentOrderId}/${action}`,
      ['admin', 'ops', `a store user of ${HOME}`, 'a machine client with every scope'],
    ]),
  ),
  'POST /v1/orders/{orderId}/cancel': [
    'admin',
    'ops',
    'customer service',
    'a machine client with every scope',
  ],
  'PUT /v1/orders/{orderId}/shipping-address': [
    'admin',
    'ops',
    'customer service',
    'a machine client with every scope',
  ],
  'GET /v1/orders/{orderId}/history': [
    'admin',
    'ops',
    'customer service',
    'a machine client with every scope',
    'the web channel client',
  ],
  'GET /v1/orders/{orderId}/tracking': [
    'admin',
    'ops',
    'customer service',
    'a machine client with every scope',
    'the web channel client',
  ],
  'POST /v1/returns': ['admin', 'ops', 'customer service', 'a machine client with every scope'],
  'POST /v1/returns/{returnId}/receive': [
    'admin',
    'ops',
    'customer service',
    `a store user of ${HOME}`,
    'a machine client with every scope',
  ],
  'GET /v1/returns/{returnId}': [
    'admin',
    'ops',
    'customer service',
    'a machine client with every scope',
    'the web channel client',
  ],
  'POST /v1/fulfillment-orders/{fulfillmentOrderId}/labels': [
    'admin',
    'ops',
    `a store user of ${HOME}`,
    'a machine client with every scope',
  ],
  'POST /v1/carriers/shippo/tracking': EVERYONE,
  'GET /v1/fulfillment-orders': ['admin', 'ops', 'a machine client with every scope'],
  // A client limited to some channels is refused: a listing spans every channel.
  'GET /v1/orders': ['admin', 'ops', 'customer service', 'a machine client with every scope'],
  // A customer spans every channel and location: callers limited to some are refused.
  ...Object.fromEntries(
    [
      'GET /v1/customers',
      'GET /v1/customers/{customerId}',
      'POST /v1/customers/{customerId}/export',
      'POST /v1/customers/{customerId}/erase',
    ].map((routeKey) => [
      routeKey,
      ['admin', 'ops', 'customer service', 'a machine client with every scope'],
    ]),
  ),
  'GET /v1/reports/sales': ['admin', 'ops', 'a machine client with every scope'],
  'GET /v1/reports/bestsellers': ['admin', 'ops', 'a machine client with every scope'],
  'GET /v1/reports/fulfillment': ['admin', 'ops', 'a machine client with every scope'],
  'POST /v1/orders/{orderId}/route': ['admin', 'ops', 'a machine client with every scope'],
  'GET /v1/ops/dead-letters': ['admin', 'ops', 'a machine client with every scope'],
  'POST /v1/ops/dead-letters/{queue}/redrive': ['admin', 'ops', 'a machine client with every scope'],
};

/**
 * Fulfillment actions depend on the fulfillment order's state as well as on the caller: one
 * allowed caller's `accept` leaves the next one's out of order. For them, allowed means past
 * every access check: the state machine answers (2xx, or 409 out of order), never 401 or 403.
 */
const STATEFUL = new Set([
  ...FULFILLMENT_API_ACTIONS.map((action) => `POST /v1/fulfillment-orders/{fulfillmentOrderId}/${action}`),
  // A label is for packed work that a carrier takes: the matrix's pick-up is answered 409.
  'POST /v1/fulfillment-orders/{fulfillmentOrderId}/labels',
  // The customer's orders are open: an erasure is refused with 409 until they are closed.
  'POST /v1/customers/{customerId}/erase',
]);

const aRuleSet = (ruleSetId: string) => ({
  ruleSetId,
  version: 1,
  strategies: [
    {
      name: 'nearest',
      filters: {},
      ranking: ['distance'],
      split: { policy: 'allow' },
      onUnplaceable: 'backorder',
    },
  ],
});

let runtime: LocalRuntime;
let orderId = '';
/** Orders each canceled once, by whoever asks first; an order delivered in full, and a return of it. */
const cancelable: string[] = [];
let delivered = '';
/** An order waiting for stock no location has: re-routable however often it is asked. */
let waiting = '';
let returnId = '';
let fulfillmentOrderId = '';
let requestNumber = 0;
const tablePrefix = `e2eaccess${Date.now().toString(36)}-`;
const tokens: Partial<Record<Caller, string>> = {};

/** A request that would succeed for a caller allowed on the route; ids are fresh each time. */
function requestFor(routeKey: string): { path: string; init: RequestInit } {
  const id = `matrix-${++requestNumber}`;
  const withBody = (method: 'POST' | 'PUT') => (path: string, body: unknown) => ({
    path,
    init: { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) },
  });
  const post = withBody('POST');
  const put = withBody('PUT');
  const get = (path: string) => ({ path, init: {} });
  switch (routeKey) {
    case 'POST /v1/channels/{channelId}/orders': {
      const body = JSON.stringify(aCanonicalOrder({ externalId: id }));
      const signature = signOmsPayload(DEMO_SIGNING_SECRET, body, Math.floor(Date.now() / 1000));
      return {
        path: '/v1/channels/web/orders',
        init: { method: 'POST', headers: { [OMS_SIGNATURE_HEADER]: signature }, body },
      };
    }
    case 'GET /openapi.json':
      return get('/openapi.json');
    case 'GET /v1/orders/{orderId}':
      return get(`/v1/orders/${orderId}`);
    case 'GET /v1/routing/rule-sets/active':
      return get('/v1/routing/rule-sets/active');
    case 'POST /v1/routing/rule-sets':
      return post('/v1/routing/rule-sets', aRuleSet(id));
    case 'POST /v1/routing/rule-sets/validate':
      return post('/v1/routing/rule-sets/validate', aRuleSet(id));
    case 'GET /v1/routing/rule-sets/{ruleSetId}/versions/{version}':
      return get('/v1/routing/rule-sets/matrix-base/versions/1');
    case 'POST /v1/routing/rule-sets/{ruleSetId}/versions/{version}/activate':
      return post('/v1/routing/rule-sets/matrix-base/versions/1/activate', {});
    case 'POST /v1/routing/simulate':
      return post('/v1/routing/simulate', { orderIds: [orderId] });
    case 'POST /v1/inventory/movements':
      return post('/v1/inventory/movements', {
        type: 'receipt',
        movementId: id,
        who: 'matrix test',
        sku: SKU,
        locationId: HOME,
        quantity: 1,
      });
    case 'POST /v1/locations/{locationId}/pos-sales':
      return post(`/v1/locations/${HOME}/pos-sales`, {
        who: 'till 1',
        sales: [{ saleId: id, sku: SKU, quantity: 1, occurredAt: new Date().toISOString() }],
      });
    case 'GET /v1/inventory/{sku}':
      return get(`/v1/inventory/${SKU}`);
    case 'GET /v1/locations/{locationId}/inventory':
      return get(`/v1/locations/${HOME}/inventory`);
    case 'GET /v1/channels/{channelId}/availability':
      return get('/v1/channels/web/availability');
    case 'GET /v1/replenishment/suggestions':
      return get('/v1/replenishment/suggestions');
    case 'PUT /v1/machine-clients/{clientId}':
      return put(`/v1/machine-clients/${id}`, { locationIds: [HOME] });
    case 'GET /v1/machine-clients/{clientId}':
      return get('/v1/machine-clients/matrix-wms');
    case 'GET /v1/machine-clients':
      return get('/v1/machine-clients');
    case 'GET /v1/locations':
      return get('/v1/locations');
    case 'GET /v1/locations/{locationId}':
      return get(`/v1/locations/${HOME}`);
    case 'PUT /v1/locations/{locationId}':
      return put(`/v1/locations/${id}`, aLocation(id));
    case 'GET /v1/products':
      return get('/v1/products');
    case 'GET /v1/products/{sku}':
      return get(`/v1/products/${SKU}`);
    case 'PUT /v1/products/{sku}':
      return put(`/v1/products/${id}`, { name: 'Matrix mug', reorderPoint: 2 });
    case 'GET /v1/channels':
      return get('/v1/channels');
    case 'GET /v1/channels/{channelId}':
      return get('/v1/channels/web');
    case 'PUT /v1/channels/{channelId}':
      return put(`/v1/channels/${id}`, { name: 'Matrix shop', format: 'canonical' });
    case 'PUT /v1/channels/{channelId}/secret':
      return put('/v1/channels/matrix-secret/secret', { secret: `matrix-secret-${id}` });
    case 'GET /v1/locations/{locationId}/fulfillment-orders':
      return get(`/v1/locations/${HOME}/fulfillment-orders`);
    case 'GET /v1/fulfillment-orders/{fulfillmentOrderId}':
      return get(`/v1/fulfillment-orders/${fulfillmentOrderId}`);
    case 'POST /v1/orders/{orderId}/cancel':
      return post(`/v1/orders/${cancelable.shift()}/cancel`, { reason: 'matrix test' });
    case 'PUT /v1/orders/{orderId}/shipping-address':
      return {
        path: `/v1/orders/${orderId}/shipping-address`,
        init: {
          method: 'PUT',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ address: { line1: 'Rua Garrett 1', city: 'Lisboa', country: 'PT' } }),
        },
      };
    case 'GET /v1/orders/{orderId}/history':
      return get(`/v1/orders/${orderId}/history`);
    case 'POST /v1/returns':
      return post('/v1/returns', {
        orderId: delivered,
        lines: [{ lineId: '1', quantity: 1, reason: 'matrix test' }],
      });
    case 'POST /v1/returns/{returnId}/receive':
      return post(`/v1/returns/${returnId}/receive`, {
        locationId: HOME,
        lines: [{ lineId: '1', quantity: 1, condition: 'resellable' }],
      });
    case 'GET /v1/returns/{returnId}':
      return get(`/v1/returns/${returnId}`);
    case 'GET /v1/orders/{orderId}/tracking':
      return get(`/v1/orders/${orderId}/tracking`);
    case 'POST /v1/fulfillment-orders/{fulfillmentOrderId}/labels':
      return post(`/v1/fulfillment-orders/${fulfillmentOrderId}/labels`, {
        parcel: { weightGrams: 500, dimensionsCm: { length: 20, width: 10, height: 5 } },
      });
    case 'POST /v1/carriers/shippo/tracking': {
      const body = JSON.stringify({
        event: 'track_updated',
        data: { carrier: 'usps', tracking_number: id, tracking_status: { status: 'TRANSIT' } },
      });
      const signature = signOmsPayload(
        DEMO_SHIPPO_SECRETS.webhook.value,
        body,
        Math.floor(Date.now() / 1000),
      );
      return {
        path: '/v1/carriers/shippo/tracking',
        init: { method: 'POST', headers: { [SHIPPO_SIGNATURE_HEADER]: signature }, body },
      };
    }
    case 'GET /v1/fulfillment-orders':
      return get('/v1/fulfillment-orders?overdue=true');
    case 'GET /v1/orders':
      return get('/v1/orders?status=RECEIVED&limit=5');
    case 'GET /v1/customers':
      return get('/v1/customers?email=ana%40example.com');
    case 'GET /v1/customers/{customerId}':
      return get(`/v1/customers/${customerId}`);
    case 'POST /v1/customers/{customerId}/export':
      return post(`/v1/customers/${customerId}/export`, {});
    case 'POST /v1/customers/{customerId}/erase':
      return post(`/v1/customers/${customerId}/erase`, {});
    case 'GET /v1/reports/sales':
      return get('/v1/reports/sales?from=2026-11-01&to=2026-11-30&groupBy=sku');
    case 'GET /v1/reports/bestsellers':
      return get('/v1/reports/bestsellers?from=2026-11-01&to=2026-11-30');
    case 'GET /v1/reports/fulfillment':
      return get('/v1/reports/fulfillment?from=2026-11-01&to=2026-11-30');
    case 'POST /v1/orders/{orderId}/route':
      return post(`/v1/orders/${waiting}/route`, {});
    case 'GET /v1/ops/dead-letters':
      return get('/v1/ops/dead-letters');
    case 'POST /v1/ops/dead-letters/{queue}/redrive':
      return post('/v1/ops/dead-letters/CustomersQueue/redrive', {});
    default:
      if (STATEFUL.has(routeKey)) {
        const action = routeKey.split('/').at(-1)!;
        const bodies: Record<string, unknown> = {
          reject: { reason: 'matrix test', lines: [{ lineId: '1', quantity: 1 }] },
          pick: { lines: [{ lineId: '1', quantity: 2 }] },
          pack: { packages: [{ lines: [{ lineId: '1', quantity: 1 }] }] },
          ship: { carrier: 'CTT', trackingNumber: id },
          'picked-up': { pickupCode: '123456' },
          'refuse-cancel': { reason: 'matrix test' },
        };
        const request = post(`/v1/fulfillment-orders/${fulfillmentOrderId}/${action}`, bodies[action] ?? {});
        (request.init.headers as Record<string, string>)['idempotency-key'] = id;
        return request;
      }
      throw new Error(`No request for ${routeKey}: add one, and its line in ALLOWED.`);
  }
}

async function send(routeKey: string, caller: Caller): Promise<Response> {
  const { path, init } = requestFor(routeKey);
  const headers = new Headers(init.headers);
  const token = tokens[caller];
  if (token) headers.set('authorization', `Bearer ${token}`);
  return fetch(`${runtime.url}${path}`, { ...init, headers });
}

/** Every item of every table, as sorted JSON lines. */
async function snapshot(): Promise<string[]> {
  const client = localClient(runtime.dynamodbEndpoint);
  try {
    const lines: string[] = [];
    for (const table of TABLES) {
      let ExclusiveStartKey: Record<string, never> | undefined;
      do {
        const page = await client.send(
          new ScanCommand({ TableName: `${tablePrefix}${table.id}`, ExclusiveStartKey }),
        );
        lines.push(...(page.Items ?? []).map((item) => `${table.id} ${JSON.stringify(item)}`));
        ExclusiveStartKey = page.LastEvaluatedKey as typeof ExclusiveStartKey;
      } while (ExclusiveStartKey);
    }
    return lines.sort();
  } finally {
    client.destroy();
  }
}

/** Waits until the streams and the router have done what the set-up started. */
async function settled(): Promise<string[]> {
  let previous = await snapshot();
  for (let attempt = 0; attempt < 40; attempt++) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    const current = await snapshot();
    if (JSON.stringify(current) === JSON.stringify(previous)) return current;
    previous = current;
  }
  throw new Error('The tables kept changing.');
}

beforeAll(async () => {
  runtime = await startLocalRuntime({
    port: 0,
    dynamodbEndpoint: inject('dynamodbEndpoint'),
    tablePrefix,
    pollIntervalMs: 50,
    streamRetryDelayMs: 50,
    scheduleIntervalMs: 0,
  });
  for (const [caller, principal] of Object.entries(CALLERS)) {
    tokens[caller as Caller] = await tokenFor(runtime.url, principal);
  }
  Object.assign(tokens, await refusedTokens(runtime.tokens));

  const posted = await send('POST /v1/channels/{channelId}/orders', 'no token');
  orderId = ((await posted.json()) as { orderId: string }).orderId;
  // A pick-up at the home store, so that its fulfillment order is the home store's work.
  await putStockLevel(
    newStockLevel({ sku: 'MATRIX-MUG', locationId: HOME, onHand: 50, now: new Date().toISOString() }),
  );
  const pickupBody = JSON.stringify(
    aCanonicalOrder({
      externalId: 'matrix-pickup',
      fulfillment: { type: 'pickup', locationId: HOME },
      lines: [{ lineId: '1', sku: 'MATRIX-MUG', quantity: 3, unitPrice: 500, discount: 0, tax: 0 }],
      totals: undefined,
    }),
  );
  const pickup = await fetch(`${runtime.url}/v1/channels/web/orders`, {
    method: 'POST',
    headers: {
      [OMS_SIGNATURE_HEADER]: signOmsPayload(DEMO_SIGNING_SECRET, pickupBody, Math.floor(Date.now() / 1000)),
    },
    body: pickupBody,
  });
  const pickupOrderId = ((await pickup.json()) as { orderId: string }).orderId;
  for (let attempt = 0; attempt < 100 && !fulfillmentOrderId; attempt++) {
    await new Promise((resolve) => setTimeout(resolve, 200));
    const view = await fetch(`${runtime.url}/v1/orders/${pickupOrderId}`, {
      headers: { authorization: `Bearer ${tokens.admin}` },
    });
    const order = (await view.json()) as { fulfillmentOrders?: { fulfillmentOrderId: string }[] };
    fulfillmentOrderId = order.fulfillmentOrders?.[0]?.fulfillmentOrderId ?? '';
  }
  expect(fulfillmentOrderId).not.toBe('');
  const base = await fetch(`${runtime.url}/v1/routing/rule-sets`, {
    method: 'POST',
    headers: { authorization: `Bearer ${tokens.admin}` },
    body: JSON.stringify(aRuleSet('matrix-base')),
  });
  expect(base.status).toBe(201);
  const grant = await fetch(`${runtime.url}/v1/machine-clients/matrix-wms`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${tokens.admin}` },
    body: JSON.stringify({ locationIds: [HOME] }),
  });
  expect(grant.status).toBe(201);
  for (const [path, body] of [
    [`/v1/products/${SKU}`, { name: 'Blue T-shirt, M' }],
    ['/v1/channels/matrix-secret', { name: 'Matrix secret shop', format: 'canonical' }],
  ] as const) {
    const created = await fetch(`${runtime.url}${path}`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${tokens.admin}` },
      body: JSON.stringify(body),
    });
    expect(created.status).toBe(201);
  }
  await prepareServiceRequests();
  await prepareCustomerRequests();
}, 180_000);
afterAll(() => runtime?.stop());

/** The orders, the delivery and the return the customer-service routes act on, one per request. */
async function prepareServiceRequests() {
  const signed = async (order: unknown) => {
    const body = JSON.stringify(order);
    const response = await fetch(`${runtime.url}/v1/channels/web/orders`, {
      method: 'POST',
      headers: {
        [OMS_SIGNATURE_HEADER]: signOmsPayload(DEMO_SIGNING_SECRET, body, Math.floor(Date.now() / 1000)),
      },
      body,
    });
    return ((await response.json()) as { orderId: string }).orderId;
  };
  const everyCallerOnce = Object.keys(CALLERS).length + 5;
  for (let index = 0; index < everyCallerOnce; index++)
    cancelable.push(await signed(aCanonicalOrder({ externalId: `matrix-cancel-${index}` })));
  delivered = await signed(
    aCanonicalOrder({
      externalId: 'matrix-delivered',
      lines: [{ lineId: '1', sku: 'IPOD2008RED', quantity: 30, unitPrice: 1000, discount: 0, tax: 0 }],
      totals: undefined,
    }),
  );
  const fulfillmentOrders = await vi.waitFor(
    async () => {
      const found = await listFulfillmentOrderStates(delivered);
      if (found.length === 0) throw new Error('not routed yet');
      return found;
    },
    { timeout: 30_000, interval: 200 },
  );
  for (const fo of fulfillmentOrders) await deliver(fo.fulfillmentOrderId);
  waiting = await signed(
    aCanonicalOrder({
      externalId: 'matrix-waiting',
      lines: [{ lineId: '1', sku: 'MATRIX-NO-STOCK', quantity: 1, unitPrice: 1000, discount: 0, tax: 0 }],
      totals: undefined,
    }),
  );
  await vi.waitFor(
    async () => {
      const response = await fetch(`${runtime.url}/v1/orders/${waiting}`, {
        headers: { authorization: `Bearer ${tokens.admin}` },
      });
      const { status } = (await response.json()) as { status: string };
      if (!['BACKORDERED', 'PARKED'].includes(status)) throw new Error(`still ${status}`);
    },
    { timeout: 30_000, interval: 200 },
  );
  const authorized = await fetch(`${runtime.url}/v1/returns`, {
    method: 'POST',
    headers: { authorization: `Bearer ${tokens.admin}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      orderId: delivered,
      lines: [{ lineId: '1', quantity: 20, reason: 'matrix test' }],
    }),
  });
  expect(authorized.status).toBe(201);
  returnId = ((await authorized.json()) as { returnId: string }).returnId;
}

/** Accept, pick, pack, ship and deliver, through the fulfillment side's own data layer. */
async function deliver(fulfillmentOrderId: string) {
  const lines = (fo: { lines: { lineId: string; quantity: number }[] }) =>
    fo.lines.map(({ lineId, quantity }) => ({ lineId, quantity }));
  const steps: [string, (fo: FulfillmentOrderState) => unknown][] = [
    ['accept', () => ({})],
    ['pick', (fo) => ({ lines: lines(fo) })],
    ['pack', (fo) => ({ packages: [{ lines: lines(fo) }] })],
    ['ship', () => ({ carrier: 'UPS', trackingNumber: '1Z999' })],
    [
      'track',
      (fo) => ({
        shipmentId: fo.shipments[0]!.shipmentId,
        status: 'delivered',
        occurredAt: new Date().toISOString(),
      }),
    ],
  ];
  for (const [action, body] of steps) {
    await changeFulfillmentOrder({
      fulfillmentOrderId,
      action: action as FulfillmentAction,
      decide: (fo) =>
        applyFulfillmentAction(fo, action, body(fo), {
          now: new Date().toISOString(),
          random: Math.random,
          newId: ulid,
        }),
      actor: { sub: 'matrix', role: 'store' },
      now: () => new Date().toISOString(),
    });
  }
}

const everyCaller = (): Caller[] => [
  ...(Object.keys(CALLERS) as Caller[]),
  'an expired token',
  'a token not valid yet',
  'a token from another issuer',
  'a malformed token',
  'no token',
];
const withValidToken = new Set<Caller>(Object.keys(CALLERS) as Caller[]);

function expectedStatus(routeKey: string, caller: Caller): '2xx' | 401 | 403 {
  const allowed = ALLOWED[routeKey];
  if (allowed === EVERYONE) return '2xx';
  if (!withValidToken.has(caller)) return 401;
  return allowed?.includes(caller) ? '2xx' : 403;
}

const routeKeys = ROUTES.map((route) => `${route.method} ${route.path}`);
const cases = routeKeys.flatMap((routeKey) =>
  everyCaller().map((caller) => ({ routeKey, caller, expected: expectedStatus(routeKey, caller) })),
);

describe('who may call what', () => {
  it('has a line for every route, and every route declares a known role and scope', () => {
    expect(Object.keys(ALLOWED).sort()).toEqual([...routeKeys].sort());
    for (const { access } of ROUTES) {
      if (!('roles' in access)) continue;
      expect(ROLES).toEqual(expect.arrayContaining([...access.roles]));
      expect(Object.keys(SCOPES)).toContain(access.scope);
    }
  });

  describe('refused', () => {
    let before: string[];
    beforeAll(async () => {
      before = await settled();
    }, 60_000);

    it.each(cases.filter((entry) => entry.expected !== '2xx'))(
      '$routeKey by $caller: $expected',
      async ({ routeKey, caller, expected }) => {
        const response = await send(routeKey, caller);

        expect(response.status).toBe(expected);
        expect(response.headers.get('content-type')).toBe('application/problem+json');
        expect(await response.json()).toMatchObject({ status: expected });
      },
    );

    it('wrote nothing for any refused request', async () => {
      expect(await snapshot()).toEqual(before);
    });
  });

  describe('allowed', () => {
    it.each(cases.filter((entry) => entry.expected === '2xx'))(
      '$routeKey by $caller: 2xx',
      async ({ routeKey, caller }) => {
        const response = await send(routeKey, caller);

        if (STATEFUL.has(routeKey)) {
          expect([200, 409], await response.clone().text()).toContain(response.status);
          return;
        }
        expect(response.status, await response.clone().text()).toBeGreaterThanOrEqual(200);
        expect(response.status).toBeLessThan(300);
      },
    );
  });
});

/** The customer the matrix's orders (all Ana's) are linked to, for the customer routes. */
let customerId = '';
async function prepareCustomerRequests() {
  customerId = await vi.waitFor(
    async () => {
      const response = await fetch(`${runtime.url}/v1/customers?email=ana%40example.com`, {
        headers: { authorization: `Bearer ${tokens.admin}` },
      });
      const { customers } = (await response.json()) as { customers: { customerId: string }[] };
      if (!customers[0]) throw new Error('not linked yet');
      return customers[0].customerId;
    },
    { timeout: 30_000, interval: 200 },
  );
}
