import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  aBigCommerceOrder,
  aBigCommerceProductList,
  aBigCommerceShippingAddress,
  aSquareOrder,
} from '../unit/channels/helpers.js';

/**
 * The channel APIs the fuzzed Square and BigCommerce channels call for thin webhooks, on
 * 127.0.0.1: every order id they are asked for exists (so a fuzzed webhook reaches the mapping),
 * except ids that no real store would have, which answer 404 as the real APIs do.
 */
export interface FuzzChannelApis {
  squareBaseUrl: string;
  bigCommerceBaseUrl: string;
  stop(): Promise<void>;
}

const SQUARE_ORDER = /^\/square\/v2\/orders\/([^/?]+)$/;
const BIGCOMMERCE = /^\/bigcommerce\/v2\/orders\/(\d+)(\/products|\/shipping_addresses)?$/;

export async function startFuzzChannelApis(): Promise<FuzzChannelApis> {
  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const send = (status: number, body?: unknown) => {
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(body === undefined ? undefined : JSON.stringify(body));
    };
    const square = SQUARE_ORDER.exec(url.pathname);
    if (square) {
      const id = decodeURIComponent(square[1]!);
      return id.length > 192
        ? send(404, { errors: [{ code: 'NOT_FOUND' }] })
        : send(200, { order: aSquareOrder({ id }) });
    }
    const bigCommerce = BIGCOMMERCE.exec(url.pathname);
    if (bigCommerce) {
      const id = Number(bigCommerce[1]);
      if (!Number.isSafeInteger(id)) return send(404, { status: 404 });
      if (bigCommerce[2] && url.searchParams.get('page') !== '1') return send(204);
      if (bigCommerce[2] === '/products') return send(200, aBigCommerceProductList());
      if (bigCommerce[2] === '/shipping_addresses') return send(200, [aBigCommerceShippingAddress()]);
      return send(200, aBigCommerceOrder({ id }));
    }
    send(404, { error: 'not found' });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    squareBaseUrl: `${base}/square`,
    bigCommerceBaseUrl: `${base}/bigcommerce`,
    stop: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
