import { LocalTokenIssuer, type TokenRequest, type TokenTimes } from '../../lib/local/tokens.js';

/**
 * Tokens from a running local runtime, the way a client gets them (`POST /_local/token`), kept
 * per runtime and principal so a test file asks once. Every e2e request to a protected route
 * takes its Authorization header from here.
 */
const cache = new Map<string, Promise<string>>();

export type TokenPrincipal = TokenRequest;

/** The demo admin, who may call every route: the principal of tests that are not about access. */
export const AN_ADMIN_USER: TokenPrincipal = { role: 'admin' };

export function tokenFor(baseUrl: string, principal: TokenPrincipal = AN_ADMIN_USER): Promise<string> {
  const key = `${baseUrl} ${JSON.stringify(principal)}`;
  let token = cache.get(key);
  if (!token) {
    token = fetch(`${baseUrl}/_local/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(principal),
    }).then(async (response) => {
      if (!response.ok)
        throw new Error(`POST /_local/token answered ${response.status}: ${await response.text()}`);
      return ((await response.json()) as { access_token: string }).access_token;
    });
    token.catch(() => cache.delete(key));
    cache.set(key, token);
  }
  return token;
}

/** fetch(`${baseUrl}${path}`) with the bearer token of `principal` (the admin unless told). */
export async function fetchAs(
  baseUrl: string,
  path: string,
  init: RequestInit = {},
  principal: TokenPrincipal = AN_ADMIN_USER,
): Promise<Response> {
  const headers = new Headers(init.headers);
  headers.set('authorization', `Bearer ${await tokenFor(baseUrl, principal)}`);
  return fetch(`${baseUrl}${path}`, { ...init, headers });
}

const nowSeconds = () => Math.floor(Date.now() / 1000);

/** Tokens a client may hold that the JWT authorizer must refuse (401), each for the admin. */
export async function refusedTokens(issuer: LocalTokenIssuer): Promise<Record<string, string>> {
  const elsewhere = await LocalTokenIssuer.create('https://idp.elsewhere.example');
  const admin = { role: 'admin' };
  const signed = async (from: LocalTokenIssuer, times: TokenTimes) =>
    (await from.tokenFor(admin, times)).access_token;
  return {
    'an expired token': await signed(issuer, { issuedAt: nowSeconds() - 7200, expiresAt: nowSeconds() - 60 }),
    'a token not valid yet': await signed(issuer, { notBefore: nowSeconds() + 600 }),
    'a token from another issuer': await signed(elsewhere, {}),
    'a malformed token': 'not-a-jwt',
  };
}
