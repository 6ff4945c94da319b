import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { resolveSecret } from '../../../functions/shared/secrets.js';

const secretsManager = mockClient(SecretsManagerClient);

beforeEach(() => {
  secretsManager.reset();
  delete process.env.OMS_SECRETS_PROVIDER;
  delete process.env.OMS_LOCAL_SECRETS;
});
afterAll(() => secretsManager.restore());

/** Each test asks for secrets of its own names: the Powertools cache lives as long as the module. */
describe('resolveSecret from Secrets Manager', () => {
  it('reads the secret by its name', async () => {
    secretsManager
      .on(GetSecretValueCommand, { SecretId: 'oms/channels/web-read' })
      .resolves({ SecretString: 'whsec-1' });

    expect(await resolveSecret('oms/channels/web-read')).toBe('whsec-1');
    expect(secretsManager.commandCalls(GetSecretValueCommand)).toHaveLength(1);
  });

  it('keeps a secret five minutes, then reads it again, so a rotation takes effect without a deploy', async () => {
    vi.useFakeTimers({ toFake: ['Date'], now: Date.UTC(2026, 10, 22, 10) });
    secretsManager
      .on(GetSecretValueCommand, { SecretId: 'oms/channels/web-rotated' })
      .resolvesOnce({ SecretString: 'before-rotation' })
      .resolves({ SecretString: 'after-rotation' });

    expect(await resolveSecret('oms/channels/web-rotated')).toBe('before-rotation');
    vi.setSystemTime(Date.UTC(2026, 10, 22, 10, 4, 59));
    expect(await resolveSecret('oms/channels/web-rotated')).toBe('before-rotation');
    expect(secretsManager.commandCalls(GetSecretValueCommand)).toHaveLength(1);
    vi.setSystemTime(Date.UTC(2026, 10, 22, 10, 5, 1));
    expect(await resolveSecret('oms/channels/web-rotated')).toBe('after-rotation');
    expect(secretsManager.commandCalls(GetSecretValueCommand)).toHaveLength(2);
  });

  it('answers undefined for a binary secret, which is no signing secret', async () => {
    secretsManager
      .on(GetSecretValueCommand, { SecretId: 'oms/channels/web-binary' })
      .resolves({ SecretBinary: new Uint8Array([1, 2, 3]) });

    expect(await resolveSecret('oms/channels/web-binary')).toBeUndefined();
  });
});

describe('resolveSecret on the local runtime', () => {
  it('reads the secrets the runtime handed over, and never asks Secrets Manager', async () => {
    process.env.OMS_SECRETS_PROVIDER = 'local';
    process.env.OMS_LOCAL_SECRETS = JSON.stringify({ 'oms/channels/web': 'local-dev-secret' });

    expect(await resolveSecret('oms/channels/web')).toBe('local-dev-secret');
    expect(await resolveSecret('oms/channels/unknown')).toBeUndefined();
    expect(secretsManager.commandCalls(GetSecretValueCommand)).toHaveLength(0);
  });

  it('reads a secret the runtime stored since, on the very next read', async () => {
    process.env.OMS_SECRETS_PROVIDER = 'local';
    process.env.OMS_LOCAL_SECRETS = JSON.stringify({ 'oms/channels/web': 'before-rotation' });
    expect(await resolveSecret('oms/channels/web')).toBe('before-rotation');

    process.env.OMS_LOCAL_SECRETS = JSON.stringify({ 'oms/channels/web': 'after-rotation' });

    expect(await resolveSecret('oms/channels/web')).toBe('after-rotation');
  });
});
