import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  LocalHttpServer,
  matchRoute,
  toApiGatewayEvent,
  type RequestSnapshot,
} from '../../../lib/local/http-server.js';
import { ROUTES, type RouteSpec } from '../../../lib/topology.js';

const postOrderRoute = ROUTES.find((route) => route.function === 'postOrder')!;

function aRequest(overrides: Partial<RequestSnapshot> = {}): RequestSnapshot {
  return {
    method: 'POST',
    url: '/v1/channels/web/orders?dryRun=1&tag=a&tag=b',
    headers: {
      host: '127.0.0.1:3000',
      'content-type': 'application/json',
      'x-oms-signature': 't=1,v1=ab',
      cookie: 'session=1; theme=dark',
      'user-agent': 'curl/8',
    },
    body: '{"externalId":"W-1001"}',
    sourceIp: '127.0.0.1',
    port: 3000,
    ...overrides,
  };
}

describe('matchRoute', () => {
  it('matches path parameters, decoded, and only for the route method', () => {
    expect(matchRoute(ROUTES, 'POST', '/v1/channels/web/orders')).toEqual({
      route: postOrderRoute,
      pathParameters: { channelId: 'web' },
    });
    expect(matchRoute(ROUTES, 'GET', '/v1/orders/01J%2Fx')?.pathParameters).toEqual({ orderId: '01J/x' });
    expect(matchRoute(ROUTES, 'GET', '/v1/channels/web/orders')).toBeUndefined();
    expect(matchRoute(ROUTES, 'POST', '/v1/channels//orders')).toBeUndefined();
    expect(matchRoute(ROUTES, 'POST', '/v1/channels/web/orders/extra')).toBeUndefined();
  });

  it('matches a greedy {name+} parameter over the rest of the path', () => {
    const routes: RouteSpec[] = [
      { method: 'GET', path: '/files/{path+}', function: 'openApi', access: { public: 'a test route' } },
    ];
    expect(matchRoute(routes, 'GET', '/files/a/b/c.json')?.pathParameters).toEqual({ path: 'a/b/c.json' });
    expect(matchRoute(routes, 'GET', '/files/')).toBeUndefined();
  });
});

describe('toApiGatewayEvent', () => {
  it('builds the HTTP API payload 2.0 event API Gateway sends', () => {
    vi.useFakeTimers({ toFake: ['Date'], now: Date.UTC(2026, 10, 22, 10, 0, 5, 250) });
    const event = toApiGatewayEvent(aRequest(), {
      route: postOrderRoute,
      pathParameters: { channelId: 'web' },
    });

    expect(event).toMatchObject({
      version: '2.0',
      routeKey: 'POST /v1/channels/{channelId}/orders',
      rawPath: '/v1/channels/web/orders',
      rawQueryString: 'dryRun=1&tag=a&tag=b',
      queryStringParameters: { dryRun: '1', tag: 'a,b' },
      pathParameters: { channelId: 'web' },
      cookies: ['session=1', 'theme=dark'],
      body: '{"externalId":"W-1001"}',
      isBase64Encoded: false,
      requestContext: {
        routeKey: 'POST /v1/channels/{channelId}/orders',
        stage: '$default',
        http: { method: 'POST', path: '/v1/channels/web/orders', sourceIp: '127.0.0.1', userAgent: 'curl/8' },
      },
    });
    expect(event.headers).toMatchObject({ 'x-oms-signature': 't=1,v1=ab', 'x-forwarded-proto': 'http' });
    expect(event.headers).not.toHaveProperty('cookie');
    expect(event.requestContext.requestId).toEqual(expect.any(String));
    expect(event.requestContext.time).toBe('22/Nov/2026:10:00:05 +0000');
    expect(event.requestContext.timeEpoch).toBe(Date.UTC(2026, 10, 22, 10, 0, 5, 250));
  });

  it('leaves out the query, path parameters and body a request does not have', () => {
    const event = toApiGatewayEvent(
      aRequest({ method: 'GET', url: '/openapi.json', body: '', headers: {} }),
      {
        route: {
          method: 'GET',
          path: '/openapi.json',
          function: 'openApi',
          access: { public: 'a test route' },
        },
        pathParameters: {},
      },
    );

    expect(event.rawQueryString).toBe('');
    expect(event).not.toHaveProperty('queryStringParameters');
    expect(event).not.toHaveProperty('pathParameters');
    expect(event).not.toHaveProperty('body');
    expect(event).not.toHaveProperty('cookies');
  });
});

