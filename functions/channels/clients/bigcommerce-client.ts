import type { BigCommerceOrderBundle } from '../bigcommerce.js';
import { getJson, type HttpClientOptions } from './http.js';

export interface BigCommerceClientOptions extends HttpClientOptions {
  /** https://api.bigcommerce.com/stores/{store_hash} */
  baseUrl: string;
  accessToken: string;
}

/** BigCommerce caps V2 sub-resource pages at 250 rows. */
const PAGE_SIZE = 250;

/**
 * Resolves a thin `store/order/*` webhook: the V2 order (with its consignments, where pick-ups
 * live), all its products and its shipping addresses.
 */
export function createBigCommerceClient(options: BigCommerceClientOptions) {
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const headers = { 'x-auth-token': options.accessToken };
  const get = (path: string) => getJson(`${baseUrl}${path}`, headers, options);

  async function getAllPages(path: string): Promise<unknown[]> {
    const rows: unknown[] = [];
    for (let page = 1; ; page += 1) {
      const response = await get(`${path}?limit=${PAGE_SIZE}&page=${page}`);
      // An empty sub-resource is a 204 with no body, not an empty array.
      const batch = Array.isArray(response.body) ? response.body : [];
      rows.push(...batch);
      if (batch.length < PAGE_SIZE) return rows;
    }
  }

  return {
    /** The order with its products and shipping addresses, or undefined when the store has no such order. */
    async fetchOrder(orderId: number): Promise<BigCommerceOrderBundle | undefined> {
      const order = await get(`/v2/orders/${orderId}?include=consignments`);
      if (order.status === 404) return undefined;
      const [products, shippingAddresses] = await Promise.all([
        getAllPages(`/v2/orders/${orderId}/products`),
        getAllPages(`/v2/orders/${orderId}/shipping_addresses`),
      ]);
      return { order: order.body, products, shippingAddresses };
    },
  };
}
