import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { Actor, ClaimValue, Role } from '../../functions/domain/access.js';
import type { CanonicalOrderInput } from '../../functions/domain/order.js';
import { signOmsPayload } from '../../functions/domain/signature.js';

/** The example order from the API contract, with overrides for the case at hand. */
export function aCanonicalOrder(overrides: Partial<CanonicalOrderInput> = {}): CanonicalOrderInput {
  return {
    externalId: 'W-1001',
    placedAt: '2026-11-22T10:00:00Z',
    currency: 'EUR',
    customer: { email: 'ana@example.com', name: 'Ana Silva', phone: '+351912345678' },
    shippingAddress: {
      name: 'Ana Silva',
      line1: 'Rua Augusta 100',
      city: 'Lisboa',
      postalCode: '1100-053',
      country: 'PT',
      lat: 38.7103,
      lon: -9.1366,
    },
    fulfillment: { type: 'ship', method: 'standard' },
    lines: [{ lineId: '1', sku: 'TSHIRT-BLUE-M', quantity: 2, unitPrice: 1999, discount: 0, tax: 460 }],
    shippingPrice: 495,
    totals: { subtotal: 3998, discount: 0, tax: 460, shipping: 495, total: 4953 },
    ...overrides,
  };
}

/** Who a test acts as: a role and, for stores and machine clients, their limits and scopes. */
export interface TestPrincipal {
  role: Role;
  sub?: string;
  locationIds?: string[];
  channelIds?: string[];
  scopes?: string[];
  clientId?: string;
}

export const AN_ADMIN: TestPrincipal = { role: 'admin', sub: 'test-admin' };

/** The actor a repository records, for tests that call one directly. */
export function anActor(overrides: Partial<Actor> = {}): Actor {
  return { sub: 'test-ops', role: 'ops', ...overrides };
}

/**
 * The claims and scopes API Gateway's JWT authorizer passes for a principal's access token,
 * shaped as Cognito issues them (groups for people, `client_id` and scopes for machine clients).
 */
export function jwtAuthorizerContext(principal: TestPrincipal) {
  const claims: Record<string, ClaimValue> = {
    sub: principal.sub ?? `test-${principal.role}`,
    iss: 'https://issuer.test',
    client_id: principal.clientId ?? 'test-client',
    token_use: 'access',
    ...(principal.role !== 'integration' && { role: principal.role }),
    ...(principal.locationIds && { locations: principal.locationIds.join(',') }),
    ...(principal.channelIds && { channels: principal.channelIds.join(',') }),
    ...(principal.scopes && { scope: principal.scopes.join(' ') }),
  };
  return { jwt: { claims, scopes: principal.scopes ?? null } };
}

/**
 * An HTTP API (payload 2.0) event, as API Gateway and the local runtime hand it to a handler,
 * with the verified token of `principal` (an admin unless told; `null` for no token).
 */
export function anApiEvent(args: {
  method?: string;
  path: string;
  pathParameters?: Record<string, string>;
  body?: string;
  headers?: Record<string, string>;
  query?: Record<string, string>;
  principal?: TestPrincipal | null;
  /** The route as declared in functions/routes, when it differs from the path. */
  routeKey?: string;
}): APIGatewayProxyEventV2 {
  const principal = args.principal === undefined ? AN_ADMIN : args.principal;
  const method = args.method ?? 'GET';
  const rawQueryString = new URLSearchParams(args.query ?? {}).toString();
  const routeKey = args.routeKey ?? `${method} ${args.path}`;
  return {
    version: '2.0',
    routeKey,
    rawPath: args.path,
    rawQueryString,
    headers: { host: '127.0.0.1', 'content-type': 'application/json', ...args.headers },
    ...(args.query && { queryStringParameters: args.query }),
    ...(args.pathParameters && { pathParameters: args.pathParameters }),
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      domainName: '127.0.0.1',
      domainPrefix: '127',
      http: { method, path: args.path, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'vitest' },
      requestId: `req-${Math.random().toString(36).slice(2)}`,
      routeKey,
      stage: '$default',
      time: new Date().toUTCString(),
      timeEpoch: Date.now(),
      ...(principal && { authorizer: jwtAuthorizerContext(principal) }),
    },
    ...(args.body !== undefined && { body: args.body }),
    isBase64Encoded: false,
  };
}

/** A signed POST of a canonical order to a channel, as a channel would send it. */
export function aSignedOrderPost(args: {
  channelId?: string;
  order?: unknown;
  body?: string;
  secret?: string;
  signedAt?: number;
}): APIGatewayProxyEventV2 {
  const channelId = args.channelId ?? 'web';
  const body = args.body ?? JSON.stringify(args.order ?? aCanonicalOrder());
  const signature = signOmsPayload(
    args.secret ?? 'test-secret',
    body,
    args.signedAt ?? Math.floor(Date.now() / 1000),
  );
  return anApiEvent({
    method: 'POST',
    path: `/v1/channels/${channelId}/orders`,
    pathParameters: { channelId },
    body,
    headers: { 'x-oms-signature': signature },
  });
}
