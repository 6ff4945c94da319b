import { describe, expect, it } from 'vitest';
import { DEMO_CHANNELS } from '../../../lib/local/demo-data.js';
import { LOCAL_SECRETS } from '../../../lib/local/local-config.js';

describe('the demo channels of the local runtime', () => {
  it('each sign with a secret of their own, and web with the one the README documents', () => {
    const secrets = DEMO_CHANNELS.map((channel) => LOCAL_SECRETS[channel.secretName]);

    expect(secrets).not.toContain(undefined);
    expect(new Set(secrets).size).toBe(DEMO_CHANNELS.length);
    expect(LOCAL_SECRETS['oms/channels/web']).toBe('local-dev-secret');
  });
});
