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
