import {
  SignJWT,
  createLocalJWKSet,
  exportJWK,
  generateKeyPair,
  jwtVerify,
  type CryptoKey,
  type JSONWebKeySet,
  type JWTPayload,
} from 'jose';
import { z } from 'zod';
import { ROLES, SCOPES, type Scope } from '../../functions/domain/access.js';
import { parseOrThrow } from '../../functions/domain/validation.js';
import { DEMO_USERS } from './demo-users.js';

/**
 * The local runtime's identity provider and API Gateway's JWT authorizer, so that the laptop
 * runs the same checks as AWS. The issuer mints access tokens shaped as Cognito's (groups for
 * people, `client_id` and scopes for machine clients) with a key pair made at start and published
 * as a JWKS; the verifier checks them as the authorizer does.
 */
export const LOCAL_CONSOLE_CLIENT_ID = 'oms-local-console';
export const LOCAL_INTEGRATION_CLIENT_ID = 'oms-local-integration';
export const TOKEN_LIFETIME_SECONDS = 3600;
/** API Gateway's JWT authorizer verifies RSA signatures only. */
const ALGORITHM = 'RS256';

const Id = z.string().min(1).max(128);

/** The body of `POST /_local/token`. */
export const TokenRequest = z.strictObject({
  role: z.enum(ROLES),
  sub: Id.optional(),
  locationIds: z.array(Id).max(100).optional(),
  channelIds: z.array(Id).max(100).optional(),
  scopes: z.array(z.enum(Object.keys(SCOPES) as [Scope, ...Scope[]])).optional(),
});
export type TokenRequest = z.output<typeof TokenRequest>;

export interface TokenResponse {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
}

/** What API Gateway puts at `requestContext.authorizer.jwt`: every claim as a string. */
export interface JwtAuthorizerContext {
  claims: Record<string, string>;
  scopes: string[] | null;
}

export class TokenRejectedError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'TokenRejectedError';
  }
}

/** When a token is valid; tests move these to mint expired or not-yet-valid tokens. */
export interface TokenTimes {
  issuedAt?: number;
  expiresAt?: number;
  notBefore?: number;
}

export class LocalTokenIssuer {
  private constructor(
    readonly issuer: string,
    private readonly privateKey: CryptoKey,
    private readonly keySet: JSONWebKeySet,
  ) {}

  static async create(issuer: string): Promise<LocalTokenIssuer> {
    const { privateKey, publicKey } = await generateKeyPair(ALGORITHM);
    const kid = `local-${Date.now().toString(36)}`;
    const jwk = { ...(await exportJWK(publicKey)), kid, alg: ALGORITHM, use: 'sig' };
    return new LocalTokenIssuer(issuer, privateKey, { keys: [jwk] });
  }

  jwks(): JSONWebKeySet {
    return this.keySet;
  }

  /** The discovery document API Gateway and OIDC clients read at `<issuer>/.well-known/openid-configuration`. */
  openIdConfiguration() {
    return {
      issuer: this.issuer,
      jwks_uri: `${this.issuer}/.well-known/jwks.json`,
      token_endpoint: `${this.issuer}/token`,
      id_token_signing_alg_values_supported: [ALGORITHM],
    };
  }

  /**
   * `POST /_local/token`: a demo user's token (`{"role": "store"}`, `{"role": "store", "sub": "rui"}`),
   * or anyone's with the role, locations, channels and scopes asked for.
   */
  async tokenFor(body: unknown, times: TokenTimes = {}): Promise<TokenResponse> {
    const request = parseOrThrow(TokenRequest, body ?? {}, 'token request');
    // A demo user when named, or when only the role is asked for; otherwise exactly what was asked.
    const onlyRole = Object.keys(request).length === 1;
    const demoUser = DEMO_USERS.find(
      (user) =>
        user.role === request.role && (request.sub === undefined ? onlyRole : user.sub === request.sub),
    );
    const issuedAt = times.issuedAt ?? Math.floor(Date.now() / 1000);
    const expiresAt = times.expiresAt ?? issuedAt + TOKEN_LIFETIME_SECONDS;
    const locationIds = request.locationIds ?? demoUser?.locationIds;
    const channelIds = request.channelIds ?? demoUser?.channelIds;
    const isMachine = request.role === 'integration';
    const sub = request.sub ?? demoUser?.sub ?? `local-${request.role}`;
    const claims: JWTPayload = {
      token_use: 'access',
      client_id: isMachine ? LOCAL_INTEGRATION_CLIENT_ID : LOCAL_CONSOLE_CLIENT_ID,
      ...(isMachine
        ? { scope: (request.scopes ?? demoUser?.scopes ?? []).join(' ') }
        : { 'cognito:groups': [request.role], username: sub }),
      ...(locationIds && { locations: locationIds }),
      ...(channelIds && { channels: channelIds }),
    };
    const token = new SignJWT(claims)
      .setProtectedHeader({ alg: ALGORITHM, kid: this.keySet.keys[0]?.kid ?? '' })
      .setIssuer(this.issuer)
      .setSubject(sub)
      .setIssuedAt(issuedAt)
      .setExpirationTime(expiresAt);
    if (times.notBefore !== undefined) token.setNotBefore(times.notBefore);
    return {
      access_token: await token.sign(this.privateKey),
      token_type: 'Bearer',
      expires_in: expiresAt - issuedAt,
    };
  }
}

export interface JwtAuthorizerSettings {
  issuer: string;
  /** Accepted `aud` values or, for tokens without `aud` (Cognito access tokens), `client_id` values. */
  audience: readonly string[];
  jwks: JSONWebKeySet;
}

/**
 * Verifies the Authorization header as API Gateway's JWT authorizer does: a signature by a key of
 * the issuer's JWKS, `iss`, `aud` (or `client_id` when there is no `aud`), `exp` and `nbf`. The
 * claims are handed on as API Gateway hands them: strings, arrays written as `[a b]`.
 */
export async function verifyBearer(
  authorization: string | undefined,
  settings: JwtAuthorizerSettings,
): Promise<JwtAuthorizerContext> {
  const token = /^Bearer\s+(\S+)$/i.exec(authorization ?? '')?.[1];
  if (!token) throw new TokenRejectedError('This needs an Authorization: Bearer <token> header.');
  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(token, createLocalJWKSet(settings.jwks), {
      issuer: settings.issuer,
      algorithms: [ALGORITHM],
      requiredClaims: ['exp'],
    }));
  } catch (error) {
    throw new TokenRejectedError(`The token was rejected: ${(error as Error).message}`);
  }
  const audiences = payload.aud === undefined ? [payload.client_id] : [payload.aud].flat();
  if (!audiences.some((audience) => typeof audience === 'string' && settings.audience.includes(audience))) {
    throw new TokenRejectedError('The token is for another audience.');
  }
  const claims = Object.fromEntries(
    Object.entries(payload).map(([name, value]) => [
      name,
      Array.isArray(value)
        ? `[${value.join(' ')}]`
        : typeof value === 'object'
          ? JSON.stringify(value)
          : String(value),
    ]),
  );
  const scopes = typeof payload.scope === 'string' && payload.scope !== '' ? payload.scope.split(' ') : null;
  return { claims, scopes };
}
