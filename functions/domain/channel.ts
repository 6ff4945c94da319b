import * as z from 'zod';

/**
 * A sales channel as the retailer configures it. `format` picks the adapter that authenticates
 * and maps its payloads (functions/channels/); `secretName` names the signing secret, which
 * lives in Secrets Manager (in AWS) or the local runtime's configuration, never in this record.
 */
export const CHANNEL_FORMATS = [
  'canonical',
  'shopify',
  'woocommerce',
  'square',
  'magento',
  'bigcommerce',
  'amazon',
] as const;

export const Channel = z.strictObject({
  channelId: z
    .string()
    .min(1)
    .max(64)
    .regex(/^[a-z0-9][a-z0-9-]*$/, 'must be lower-case letters, digits and dashes'),
  name: z.string().min(1).max(200),
  format: z.enum(CHANNEL_FORMATS),
  secretName: z.string().min(1).max(512),
  active: z.boolean().default(true),
  /** Country of the phone numbers the channel sends without a country code. */
  defaultCountry: z.string().length(2).optional(),
  /**
   * Where the channel's own API is, for channels whose webhooks only name an order (Square,
   * BigCommerce), for Amazon (polled), and for the channels told of shipments, pick-ups,
   * cancellations and refunds (Shopify, WooCommerce: functions/channels/updates/); the access
   * token is a secret, referenced by name like the signing secret.
   */
  api: z
    .strictObject({
      baseUrl: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }),
      accessTokenSecretName: z.string().min(1).max(512),
    })
    .optional(),
  /** Days after delivery (or pick-up) within which a customer may return goods (issue #11). */
  returnWindowDays: z.int().min(0).max(3650).optional(),
});
export type Channel = z.output<typeof Channel>;
