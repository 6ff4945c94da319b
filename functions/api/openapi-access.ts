import { ROUTES } from '../routes/index.js';
import { SCOPES, requiresToken } from '../domain/access.js';
import { problemResponse } from './openapi-parts.js';

/**
 * Who may call each operation, in the OpenAPI document, from the access table of
 * functions/routes: the security requirements, an `x-oms-access` extension with the roles,
 * scope and resource check, and the 401 and 403 answers.
 */
export const ACCESS_SECURITY_SCHEMES = {
  bearer: {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description:
      "A person's token: the role from `cognito:groups` (or a `role` claim), a store's locations from `locations` (or `custom:locations`). See docs/security.md.",
  },
  oauth2: {
    type: 'oauth2',
    description:
      "Machine clients: client credentials at the identity provider's token endpoint (Cognito: `https://<domain>/oauth2/token`); `locations` / `channels` claims limit a client to those ids.",
    flows: { clientCredentials: { tokenUrl: 'https://auth.example.com/oauth2/token', scopes: SCOPES } },
  },
};

interface Operation {
  security?: Record<string, string[]>[];
  responses: Record<string, unknown>;
  'x-oms-access'?: unknown;
}

export function withAccess<Document extends { paths: object }>(document: Document): Document {
  const paths = document.paths as Record<string, Record<string, Operation> | undefined>;
  for (const { path, method, access } of ROUTES) {
    const operation = paths[path]?.[method.toLowerCase()];
    if (!operation) continue;
    if ('public' in access) operation.security = [];
    if (!requiresToken(access)) continue;
    operation.security = [{ bearer: [] }, { oauth2: [access.scope] }];
    operation['x-oms-access'] = access;
    operation.responses['401'] = problemResponse(
      'No bearer token, or one that is malformed, expired or from another issuer.',
    );
    operation.responses['403'] = problemResponse(
      `The caller may not do this, or not here. Allowed: ${access.roles.join(', ')}, and machine clients with ${access.scope}${access.resource ? ', each only for its own locations or channels' : ''}.`,
    );
  }
  return document;
}
