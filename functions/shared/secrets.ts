import type { getSecret } from '@aws-lambda-powertools/parameters/secrets';

/**
 * Resolves a channel's signing secret by name. In AWS it comes from Secrets Manager through
 * Powertools Parameters (cached for five minutes, so rotation takes effect without a deploy).
 * The local runtime has no Secrets Manager: it sets OMS_SECRETS_PROVIDER=local and hands the
 * secrets of its configuration over in OMS_LOCAL_SECRETS. Secrets are never logged.
 */
const SECRET_CACHE_SECONDS = 300;

/**
 * Powertools Parameters and the Secrets Manager client under it are imported by the first read,
 * not with the handler: they are about 10 ms of a cold import's CPU (docs/performance.md), and
 * the local runtime and the invocations that read no secret never need them. The module is
 * imported once, so its cache lives as long as the container, as before.
 */
let secrets: Promise<{ getSecret: typeof getSecret }> | undefined;

export async function resolveSecret(name: string): Promise<string | undefined> {
  if (process.env.OMS_SECRETS_PROVIDER === 'local') return localSecrets()[name];
  secrets ??= import('@aws-lambda-powertools/parameters/secrets');
  const value = await (await secrets).getSecret(name, { maxAge: SECRET_CACHE_SECONDS });
  return typeof value === 'string' ? value : undefined;
}

/**
 * The local runtime's secrets, parsed again only when the runtime's store has changed (a secret
 * written through the admin API), so a rotation is read by the next request, as before, and the
 * requests between rotations do not parse the store each: every ingest reads a secret.
 */
let localStore: { raw: string; secrets: Record<string, string> } | undefined;

function localSecrets(): Record<string, string> {
  const raw = process.env.OMS_LOCAL_SECRETS ?? '{}';
  if (localStore?.raw !== raw) localStore = { raw, secrets: JSON.parse(raw) as Record<string, string> };
  return localStore.secrets;
}
