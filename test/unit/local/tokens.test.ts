import { beforeAll, describe, expect, it } from 'vitest';
import {
  LOCAL_CONSOLE_CLIENT_ID,
  LocalTokenIssuer,
  TOKEN_LIFETIME_SECONDS,
  verifyBearer,
  type JwtAuthorizerSettings,
} from '../../../lib/local/tokens.js';

let issuer: LocalTokenIssuer;
let settings: JwtAuthorizerSettings;
const now = () => Math.floor(Date.now() / 1000);
const bearer = async (body: unknown, times = {}) =>
  `Bearer ${(await issuer.tokenFor(body, times)).access_token}`;

beforeAll(async () => {
  issuer = await LocalTokenIssuer.create('http://127.0.0.1:3000/_local');
  settings = { issuer: issuer.issuer, audience: [LOCAL_CONSOLE_CLIENT_ID], jwks: issuer.jwks() };
});

describe('the local token issuer', () => {
  it('answers the OAuth token shape, for an hour', async () => {
    expect(await issuer.tokenFor({ role: 'ops' })).toEqual({
      access_token: expect.stringMatching(/^[\w-]+\.[\w-]+\.[\w-]+$/),
      token_type: 'Bearer',
      expires_in: TOKEN_LIFETIME_SECONDS,
    });
  });

  it("mints a demo store user's token with its group and locations, as API Gateway passes them", async () => {
    const { claims, scopes } = await verifyBearer(await bearer({ role: 'store' }), settings);

    expect(claims).toMatchObject({
      sub: 'maria',
      'cognito:groups': '[store]',
      locations: '[STORE-LIS-CHIADO]',
      client_id: LOCAL_CONSOLE_CLIENT_ID,
    });
    expect(scopes).toBeNull();
  });

  it('refuses a request for an unknown role or scope, naming the field', async () => {
    await expect(issuer.tokenFor({ role: 'root' })).rejects.toMatchObject({
      issues: [expect.objectContaining({ path: 'role' })],
    });
    await expect(issuer.tokenFor({ role: 'integration', scopes: ['everything'] })).rejects.toThrow(/invalid/);
  });
});

describe('the JWT authorizer checks', () => {
  it('accept a machine client by its client_id and pass its scopes', async () => {
    const token = await bearer({ role: 'integration', scopes: ['oms/inventory.read'] });
    const result = await verifyBearer(token, { ...settings, audience: ['oms-local-integration'] });
    expect(result.scopes).toEqual(['oms/inventory.read']);
  });

  it.each([
    ['no header', undefined],
    ['another scheme', 'Basic dXNlcjpwYXNz'],
    ['a malformed token', 'Bearer not.a.jwt'],
  ])('refuse %s', async (_case, header) => {
    await expect(verifyBearer(header, settings)).rejects.toThrow();
  });

  it('refuse an expired token and one not valid yet', async () => {
    await expect(
      verifyBearer(await bearer({ role: 'ops' }, { issuedAt: now() - 100, expiresAt: now() - 1 }), settings),
    ).rejects.toThrow(/exp/);
    await expect(
      verifyBearer(await bearer({ role: 'ops' }, { notBefore: now() + 60 }), settings),
    ).rejects.toThrow(/nbf/);
  });

  it("refuse a token whose issuer is not the authorizer's, even with the right key", async () => {
    await expect(
      verifyBearer(await bearer({ role: 'ops' }), { ...settings, issuer: 'https://other' }),
    ).rejects.toThrow(/iss/);
  });

  it('refuse a token signed by another key', async () => {
    const other = await LocalTokenIssuer.create(issuer.issuer);
    const token = (await other.tokenFor({ role: 'ops' })).access_token;
    await expect(verifyBearer(`Bearer ${token}`, settings)).rejects.toThrow();
  });

  it('refuse a token without `aud` whose client_id is not an accepted audience', async () => {
    const elsewhere = { ...settings, audience: ['api://oms'] };
    await expect(verifyBearer(await bearer({ role: 'ops' }), elsewhere)).rejects.toThrow(/audience/);
  });
});
