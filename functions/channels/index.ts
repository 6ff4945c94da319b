import { resolveSecret } from '../shared/secrets.js';
import type { ChannelAdapter } from './adapter.js';
import { amazonAdapter } from './amazon.js';
import { createBigCommerceAdapter } from './bigcommerce.js';
import { canonicalAdapter } from './canonical.js';
import { createBigCommerceClient } from './clients/bigcommerce-client.js';
import { createSquareClient } from './clients/square-client.js';
import { magentoAdapter } from './magento.js';
import { shopifyAdapter } from './shopify.js';
import { createSquareAdapter } from './square.js';
import { wooCommerceAdapter } from './woocommerce.js';

/**
 * Square and BigCommerce webhooks carry only an order id, so their adapters call the channel's
 * API. Where it lives comes from the environment and the access token from the secrets store,
 * both read on first use so that functions without these channels never need them.
 */
async function apiSettings(baseUrlVariable: string, tokenSecretVariable: string, defaultBaseUrl?: string) {
  const baseUrl = process.env[baseUrlVariable] ?? defaultBaseUrl;
  const secretName = process.env[tokenSecretVariable];
  const accessToken = secretName ? await resolveSecret(secretName) : undefined;
  if (!baseUrl || !accessToken) {
    throw new Error(
      `Set ${baseUrlVariable} and ${tokenSecretVariable} (the name of the API access token's secret).`,
    );
  }
  return { baseUrl, accessToken };
}

const squareAdapter = createSquareAdapter({
  fetchOrder: async (orderId) =>
    createSquareClient(
      await apiSettings('SQUARE_API_BASE_URL', 'SQUARE_ACCESS_TOKEN_SECRET', 'https://connect.squareup.com'),
    ).retrieveOrder(orderId),
});

const bigCommerceAdapter = createBigCommerceAdapter({
  fetchOrder: async (orderId) =>
    createBigCommerceClient(
      await apiSettings('BIGCOMMERCE_API_BASE_URL', 'BIGCOMMERCE_ACCESS_TOKEN_SECRET'),
    ).fetchOrder(orderId),
});

const adapters = new Map<string, ChannelAdapter>(
  [
    canonicalAdapter,
    shopifyAdapter,
    wooCommerceAdapter,
    squareAdapter,
    magentoAdapter,
    bigCommerceAdapter,
    amazonAdapter,
  ].map((adapter) => [adapter.format, adapter]),
);

/** The adapter for a channel's configured format, or undefined when none is installed. */
export function adapterFor(format: string): ChannelAdapter | undefined {
  return adapters.get(format);
}
