import { resolveSecret } from '../shared/secrets.js';
import type { Channel } from '../domain/channel.js';
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
 * API: where it is and which secret holds its access token are part of the channel's
 * configuration, so one deployment serves several stores of the same kind.
 */
async function apiSettings(channel: Channel, defaultBaseUrl?: string) {
  const baseUrl = channel.api?.baseUrl ?? defaultBaseUrl;
  const secretName = channel.api?.accessTokenSecretName;
  const accessToken = secretName ? await resolveSecret(secretName) : undefined;
  if (!baseUrl || !accessToken) {
    throw new Error(`Channel ${channel.channelId} needs api.baseUrl and api.accessTokenSecretName.`);
  }
  return { baseUrl, accessToken };
}

const squareAdapter = createSquareAdapter({
  fetchOrder: async (orderId, channel) =>
    createSquareClient(await apiSettings(channel, 'https://connect.squareup.com')).retrieveOrder(orderId),
});

const bigCommerceAdapter = createBigCommerceAdapter({
  fetchOrder: async (orderId, channel) =>
    createBigCommerceClient(await apiSettings(channel)).fetchOrder(orderId),
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
