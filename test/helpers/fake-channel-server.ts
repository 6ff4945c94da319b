import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * The HTTP part of the channel API fakes (fake-shopify-admin.ts, fake-woocommerce-api.ts): a
 * server on 127.0.0.1 that records every request, answers through the fake's routes, and can be
 * told to misbehave first: answer a status (429 with Retry-After, 500, 503), or never answer.
 */
export interface RecordedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: unknown;
}

export interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface Fault {
  /** Which requests it hits; every request when absent. */
  match?: (request: RecordedRequest) => boolean;
  /** How many matching requests it hits before the fake answers normally again. */
  times: number;
  /** `hang`: the request is read and never answered. */
  reply: Reply | 'hang';
}

export type Route = (request: RecordedRequest) => Reply | undefined;

/**
 * An id the fake answers as a bare JSON number of any size, as Shopify does (its ids exceed
 * 2^53, which a JavaScript number can not hold).
 */
export const jsonNumber = (digits: string) => `#number:${digits}`;

export async function startFakeChannelServer(route: Route) {
  const requests: RecordedRequest[] = [];
  const faults: Fault[] = [];
  const server = createServer((incoming, response) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const url = new URL(incoming.url ?? '/', 'http://127.0.0.1');
      const request: RecordedRequest = {
        method: incoming.method ?? 'GET',
        path: url.pathname,
        query: url.searchParams,
        headers: incoming.headers,
        body: text === '' ? undefined : (JSON.parse(text) as unknown),
      };
      requests.push(request);
      const fault = faults.find((candidate) => candidate.times > 0 && (candidate.match?.(request) ?? true));
      if (fault) fault.times -= 1;
      if (fault?.reply === 'hang') return;
      const reply = fault?.reply ?? route(request) ?? { status: 404, body: { errors: 'Not Found' } };
      const body =
        reply.body === undefined ? '' : JSON.stringify(reply.body).replace(/"#number:(\d+)"/g, '$1');
      response.writeHead(reply.status, {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(body),
        ...reply.headers,
      });
      response.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    requests,
    /** Requests other than reads: what changed the channel. */
    writes: () => requests.filter((request) => request.method !== 'GET'),
    inject(fault: Fault) {
      faults.push(fault);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
