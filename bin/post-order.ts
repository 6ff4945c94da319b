import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { OMS_SIGNATURE_HEADER, signOmsPayload } from '../functions/domain/signature.js';
import { DEFAULT_PORT, DEMO_CHANNEL_ID, DEMO_CHANNEL_SECRETS } from '../lib/local/local-config.js';

/**
 * `npm run post-order -- <file> [--channel web] [--secret local-dev-secret] [--url http://127.0.0.1:3000]`:
 * signs a canonical order file as a channel would and posts it; prints the status and the body.
 * Without --secret, a demo channel's own local secret signs it (lib/local/local-config.ts).
 * The file is sent byte for byte, since the signature covers the raw body.
 */
const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    channel: { type: 'string', default: DEMO_CHANNEL_ID },
    secret: { type: 'string' },
    url: { type: 'string', default: `http://127.0.0.1:${process.env.PORT ?? DEFAULT_PORT}` },
  },
});

function usage(problem?: string): never {
  console.error(
    'Usage: npm run post-order -- <order.json> [--channel web] [--secret local-dev-secret] [--url http://127.0.0.1:3000]',
  );
  if (problem) console.error(problem);
  process.exit(2);
}

const demoSecrets: Record<string, string> = DEMO_CHANNEL_SECRETS;
const file = positionals[0] ?? usage();
const secret =
  values.secret ??
  demoSecrets[values.channel] ??
  usage(`--secret is needed: ${values.channel} is not a demo channel.`);

const body = await readFile(file, 'utf8');
const url = `${values.url}/v1/channels/${encodeURIComponent(values.channel)}/orders`;
/** A runtime that is still starting answers 503 with Retry-After: wait for it rather than fail. */
const STARTING_RETRIES = 60;

async function post(): Promise<Response> {
  for (let attempt = 0; ; attempt++) {
    const response = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        [OMS_SIGNATURE_HEADER]: signOmsPayload(secret, body, Math.floor(Date.now() / 1000)),
      },
      body,
    });
    if (response.status !== 503 || attempt >= STARTING_RETRIES) return response;
    await new Promise((resolve) =>
      setTimeout(resolve, Number(response.headers.get('retry-after') ?? 1) * 1000),
    );
  }
}

const response = await post().catch((error: Error) => {
  console.error(`Could not reach ${url} (${error.cause ?? error.message}). Is \`npm start\` running?`);
  process.exit(1);
});
console.log(response.status, await response.text());
process.exitCode = response.ok ? 0 : 1;
