import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A stand-in for Login with Amazon and the Selling Partner API on 127.0.0.1: each test says how
 * it answers, and reads back what the client sent (form bodies included, for the token exchange).
 */
export interface SpApiRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface SpApiResponse {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export const FAKE_ACCESS_TOKEN = 'Atza|fake-access-token';

export async function startFakeSpApi(respond: (request: SpApiRequest) => SpApiResponse) {
  const requests: SpApiRequest[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const url = new URL(request.url ?? '/', 'http://127.0.0.1');
      const recorded = {
        method: request.method ?? 'GET',
        path: url.pathname,
        query: url.searchParams,
        headers: request.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      requests.push(recorded);
      const { status, body, headers = {} } = respond(recorded);
      response.writeHead(status, { 'content-type': 'application/json', ...headers });
      response.end(body === undefined ? undefined : JSON.stringify(body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const baseUrl = `http://127.0.0.1:${port}`;
  return {
    baseUrl,
    lwaUrl: `${baseUrl}/auth/o2/token`,
    requests,
    /** The SP-API calls, without the token exchanges. */
    apiRequests: () => requests.filter((request) => request.path.startsWith('/orders/')),
    /** The requests for Restricted Data Tokens. */
    tokenRequests: () => requests.filter((request) => request.path === RESTRICTED_DATA_TOKEN_PATH),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Login with Amazon's answer to a refresh-token grant. */
export function tokenResponse(expiresInSeconds = 3600): SpApiResponse {
  return {
    status: 200,
    body: {
      access_token: FAKE_ACCESS_TOKEN,
      token_type: 'bearer',
      expires_in: expiresInSeconds,
      refresh_token: 'Atzr|r',
    },
  };
}

export const RESTRICTED_DATA_TOKEN_PATH = '/tokens/2021-03-01/restrictedDataToken';

/** What getOrderAddress leaves of an address when the call carries no Restricted Data Token for it. */
const UNRESTRICTED_ADDRESS_FIELDS = ['City', 'StateOrRegion', 'PostalCode', 'CountryCode', 'AddressType'];

/**
 * Amazon's Tokens API and its effect on getOrderAddress: `issue` answers createRestrictedDataToken
 * with a token granting the resources asked for, and `address` sends the full address only to a
 * call whose x-amz-access-token grants its path, the unrestricted fields otherwise.
 */
export function restrictedData() {
  const grants = new Map<string, Set<string>>();
  return {
    issue(request: SpApiRequest): SpApiResponse {
      const { restrictedResources } = JSON.parse(request.body) as {
        restrictedResources: { method: string; path: string }[];
      };
      const token = `Atz.sprdt|fake-${grants.size + 1}`;
      grants.set(token, new Set(restrictedResources.map(({ method, path }) => `${method} ${path}`)));
      return { status: 200, body: { restrictedDataToken: token, expiresIn: 3600 } };
    },
    address(request: SpApiRequest, shippingAddress: Record<string, unknown>): SpApiResponse {
      const token = String(request.headers['x-amz-access-token']);
      const granted = grants.get(token)?.has(`${request.method} ${request.path}`) ?? false;
      const sent = granted
        ? shippingAddress
        : Object.fromEntries(
            Object.entries(shippingAddress).filter(([field]) => UNRESTRICTED_ADDRESS_FIELDS.includes(field)),
          );
      return { status: 200, body: { payload: { ShippingAddress: sent } } };
    },
    /** The paths a token grants, or undefined for a token this fake did not issue. */
    grantedBy: (token: unknown) => grants.get(String(token)),
  };
}

/** A clock whose sleeps move time forward at once and are recorded. */
export function virtualClock(start = Date.UTC(2026, 0, 15, 12)) {
  let now = start;
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => now,
    advance: (milliseconds: number) => void (now += milliseconds),
    sleep: async (milliseconds: number) => {
      sleeps.push(milliseconds);
      now += milliseconds;
    },
  };
}
