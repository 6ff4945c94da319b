import type { Role } from '../../functions/domain/access.js';
import { stackOutput, targetOf, type Target, type TargetOptions } from './target.js';

/**
 * The OMS HTTP API as an ops command calls it: a base URL and a bearer token.
 * - Locally, the token comes from the runtime's own issuer (`POST /_local/token`), for the role
 *   the command needs, as `npm run token` asks for one.
 * - In AWS, the URL is the stack's `ApiUrl` output (or `--api` / OMS_API_URL), and the token is
 *   `--token` / OMS_TOKEN (a person's access token, as the console holds it), or one fetched
 *   with the OAuth client-credentials grant for a machine client: OMS_CLIENT_ID and
 *   OMS_CLIENT_SECRET at the stack's `TokenUrl` output (or OMS_TOKEN_URL). A machine client may
 *   do what its scopes allow (docs/security.md).
 */
export interface Api {
  url: string;
  token: string;
}

export interface ApiOptions extends TargetOptions {
  /** A deployed API's base URL (with --aws); defaults to OMS_API_URL, then the stack output. */
  api?: string;
  /** A bearer token for it (with --aws); defaults to OMS_TOKEN, then client credentials. */
  token?: string;
}

/** Who the command acts as on the local runtime: the actor its changes record. */
export interface LocalIdentity {
  role: Role;
  sub: string;
}

export const CLI_IDENTITY: LocalIdentity = { role: 'admin', sub: 'oms-cli' };

export async function apiOf(options: ApiOptions, identity: LocalIdentity = CLI_IDENTITY): Promise<Api> {
  const target = targetOf(options);
  if (target.kind === 'local') {
    const response = await fetch(`${target.url}/_local/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(identity),
    }).catch(() => undefined);
    if (!response?.ok) {
      throw new Error(
        `The local runtime at ${target.url} gave no token (${response?.status ?? 'not running'}): start it with npm start.`,
      );
    }
    return { url: target.url, token: ((await response.json()) as { access_token: string }).access_token };
  }
  // An empty variable counts as unset, as a shell's `OMS_TOKEN= npm run oms …` means.
  const url = options.api || process.env.OMS_API_URL || (await stackOutput(target, 'ApiUrl'));
  const token = options.token || process.env.OMS_TOKEN || (await clientCredentialsToken(target));
  return { url: url.replace(/\/+$/, ''), token };
}

async function clientCredentialsToken(target: Extract<Target, { kind: 'aws' }>): Promise<string> {
  const clientId = process.env.OMS_CLIENT_ID;
  const clientSecret = process.env.OMS_CLIENT_SECRET;
  if (!clientId || !clientSecret) {
    throw new Error(
      'With --aws, give a bearer token (--token or OMS_TOKEN) or a machine client (OMS_CLIENT_ID and OMS_CLIENT_SECRET).',
    );
  }
  const tokenUrl = process.env.OMS_TOKEN_URL || (await stackOutput(target, 'TokenUrl'));
  const response = await fetch(tokenUrl, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`,
    },
    body: new URLSearchParams({ grant_type: 'client_credentials' }),
  });
  const body = (await response.json().catch(() => ({}))) as { access_token?: string; error?: string };
  if (!response.ok || !body.access_token) {
    throw new Error(`${tokenUrl} refused the client credentials: ${body.error ?? response.status}.`);
  }
  return body.access_token;
}

/** A problem+json answer (RFC 9457) of the API, kept whole so a command can report its fields. */
export class ApiProblem extends Error {
  constructor(
    readonly status: number,
    readonly problem: { title?: string; detail?: string; errors?: { path: string; message: string }[] },
  ) {
    super(`${status} ${problem.title ?? ''}: ${problem.detail ?? ''}`.trim());
    this.name = 'ApiProblem';
  }
}

/** Calls the API; a 4xx or 5xx answer is thrown as an ApiProblem. */
export async function callApi<Result>(
  api: Api,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<Result> {
  const response = await fetch(`${api.url}${path}`, {
    method,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${api.token}`, ...headers },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  const answer: unknown = await response.json().catch(() => ({}));
  if (!response.ok) throw new ApiProblem(response.status, answer as ApiProblem['problem']);
  return answer as Result;
}

/** A path segment, encoded. */
export const segment = (value: string | number) => encodeURIComponent(String(value));
