import type { BigCommerceOrderBundle } from '../bigcommerce.js';
import { ChannelApiError, deadlineOf, getJson, type HttpClientOptions } from './http.js';

export interface BigCommerceClientOptions extends HttpClientOptions {
  /** https://api.bigcommerce.com/stores/{store_hash} */
  baseUrl: string;
  accessToken: string;
}

/** BigCommerce caps V2 sub-resource pages at 250 rows. */
const PAGE_SIZE = 250;
/** 5,000 products or addresses, far more than an order the OMS can store: a store that keeps
 * answering full pages is not an order to wait for. */
export const MAX_PAGES = 20;

/**
 * Resolves a thin `store/order/*` webhook: the V2 order (with its consignments, where pick-ups
 * live), all its products and its shipping addresses.
 */
export function createBigCommerceClient(options: BigCommerceClientOptions) {
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const headers = { 'x-auth-token': options.accessToken };
  const get = (path: string, deadline: number) => getJson(`${baseUrl}${path}`, headers, options, deadline);

  async function getAllPages(path: string, deadline: number): Promise<unknown[]> {
    const rows: unknown[] = [];
    for (let page = 1; page <= MAX_PAGES; page += 1) {
      const response = await get(`${path}?limit=${PAGE_SIZE}&page=${page}`, deadline);
      // An empty sub-resource is a 204 with no body, not an empty array.
      const batch = Array.isArray(response.body) ? response.body : [];
      rows.push(...batch);
      if (batch.length < PAGE_SIZE) return rows;
    }
    throw new ChannelApiError(`GET ${path} has more than ${MAX_PAGES} pages of ${PAGE_SIZE}.`);
  }

  return {
    /**
     * The order with its products and shipping addresses, or undefined when the store has no such
     * order. Its requests share one time budget (HttpClientOptions.budgetMs).
     */
    async fetchOrder(orderId: number): Promise<BigCommerceOrderBundle | undefined> {
      const deadline = deadlineOf(options);
      const order = await get(`/v2/orders/${orderId}?include=consignments`, deadline);
      if (order.status === 404) return undefined;
      const [products, shippingAddresses] = await Promise.all([
        getAllPages(`/v2/orders/${orderId}/products`, deadline),
        getAllPages(`/v2/orders/${orderId}/shipping_addresses`, deadline),
      ]);
      return { order: order.body, products, shippingAddresses };
    },
  };
}
