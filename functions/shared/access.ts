import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { ROUTES } from '../routes/index.js';
import {
  actorOf,
  mayActOn,
  mayCall,
  principalFromClaims,
  requiresToken,
  type Actor,
  type ClaimValue,
  type Decision,
  type Principal,
  type Resource,
  type RouteAccess,
} from '../domain/access.js';
import { ForbiddenError, UnauthorizedError } from '../domain/errors.js';
import { errorResponse, type HttpResponse } from './http.js';

/**
 * Authorization in the handlers, from the one table of routes (functions/routes): API
 * Gateway's JWT authorizer (or the local runtime) has verified the token; this decides whether
 * its principal may call the route and act on the resource.
 */
const ACCESS_BY_ROUTE_KEY: ReadonlyMap<string, RouteAccess> = new Map(
  ROUTES.map((route) => [`${route.method} ${route.path}`, route.access]),
);

interface JwtAuthorizerContext {
  authorizer?: { jwt?: { claims?: Record<string, ClaimValue>; scopes?: readonly string[] | null } };
}

/** The principal of the verified token, where API Gateway puts it (`requestContext.authorizer.jwt`). */
export function principalOf(event: APIGatewayProxyEventV2): Principal {
  const jwt = (event.requestContext as JwtAuthorizerContext).authorizer?.jwt;
  if (!jwt?.claims) throw new UnauthorizedError('This needs a bearer token.');
  return principalFromClaims(jwt.claims, jwt.scopes ?? []);
}

/** Who to record as having made a change: the token's subject, role and client, never the body's. */
export function actorFrom(event: APIGatewayProxyEventV2): Actor {
  return actorOf(principalOf(event));
}

/** Checks a resource the handler found in the body or a record; throws ForbiddenError when not here. */
export function authorizeResource(event: APIGatewayProxyEventV2, resource: Resource): void {
  enforce(mayActOn(principalOf(event), resource));
}

/**
 * The route's own check, before the handler runs: the role or scope, and a resource named in the
 * path. A route key with no declared access is refused, so a new route is closed until declared.
 */
export function authorizeRoute(event: APIGatewayProxyEventV2): void {
  const access = ACCESS_BY_ROUTE_KEY.get(event.routeKey);
  if (!access) throw new ForbiddenError(`No access is declared for ${event.routeKey}.`);
  if (!requiresToken(access)) return;
  const principal = principalOf(event);
  enforce(mayCall(principal, access));
  const resource = access.resource;
  if (resource && 'location' in resource && resource.location === 'path') {
    enforce(mayActOn(principal, { locationIds: [event.pathParameters?.locationId ?? ''] }));
  }
  if (resource && 'channel' in resource && resource.channel === 'path') {
    enforce(mayActOn(principal, { channelIds: [event.pathParameters?.channelId ?? ''] }));
  }
}

export function routeAuthorization(): MiddlewareObj<APIGatewayProxyEventV2, HttpResponse> {
  return {
    before: ({ event }) => {
      try {
        authorizeRoute(event);
      } catch (error) {
        return errorResponse(error, event.rawPath);
      }
      return undefined;
    },
  };
}

function enforce(decision: Decision): void {
  if (!decision.allowed) throw new ForbiddenError(decision.reason);
}
