import type { TokenRequest } from '../../lib/local/tokens.js';

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
