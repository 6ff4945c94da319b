import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { openApiDocument } from '../../../functions/api/openapi-document.js';
import { getOpenApi } from '../../../functions/api/openapi.js';
import { EVENT_CATALOGUE, OrderStatusChangedV1 } from '../../../functions/domain/events.js';
import { INVENTORY_EVENT_CATALOGUE } from '../../../functions/domain/inventory-events.js';
import { REROUTING_EVENT_CATALOGUE } from '../../../functions/domain/routing/rerouting.js';
import { ROUTES } from '../../../lib/topology.js';

interface Operation {
  summary?: string;
  responses: Record<string, unknown>;
}

const COMMITTED_COPY = new URL('../../../docs/openapi.json', import.meta.url);

const document = openApiDocument();
const ingest = document.paths['/v1/channels/{channelId}/orders'].post;

/** Every `$ref` anywhere in a JSON value. */
function refsIn(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(refsIn);
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([key, entry]) =>
    key === '$ref' && typeof entry === 'string' ? [entry] : refsIn(entry),
  );
}

/** Follows a local JSON pointer such as `#/components/schemas/Problem`. */
function resolve(pointer: string): unknown {
  return pointer
    .replace(/^#\//, '')
    .split('/')
    .reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], document);
}

describe('the OpenAPI document', () => {
  it('is OpenAPI 3.1', () => {
    expect(document.openapi).toMatch(/^3\.1\.\d+$/);
  });

  it('documents every route the API serves, and nothing else', () => {
    const documented = Object.entries(document.paths as Record<string, Record<string, unknown>>).flatMap(
      ([path, operations]) => Object.keys(operations).map((method) => `${method.toUpperCase()} ${path}`),
    );
    const served = ROUTES.map((route) => `${route.method} ${route.path}`);

    expect(documented.sort()).toEqual(served.sort());
    expect(served.sort()).toEqual(
      [
        'GET /openapi.json',
        'GET /v1/channels',
        'GET /v1/channels/{channelId}',
        'GET /v1/channels/{channelId}/availability',
        'GET /v1/fulfillment-orders/{fulfillmentOrderId}',
        'GET /v1/inventory/{sku}',
        'GET /v1/locations',
        'GET /v1/locations/{locationId}',
        'GET /v1/locations/{locationId}/fulfillment-orders',
        'GET /v1/locations/{locationId}/inventory',
        'GET /v1/machine-clients',
        'GET /v1/machine-clients/{clientId}',
        'GET /v1/orders/{orderId}',
        'GET /v1/products',
        'GET /v1/products/{sku}',
        'GET /v1/replenishment/suggestions',
        'GET /v1/routing/rule-sets/active',
        'GET /v1/routing/rule-sets/{ruleSetId}/versions/{version}',
        'POST /v1/channels/{channelId}/orders',
        ...[
          'accept',
          'pack',
          'pick',
          'picked-up',
          'ready-for-pickup',
          'receive',
          'reject',
          'ship',
          'accept-cancel',
          'refuse-cancel',
        ].map((action) => `POST /v1/fulfillment-orders/{fulfillmentOrderId}/${action}`),
        'POST /v1/inventory/movements',
        'POST /v1/locations/{locationId}/pos-sales',
        'POST /v1/routing/rule-sets',
        'POST /v1/routing/rule-sets/validate',
        'POST /v1/routing/rule-sets/{ruleSetId}/versions/{version}/activate',
        'POST /v1/routing/simulate',
        'PUT /v1/channels/{channelId}',
        'PUT /v1/channels/{channelId}/secret',
        'PUT /v1/locations/{locationId}',
        'PUT /v1/machine-clients/{clientId}',
        'PUT /v1/products/{sku}',
        'GET /v1/orders/{orderId}/tracking',
        'POST /v1/fulfillment-orders/{fulfillmentOrderId}/labels',
        'POST /v1/carriers/shippo/tracking',
        'GET /v1/fulfillment-orders',
        'GET /v1/orders/{orderId}/history',
        'GET /v1/returns/{returnId}',
        'POST /v1/orders/{orderId}/cancel',
        'POST /v1/returns',
        'POST /v1/returns/{returnId}/receive',
        'PUT /v1/orders/{orderId}/shipping-address',
        'GET /v1/orders',
        'GET /v1/customers',
        'GET /v1/customers/{customerId}',
        'POST /v1/customers/{customerId}/export',
        'POST /v1/customers/{customerId}/erase',
        'GET /v1/reports/sales',
        'GET /v1/reports/bestsellers',
        'GET /v1/reports/fulfillment',
        'POST /v1/orders/{orderId}/route',
        'GET /v1/ops/dead-letters',
        'POST /v1/ops/dead-letters/{queue}/redrive',
      ].sort(),
    );
  });

  it('gives every operation a summary and at least one success answer', () => {
    const operations = Object.values(document.paths as Record<string, Record<string, Operation>>).flatMap(
      (byMethod) => Object.values(byMethod),
    );

    for (const operation of operations) {
      expect(operation.summary, JSON.stringify(operation)).toMatch(/\w/);
      expect(Object.keys(operation.responses).some((status) => /^2\d\d$/.test(status))).toBe(true);
    }
  });

  it('documents the ingest endpoint with every answer it gives', () => {
    expect(Object.keys(ingest.responses).sort()).toEqual([
      '200',
      '202',
      '400',
      '401',
      '404',
      '409',
      '413',
      '503',
    ]);
    expect(ingest.security).toEqual([{ omsSignature: [] }]);
    expect(document.components.securitySchemes.omsSignature).toMatchObject({
      in: 'header',
      name: 'x-oms-signature',
    });
  });

  it('describes every error answer as an RFC 9457 problem', () => {
    const problems = Object.entries(ingest.responses).filter(([status]) => Number(status) >= 400);

    expect(problems).toHaveLength(6);
    for (const [, response] of problems) {
      expect(response).toMatchObject({
        content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
      });
    }
  });

  it('takes the request schema from the CanonicalOrder zod schema, with amounts as integers', () => {
    const schema = document.components.schemas.CanonicalOrder as unknown as {
      required: string[];
      additionalProperties: unknown;
      properties: { lines: { items: { properties: { unitPrice: { type: string } } } } };
    };

    expect(schema.required).toEqual(
      expect.arrayContaining(['externalId', 'placedAt', 'currency', 'fulfillment', 'lines']),
    );
    expect(schema.additionalProperties).toBe(false);
    expect(schema.properties.lines.items.properties.unitPrice.type).toBe('integer');
  });

  it.each(ROUTES.filter((route) => 'roles' in route.access))(
    'says who may call $method $path, as the access table does, with its 401 and 403',
    (route) => {
      const operation = (document.paths as Record<string, Record<string, Record<string, unknown>>>)[
        route.path
      ]![route.method.toLowerCase()]!;
      const scope = 'scope' in route.access ? route.access.scope : '';

      expect(operation.security).toEqual([{ bearer: [] }, { oauth2: [scope] }]);
      expect(operation['x-oms-access']).toEqual(route.access);
      expect(Object.keys(operation.responses as object)).toEqual(expect.arrayContaining(['401', '403']));
      expect(
        Object.keys(document.components.securitySchemes.oauth2.flows.clientCredentials.scopes),
      ).toContain(scope);
    },
  );

  it('has no $ref that points nowhere', () => {
    const refs = refsIn(document);

    expect(refs.length).toBeGreaterThan(0);
    expect(refs.filter((ref) => resolve(ref) === undefined)).toEqual([]);
  });

  it('gives every catalogued event its schema (the order status events share OrderStatusChangedEvent)', () => {
    const schemas = document.components.schemas as Record<string, unknown>;
    const catalogued = [...EVENT_CATALOGUE, ...INVENTORY_EVENT_CATALOGUE, ...REROUTING_EVENT_CATALOGUE];
    const missing = catalogued
      .map(({ detailType, schema }) =>
        schema === OrderStatusChangedV1 ? 'OrderStatusChangedEvent' : `${detailType}Event`,
      )
      .filter((name) => schemas[name] === undefined);

    expect(missing).toEqual([]);
  });

  it('is served as JSON at /openapi.json', async () => {
    const response = await getOpenApi();

    expect(response.statusCode).toBe(200);
    expect(JSON.parse(response.body ?? '{}')).toEqual(JSON.parse(JSON.stringify(document)));
  });
});

describe('docs/openapi.json', () => {
  it('is the document the code renders (regenerate it with `npm run openapi` and commit the result)', () => {
    const committed = readFileSync(COMMITTED_COPY, 'utf8');

    expect(
      JSON.parse(committed),
      'docs/openapi.json is out of date: run `npm run openapi` and commit the result',
    ).toEqual(JSON.parse(JSON.stringify(document)));
    expect(committed, 'docs/openapi.json is not formatted as `npm run openapi` writes it').toBe(
      `${JSON.stringify(document, null, 2)}\n`,
    );
  });
});
