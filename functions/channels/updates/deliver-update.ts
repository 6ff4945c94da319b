import type { Channel } from '../../domain/channel.js';
import type { JsonRequestOptions } from '../clients/json-request.js';
import { createShopifyAdminClient } from '../clients/shopify-admin.js';
import { createWooCommerceClient } from '../clients/woocommerce-api.js';
import type { ChannelUpdate } from './events.js';
import { skipped, type UpdateOutcome } from './outcome.js';
import { updateShopify } from './shopify.js';
import { updateWooCommerce, type WooCommerceUpdateDeps } from './woocommerce.js';

/**
 * Tells the channel that sold an order what the OMS did with it.
 * 1. Find the channel in the configuration; an unknown or inactive one gets nothing.
 * 2. Find where its API is (`channel.api.baseUrl`) and its credentials (the secret named by
 *    `channel.api.accessTokenSecretName`); a channel without them is skipped, not failed: the
 *    retailer has not asked for updates on it.
 * 3. Hand the update to the channel's updater (Shopify, WooCommerce); other formats have none yet
 *    (docs/channels.md lists what each would call).
 * Failures are ChannelRequestErrors that say whether a later try can help.
 */
export interface DeliverUpdateDeps extends WooCommerceUpdateDeps {
  getChannel(channelId: string): Promise<Channel | undefined>;
  resolveSecret(name: string): Promise<string | undefined>;
  now(): number;
  /** One update's time budget: all its requests, retries and backoff. */
  budgetMs: number;
  http?: JsonRequestOptions;
}

export async function deliverChannelUpdate(
  deps: DeliverUpdateDeps,
  update: ChannelUpdate,
): Promise<UpdateOutcome> {
  const { channelId } = update.event;
  const channel = await deps.getChannel(channelId);
  if (!channel) return skipped(`No channel ${channelId} is configured.`);
  if (!channel.active) return skipped(`Channel ${channelId} is inactive.`);
  if (channel.format !== 'shopify' && channel.format !== 'woocommerce') {
    return skipped(`Channel ${channelId} is ${channel.format}, which has no channel updates yet.`);
  }
  const secretName = channel.api?.accessTokenSecretName;
  const secret = secretName ? await deps.resolveSecret(secretName) : undefined;
  if (!channel.api || !secret) {
    return skipped(
      `Channel ${channelId} has no API credentials configured (api.baseUrl, api.accessTokenSecretName).`,
    );
  }
  const deadline = deps.now() + deps.budgetMs;
  if (channel.format === 'shopify') {
    const client = createShopifyAdminClient({
      ...deps.http,
      baseUrl: channel.api.baseUrl,
      accessToken: secret,
    });
    return updateShopify(client, update, deadline);
  }
  const credentials = wooCommerceCredentials(secret);
  if (!credentials) {
    return skipped(
      `The secret ${secretName} of channel ${channelId} is not "<consumer key>:<consumer secret>".`,
    );
  }
  const client = createWooCommerceClient({ ...deps.http, baseUrl: channel.api.baseUrl, ...credentials });
  return updateWooCommerce(client, update, deadline, deps);
}

/** A WooCommerce REST key is a pair, kept in one secret as `ck_…:cs_…`. */
function wooCommerceCredentials(secret: string) {
  const separator = secret.indexOf(':');
  if (separator <= 0 || separator === secret.length - 1) return undefined;
  return { consumerKey: secret.slice(0, separator), consumerSecret: secret.slice(separator + 1) };
}
