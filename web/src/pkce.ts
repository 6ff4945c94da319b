/**
 * Sign-in through Cognito's hosted UI with the authorization code flow and PKCE (RFC 7636): the
 * console keeps a random verifier for the round trip, sends its SHA-256 as the challenge, and
 * trades the code and the verifier for tokens. No client secret: the console is a public client.
 */
export interface HostedUi {
  /** The user pool domain, e.g. `oms-prod.auth.eu-west-1.amazoncognito.com`. */
  domain: string;
  clientId: string;
  redirectUri: string;
}

const VERIFIER_KEY = 'oms.pkce.verifier';
const STATE_KEY = 'oms.pkce.state';

export function randomUrlSafe(bytes = 32): string {
  return base64Url(crypto.getRandomValues(new Uint8Array(bytes)));
}

export async function challengeOf(verifier: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier));
  return base64Url(new Uint8Array(digest));
}

function base64Url(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function origin(domain: string): string {
  return domain.startsWith('https://') ? domain : `https://${domain}`;
}

export function authorizeUrl(ui: HostedUi, challenge: string, state: string): string {
  const query = new URLSearchParams({
    response_type: 'code',
    client_id: ui.clientId,
    redirect_uri: ui.redirectUri,
    scope: 'openid email profile',
    code_challenge_method: 'S256',
    code_challenge: challenge,
    state,
  });
  return `${origin(ui.domain)}/oauth2/authorize?${query}`;
}

/** Leaves for the hosted UI; it comes back to `redirectUri` with `?code=…&state=…`. */
export async function beginSignIn(ui: HostedUi): Promise<void> {
  const verifier = randomUrlSafe();
  const state = randomUrlSafe(16);
  sessionStorage.setItem(VERIFIER_KEY, verifier);
  sessionStorage.setItem(STATE_KEY, state);
  location.assign(authorizeUrl(ui, await challengeOf(verifier), state));
}

/** The access token for the code the hosted UI returned with, or undefined when there is none. */
export async function completeSignIn(ui: HostedUi, url: URL): Promise<string | undefined> {
  const code = url.searchParams.get('code');
  if (!code) return undefined;
  const verifier = sessionStorage.getItem(VERIFIER_KEY);
  const expectedState = sessionStorage.getItem(STATE_KEY);
  sessionStorage.removeItem(VERIFIER_KEY);
  sessionStorage.removeItem(STATE_KEY);
  if (!verifier || url.searchParams.get('state') !== expectedState)
    throw new Error('The sign-in did not start here; sign in again.');
  const response = await fetch(`${origin(ui.domain)}/oauth2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      client_id: ui.clientId,
      code,
      redirect_uri: ui.redirectUri,
      code_verifier: verifier,
    }),
  });
  if (!response.ok) throw new Error(`The sign-in was refused (${response.status}); sign in again.`);
  return ((await response.json()) as { access_token: string }).access_token;
}
