import { getSecret } from '@aws-lambda-powertools/parameters/secrets';

/**
 * Resolves a channel's signing secret by name. In AWS it comes from Secrets Manager through
 * Powertools Parameters (cached for five minutes, so rotation takes effect without a deploy).
 * The local runtime has no Secrets Manager: it sets OMS_SECRETS_PROVIDER=local and hands the
 * secrets of its configuration over in OMS_LOCAL_SECRETS. Secrets are never logged.
 */
const SECRET_CACHE_SECONDS = 300;

export async function resolveSecret(name: string): Promise<string | undefined> {
  if (process.env.OMS_SECRETS_PROVIDER === 'local') {
    const secrets = JSON.parse(process.env.OMS_LOCAL_SECRETS ?? '{}') as Record<string, string>;
    return secrets[name];
  }
  const value = await getSecret(name, { maxAge: SECRET_CACHE_SECONDS });
  return typeof value === 'string' ? value : undefined;
}
