import { parseArgs } from 'node:util';
import { DEFAULT_PORT } from '../lib/local/local-config.js';

/**
 * `npm run token -- --role store --location STORE-LIS-CHIADO [--sub maria] [--scope oms/inventory.read]
 * [--channel web] [--url http://127.0.0.1:3000]`: asks the running local runtime for an access token
 * and prints it alone, so a shell can keep it: `TOKEN=$(npm run -s token -- --role ops)`.
 */
const { values } = parseArgs({
  options: {
    role: { type: 'string' },
    sub: { type: 'string' },
    location: { type: 'string', multiple: true },
    channel: { type: 'string', multiple: true },
    scope: { type: 'string', multiple: true },
    url: { type: 'string', default: `http://127.0.0.1:${process.env.PORT ?? DEFAULT_PORT}` },
  },
});

if (!values.role) {
  console.error(
    'Usage: npm run token -- --role admin|ops|customer_service|store|integration [--location <id>]… [--channel <id>]… [--scope <scope>]… [--sub <name>]',
  );
  process.exit(2);
}

const response = await fetch(`${values.url}/_local/token`, {
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({
    role: values.role,
    ...(values.sub && { sub: values.sub }),
    ...(values.location && { locationIds: values.location }),
    ...(values.channel && { channelIds: values.channel }),
    ...(values.scope && { scopes: values.scope }),
  }),
});
const body = (await response.json()) as { access_token?: string; detail?: string; errors?: unknown };
if (!response.ok || !body.access_token) {
  console.error(`${response.status} ${body.detail ?? ''}`, body.errors ?? '');
  process.exit(1);
}
console.log(body.access_token);
