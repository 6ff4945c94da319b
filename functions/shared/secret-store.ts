import {
  CreateSecretCommand,
  PutSecretValueCommand,
  ResourceNotFoundException,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { traced } from './tracing.js';

/**
 * Writing secrets, apart from reading them (secrets.ts) so that the functions that only read do
 * not load the Secrets Manager client.
 */
let secretsManager: SecretsManagerClient | undefined;

/**
 * Stores a secret's new value (`PUT /v1/channels/{channelId}/secret`): a new version of the
 * secret in Secrets Manager, created on first use; locally, the runtime's secrets, which every
 * local function reads from the environment its worker shares (OMS_LOCAL_SECRETS). Readers cache a value for five
 * minutes, so a new one is in use everywhere within that time.
 */
export async function storeSecret(name: string, value: string): Promise<void> {
  if (process.env.OMS_SECRETS_PROVIDER === 'local') {
    const secrets = JSON.parse(process.env.OMS_LOCAL_SECRETS ?? '{}') as Record<string, string>;
    process.env.OMS_LOCAL_SECRETS = JSON.stringify({ ...secrets, [name]: value });
    return;
  }
  secretsManager ??= traced(new SecretsManagerClient({}));
  try {
    await secretsManager.send(new PutSecretValueCommand({ SecretId: name, SecretString: value }));
  } catch (error) {
    if (!(error instanceof ResourceNotFoundException)) throw error;
    await secretsManager.send(new CreateSecretCommand({ Name: name, SecretString: value }));
  }
}
