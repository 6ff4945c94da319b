export const DEMO_CHANNEL_ID = 'web';

/**
 * LOCAL-ONLY DEMO VALUES. The local runtime has no Secrets Manager: it hands these secrets to the
 * functions through OMS_LOCAL_SECRETS. They are public, known to anyone who reads this file, and
 * must never be used in an AWS deployment, where channel secrets live in Secrets Manager.
 * Each demo channel signs with its own secret, so that a request signed for one channel is
 * refused on another, as it is in AWS. `web` keeps the value the README documents.
 */
export const DEMO_CHANNEL_SECRETS = {
  web: 'local-dev-secret',
  app: 'local-app-secret',
  shopify: 'local-shopify-secret',
  woocommerce: 'local-woocommerce-secret',
  'store-pos': 'local-store-pos-secret',
} as const satisfies Record<string, string>;

export const DEMO_SIGNING_SECRET = DEMO_CHANNEL_SECRETS[DEMO_CHANNEL_ID];

/**
 * LOCAL-ONLY DEMO VALUES, public like the ones above: the Admin API access token of the demo
 * Shopify store and the REST key (`<consumer key>:<consumer secret>`) of the demo WooCommerce
 * store, by which the channel updates call them. A demo channel is told of shipments only once
 * its `api.baseUrl` points at a store that accepts them (the e2e test's local fakes do).
 */
export const DEMO_CHANNEL_API_SECRETS = {
  'oms/channels/shopify-api': 'shpat_local-demo-admin-token',
  'oms/channels/woocommerce-api': 'ck_local-demo-key:cs_local-demo-secret',
} as const satisfies Record<string, string>;

/**
 * The demo Shippo account's secrets (Config `CARRIER / shippo`, lib/local/demo-data.ts): a token
 * Shippo refuses, so labels fail with a 503 until you put your own Shippo test token
 * (`shippo_test_…`) here, and the secret the tracking webhook is signed with.
 */
export const DEMO_SHIPPO_SECRETS = {
  apiToken: { name: 'oms/carriers/shippo/api-token', value: 'shippo_test_local-demo-token' },
  webhook: { name: 'oms/carriers/shippo/webhook', value: 'local-shippo-webhook-secret' },
} as const;

/** Secret name (a channel's `secretName`, `oms/channels/<channelId>`, or `oms/carriers/…`) → value. */
export const LOCAL_SECRETS: Record<string, string> = {
  ...Object.fromEntries(
    Object.entries(DEMO_CHANNEL_SECRETS).map(([channelId, secret]) => [`oms/channels/${channelId}`, secret]),
  ),
  ...DEMO_CHANNEL_API_SECRETS,
  ...Object.fromEntries(Object.values(DEMO_SHIPPO_SECRETS).map(({ name, value }) => [name, value])),
  // The analytics export's pseudonym key (docs/reports.md): public here, generated in AWS.
  'oms/local/analytics-pseudonym-key': 'local-analytics-pseudonym-key',
};

export const LOCAL_ANALYTICS_PSEUDONYM_SECRET = 'oms/local/analytics-pseudonym-key';

export const LOCAL_EVENT_BUS_NAME = 'oms-local';

export const DEFAULT_PORT = 3000;
