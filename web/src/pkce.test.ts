import { afterEach, describe, expect, it, vi } from 'vitest';
import { authorizeUrl, challengeOf, completeSignIn, randomUrlSafe } from './pkce';

const UI = {
  domain: 'oms-prod.auth.eu-west-1.amazoncognito.com',
  clientId: 'console-client',
  redirectUri: 'https://console.example.com/console/',
};

function fakeSessionStorage(entries: Record<string, string>) {
  const store = new Map(Object.entries(entries));
  vi.stubGlobal('sessionStorage', {
    getItem: (key: string) => store.get(key) ?? null,
    setItem: (key: string, value: string) => store.set(key, value),
    removeItem: (key: string) => store.delete(key),
  });
  return store;
}

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('sign-in with the hosted UI (authorization code + PKCE)', () => {
  it('derives the S256 challenge of RFC 7636, appendix B', async () => {
    expect(await challengeOf('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk')).toBe(
      'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
    );
  });

  it('makes verifiers of URL-safe characters only, a new one each time', () => {
    const verifier = randomUrlSafe();
    expect(verifier).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(randomUrlSafe()).not.toBe(verifier);
  });

  it("sends the person to the pool's authorize endpoint with the challenge and the state", () => {
    const url = new URL(authorizeUrl(UI, 'the-challenge', 'the-state'));
    expect(url.origin + url.pathname).toBe(
      'https://oms-prod.auth.eu-west-1.amazoncognito.com/oauth2/authorize',
    );
    expect(Object.fromEntries(url.searchParams)).toEqual({
      response_type: 'code',
      client_id: 'console-client',
      redirect_uri: UI.redirectUri,
      scope: 'openid email profile',
      code_challenge_method: 'S256',
      code_challenge: 'the-challenge',
      state: 'the-state',
    });
  });

  it('trades the code and the kept verifier for the access token, and forgets the verifier', async () => {
    const store = fakeSessionStorage({ 'oms.pkce.verifier': 'the-verifier', 'oms.pkce.state': 'the-state' });
    const fetch = vi.fn(
      async () => new Response(JSON.stringify({ access_token: 'the-token' }), { status: 200 }),
    );
    vi.stubGlobal('fetch', fetch);
    const token = await completeSignIn(UI, new URL(`${UI.redirectUri}?code=the-code&state=the-state`));
    expect(token).toBe('the-token');
    const [url, init] = fetch.mock.calls[0] as unknown as [string, RequestInit];
    expect(url).toBe('https://oms-prod.auth.eu-west-1.amazoncognito.com/oauth2/token');
    expect(Object.fromEntries(init.body as URLSearchParams)).toEqual({
      grant_type: 'authorization_code',
      client_id: 'console-client',
      code: 'the-code',
      redirect_uri: UI.redirectUri,
      code_verifier: 'the-verifier',
    });
    expect(store.size).toBe(0);
  });

  it('refuses a return whose state is not the one it sent, without calling the pool', async () => {
    fakeSessionStorage({ 'oms.pkce.verifier': 'the-verifier', 'oms.pkce.state': 'the-state' });
    const fetch = vi.fn();
    vi.stubGlobal('fetch', fetch);
    await expect(completeSignIn(UI, new URL(`${UI.redirectUri}?code=c&state=forged`))).rejects.toThrow(
      'did not start here',
    );
    expect(fetch).not.toHaveBeenCalled();
  });

  it('says so when the pool refuses the code', async () => {
    fakeSessionStorage({ 'oms.pkce.verifier': 'v', 'oms.pkce.state': 's' });
    vi.stubGlobal('fetch', async () => new Response('{"error":"invalid_grant"}', { status: 400 }));
    await expect(completeSignIn(UI, new URL(`${UI.redirectUri}?code=c&state=s`))).rejects.toThrow(
      'refused (400)',
    );
  });

  it('does nothing on a page load without a code', async () => {
    expect(await completeSignIn(UI, new URL(UI.redirectUri))).toBeUndefined();
  });
});
