import type { RouteAccess } from '../domain/access.js';

/**
 * One HTTP route and who may call it. The tables live here, beside the handlers that enforce
 * them, one file per capability; lib/topology.ts checks that every `function` names a function it
 * deploys, and the CDK stack, the local server and the OpenAPI document read the same tables.
 */
export interface RouteDeclaration {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH';
  /** API Gateway path syntax: `{name}` is a path parameter. */
  path: string;
  /** The key of the function in lib/topology.ts FUNCTIONS that serves the route. */
  function: string;
  /**
   * Who may call it (docs/security.md). The CDK stack puts the JWT authorizer on every route that
   * needs a token, the local runtime verifies tokens the same way, the handlers check the role,
   * scope and resource, and the OpenAPI document lists it per operation.
   */
  access: RouteAccess;
}

/** The roles that read everything about orders and stock. */
export const EVERY_READER = ['admin', 'ops', 'customer_service'] as const;
