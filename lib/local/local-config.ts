/**
 * LOCAL-ONLY DEMO VALUES. The local runtime has no Secrets Manager: it hands these secrets to the
 * functions through OMS_LOCAL_SECRETS. They are public, known to anyone who reads this file, and
 * must never be used in an AWS deployment, where channel secrets live in Secrets Manager.
 */
export const DEMO_SIGNING_SECRET = 'local-dev-secret';

export const DEMO_CHANNEL_ID = 'web';

/** Secret name (as a channel's `secretName`) → secret value. */
export const LOCAL_SECRETS: Record<string, string> = {
  'oms/channels/web': DEMO_SIGNING_SECRET,
  'oms/channels/app': DEMO_SIGNING_SECRET,
  'oms/channels/shopify': DEMO_SIGNING_SECRET,
  'oms/channels/woocommerce': DEMO_SIGNING_SECRET,
};

export const LOCAL_EVENT_BUS_NAME = 'oms-local';

export const DEFAULT_PORT = 3000;