describe('LocalHttpServer', () => {
  let server: LocalHttpServer | undefined;
  afterEach(() => server?.close());

  async function serve(invoke: (route: RouteSpec, event: APIGatewayProxyEventV2) => Promise<unknown>) {
    // Every bearer token is accepted here: these tests are about the HTTP plumbing, not access.
    server = new LocalHttpServer({
      routes: ROUTES,
      invoke,
      verifyToken: async () => ({ claims: { sub: 'test' }, scopes: null }),
    });
    const url = await server.listen(0);
    server.markReady();
    return url;
  }

  it('writes back the status, headers and body of the handler result', async () => {
    const url = await serve(async (_route, event) => ({
      statusCode: 202,
      headers: { 'content-type': 'application/json', location: '/v1/orders/01J' },
      body: JSON.stringify({ channelId: event.pathParameters?.channelId, body: event.body }),
    }));

    const response = await fetch(`${url}/v1/channels/web/orders`, { method: 'POST', body: 'hello' });

    expect(response.status).toBe(202);
    expect(response.headers.get('location')).toBe('/v1/orders/01J');
    expect(await response.json()).toEqual({ channelId: 'web', body: 'hello' });
  });

  it('answers health, unknown routes with 404 and a crashing handler with 500, as problem+json', async () => {
    const url = await serve(async () => {
      throw new Error('boom');
    });

    expect(await (await fetch(`${url}/health`)).json()).toEqual({ status: 'ok' });
    const notFound = await fetch(`${url}/nowhere`);
    expect(notFound.status).toBe(404);
    expect(notFound.headers.get('content-type')).toBe('application/problem+json');
    const crashed = await fetch(`${url}/openapi.json`);
    expect(crashed.status).toBe(500);
    expect(await crashed.json()).toMatchObject({ status: 500, title: 'Internal error' });
  });

  it('answers 503 with Retry-After, not a handler error, until the runtime is ready', async () => {
    let invoked = false;
    server = new LocalHttpServer({
      routes: ROUTES,
      invoke: async () => {
        invoked = true;
        return { statusCode: 200 };
      },
    });
    const url = await server.listen(0);

    const early = await fetch(`${url}/v1/channels/web/orders`, { method: 'POST', body: '{}' });
    expect(early.status).toBe(503);
    expect(early.headers.get('retry-after')).toBe('1');
    expect(await early.json()).toMatchObject({ status: 503, title: 'Starting' });
    expect((await fetch(`${url}/health`)).status).toBe(503);
    expect(invoked).toBe(false);

    server.markReady();
    expect((await fetch(`${url}/v1/channels/web/orders`, { method: 'POST', body: '{}' })).status).toBe(200);
  });

  it('refuses a body over 10 MB with 413 without invoking the handler', async () => {
    let invoked = false;
    const url = await serve(async () => {
      invoked = true;
      return { statusCode: 200 };
    });

    const response = await fetch(`${url}/v1/channels/web/orders`, {
      method: 'POST',
      body: 'x'.repeat(10 * 1024 * 1024 + 1),
    });

    expect(response.status).toBe(413);
    expect(invoked).toBe(false);
  });

  it('answers 413, not a reset connection, to an oversized upload streamed without a length', async () => {
    const url = await serve(async () => ({ statusCode: 200 }));
    const chunk = new Uint8Array(1024 * 1024).fill(120);
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent++ < 11) controller.enqueue(chunk);
        else controller.close();
      },
    });

    const response = await fetch(`${url}/v1/channels/web/orders`, { method: 'POST', body, duplex: 'half' });

    expect(response.status).toBe(413);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect(await response.json()).toMatchObject({ status: 413, limitBytes: 10 * 1024 * 1024 });
  });

  it('decodes a path parameter once and answers malformed percent-encoding with 400', async () => {
    const seen: (string | undefined)[] = [];
    const url = await serve(async (_route, event) => {
      seen.push(event.pathParameters?.orderId);
      return { statusCode: 200 };
    });

    const malformed = await fetch(`${url}/v1/orders/A%ZZ`);
    await fetch(`${url}/v1/orders/A%2541`);

    expect(malformed.status).toBe(400);
    expect(malformed.headers.get('content-type')).toBe('application/problem+json');
    expect(await malformed.json()).toMatchObject({ errors: [{ path: 'orderId' }] });
    expect(seen).toEqual(['A%41']);
  });

  it('answers 401 for a route that needs a token when the authorizer refuses it, invoking nothing', async () => {
    let invoked = false;
    server = new LocalHttpServer({
      routes: ROUTES,
      invoke: async () => {
        invoked = true;
        return { statusCode: 200 };
      },
      verifyToken: async (authorization) => {
        if (authorization !== 'Bearer good') throw new Error('The token was rejected.');
        return { claims: { sub: 'maria' }, scopes: null };
      },
    });
    const url = await server.listen(0);
    server.markReady();

    const refused = await fetch(`${url}/v1/inventory/SKU-1`, { headers: { authorization: 'Bearer bad' } });
    expect(refused.status).toBe(401);
    expect(refused.headers.get('www-authenticate')).toBe('Bearer');
    expect(await refused.json()).toMatchObject({ status: 401, detail: 'The token was rejected.' });
    expect(invoked).toBe(false);
    expect(
      (await fetch(`${url}/v1/inventory/SKU-1`, { headers: { authorization: 'Bearer good' } })).status,
    ).toBe(200);
  });

  it('passes the verified claims where API Gateway puts them', async () => {
    let seen: unknown;
    server = new LocalHttpServer({
      routes: ROUTES,
      invoke: async (_route, event) => {
        seen = (event.requestContext as { authorizer?: unknown }).authorizer;
        return { statusCode: 200 };
      },
      verifyToken: async () => ({ claims: { sub: 'maria' }, scopes: ['oms/inventory.read'] }),
    });
    const url = await server.listen(0);
    server.markReady();

    await fetch(`${url}/v1/inventory/SKU-1`, { headers: { authorization: 'Bearer any' } });

    expect(seen).toEqual({ jwt: { claims: { sub: 'maria' }, scopes: ['oms/inventory.read'] } });
  });

  it('answers a local POST endpoint with what it returns, and 400 when it throws', async () => {
    server = new LocalHttpServer({
      routes: ROUTES,
      invoke: async () => ({ statusCode: 200 }),
      localPostEndpoints: {
        '/_local/echo': (body) => {
          if (typeof body !== 'object' || body === null || !('name' in body)) throw new Error('Name it.');
          return Promise.resolve({ hello: body.name });
        },
      },
    });
    const url = await server.listen(0);
    server.markReady();

    const echoed = await fetch(`${url}/_local/echo`, { method: 'POST', body: '{"name":"maria"}' });
    expect(await echoed.json()).toEqual({ hello: 'maria' });
    const refused = await fetch(`${url}/_local/echo`, { method: 'POST', body: '{}' });
    expect(refused.status).toBe(400);
    expect(await refused.json()).toMatchObject({ status: 400, detail: 'Name it.' });
  });
});
