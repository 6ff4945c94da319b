import { getJson, type HttpClientOptions } from './http.js';

/** The slice of Square's Orders API the adapter needs to resolve a thin `order.created` webhook. */
export interface SquareClientOptions extends HttpClientOptions {
  /** https://connect.squareup.com in production, https://connect.squareupsandbox.com in the sandbox. */
  baseUrl: string;
  accessToken: string;
  /** Square pins the response shape to this API version. */
  squareVersion?: string;
}

export const SQUARE_API_VERSION = '2025-01-23';

export function createSquareClient(options: SquareClientOptions) {
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const headers = {
    authorization: `Bearer ${options.accessToken}`,
    'square-version': options.squareVersion ?? SQUARE_API_VERSION,
  };
  return {
    /** GET /v2/orders/{order_id}: the order, or undefined when Square does not know it. */
    async retrieveOrder(orderId: string): Promise<unknown> {
      const response = await getJson(`${baseUrl}/v2/orders/${encodeURIComponent(orderId)}`, headers, options);
      if (response.status === 404) return undefined;
      return (response.body as { order?: unknown } | undefined)?.order;
    },
  };
}
