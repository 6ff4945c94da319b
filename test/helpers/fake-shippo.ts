import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A stand-in for Shippo's REST API on 127.0.0.1: each test says how it answers (a status and a
 * JSON body, or a raw body, after an optional delay) and reads back what the client sent.
 */
export interface ShippoRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: unknown;
}

export interface ShippoReply {
  status: number;
  body?: unknown;
  /** Sent as is instead of `body`, to test answers that are too large or not JSON. */
  raw?: string;
  delayMs?: number;
  /** Streams `raw` in two chunks without a content-length, as a proxy might. */
  chunked?: boolean;
}

export const FAKE_SHIPPO_TOKEN = 'shippo_test_fake-token';

export async function startFakeShippo(respond: (request: ShippoRequest) => ShippoReply) {
  const requests: ShippoRequest[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const recorded = {
        method: request.method ?? 'GET',
        path: new URL(request.url ?? '/', 'http://127.0.0.1').pathname,
        headers: request.headers,
        body: text === '' ? undefined : JSON.parse(text),
      };
      requests.push(recorded);
      const reply = respond(recorded);
      setTimeout(() => {
        if (response.destroyed) return;
        const text = reply.raw ?? (reply.body === undefined ? undefined : JSON.stringify(reply.body));
        response.writeHead(reply.status, {
          'content-type': 'application/json',
          ...(!reply.chunked && { 'content-length': Buffer.byteLength(text ?? '') }),
        });
        if (reply.chunked && text !== undefined) {
          response.write(text.slice(0, text.length / 2));
          response.end(text.slice(text.length / 2));
        } else response.end(text);
      }, reply.delayMs ?? 0);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A rate as Shippo lists it on a shipment. */
export function aShippoRate(overrides: Record<string, unknown> = {}) {
  return {
    object_id: 'rate-usps-priority',
    amount: '7.85',
    currency: 'USD',
    provider: 'USPS',
    servicelevel: { token: 'usps_priority', name: 'Priority Mail' },
    estimated_days: 2,
    ...overrides,
  };
}

/** Shippo's answer to POST /shipments/ with the rates given. */
export function aShippoShipment(rates: unknown[]) {
  return { object_id: 'shipment-1', status: 'SUCCESS', rates };
}

/** Shippo's answer to POST /transactions/ for a label bought. */
export function aShippoTransaction(overrides: Record<string, unknown> = {}) {
  return {
    object_id: 'transaction-1',
    status: 'SUCCESS',
    tracking_number: '9400111899223197428490',
    tracking_url_provider: 'https://tools.usps.com/go/TrackConfirmAction?tLabels=9400111899223197428490',
    label_url: 'https://shippo-delivery.example/label-1.pdf',
    rate: 'rate-usps-ground',
    messages: [],
    ...overrides,
  };
}
