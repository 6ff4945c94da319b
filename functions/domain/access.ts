/**
 * Who may do what, as data and pure functions: the roles, the scopes of machine clients, what a
 * route needs (declared per route in functions/routes) and the decision for one principal and one
 * resource. The handlers (functions/shared/access.ts), the local runtime and the OpenAPI
 * document read the same declarations, so the rules can not differ between them.
 */
export const ROLES = ['admin', 'ops', 'customer_service', 'store', 'integration'] as const;
export type Role = (typeof ROLES)[number];

/** Scopes of the resource server (`oms`) that machine clients are granted. */
export const SCOPES = {
  'oms/orders.read': 'Read orders',
  'oms/inventory.read': 'Read stock levels and replenishment suggestions',
  'oms/inventory.write': 'Post stock movements and POS sales',
  'oms/availability.read': 'Read channel availability',
  'oms/routing.read': 'Read routing rule sets and simulate routing',
  'oms/routing.write': 'Store and activate routing rule sets',
  'oms/access.read': 'Read which locations and channels machine clients act for',
  'oms/access.write': 'Grant machine clients locations and channels',
  'oms/config.read': 'Read locations, products and channels',
  'oms/config.write': 'Configure locations, products, channels and channel secrets',
  'oms/fulfillment.read': "Read fulfillment orders: a location's work queue, overdue work",
  'oms/fulfillment.write':
    'Accept, reject, pick, pack, ship and hand over fulfillment orders; buy shipping labels',
  'oms/orders.write': 'Cancel orders and change their shipping address',
  'oms/returns.write': 'Authorize returns and receive returned goods',
  'oms/customers.read': 'Read customers across channels and export their personal data',
  'oms/customers.erase': "Erase a customer's personal data",
  'oms/reports.read': 'Read sales and fulfillment reports of the whole business',
  'oms/orders.route': 'Send parked, backordered or partially routed orders back through the router',
  'oms/dead-letters.read': "Read the work queues' dead letters: counts and message ids",
  'oms/dead-letters.redrive': "Move the work queues' dead letters back to their queues",
} as const;
export type Scope = keyof typeof SCOPES;

/**
 * How a route's resource is checked against a principal limited to some locations or channels:
 * `path` takes the id from the route's `{locationId}` / `{channelId}` parameter before the
 * handler runs; `body` (the locations a movement touches) and `record` (the channel of a stored
 * order, the location of a stored fulfillment order) are only known to the handler, which
 * checks them with `authorizeResource` once it has parsed or read them.
 */
export type ResourceCheck = { location: 'path' | 'body' | 'record' } | { channel: 'path' | 'record' };

export type RouteAccess =
  /** Open to anyone, with the reason. */
  | { public: string }
  /** The function authenticates the caller itself (channel signatures), with the reason. */
  | { signature: string }
  /** A bearer token (JWT) of one of these roles, or a machine client with this scope. */
  | { roles: readonly Exclude<Role, 'integration'>[]; scope: Scope; resource?: ResourceCheck };

export type TokenAccess = Extract<RouteAccess, { roles: unknown }>;

export function requiresToken(access: RouteAccess): access is TokenAccess {
  return 'roles' in access;
}

/** Who made a change, as recorded with it: from the token, never from the request body. */
export interface Actor {
  sub: string;
  role: Role;
  clientId?: string;
}

export interface Principal extends Actor {
  /** Granted to machine clients; a person's rights come from the role alone. */
  scopes: readonly string[];
  /** Absent: every location. A store is always limited, to none when its token names none. */
  locationIds?: readonly string[];
  /** Absent: every channel. */
  channelIds?: readonly string[];
}

export interface Resource {
  locationIds?: readonly string[];
  channelIds?: readonly string[];
}

export type Decision = { allowed: true } | { allowed: false; reason: string };

const allow: Decision = { allowed: true };
const deny = (reason: string): Decision => ({ allowed: false, reason });

/** May the principal call a route with this access at all? The resource is checked apart. */
export function mayCall(principal: Principal, access: TokenAccess): Decision {
  if (principal.role === 'integration') {
    if (!principal.scopes.includes(access.scope)) return deny(`This needs the scope ${access.scope}.`);
  } else if (!(access.roles as readonly Role[]).includes(principal.role)) {
    return deny(`The role ${principal.role} may not do this.`);
  }
  const limits = limitsOf(principal);
  if (limits.length === 0) return allow;
  const checked = access.resource && ('location' in access.resource ? 'location' : 'channel');
  if (!checked || !limits.includes(checked)) {
    return deny(`This caller acts only for some ${limits.join('s and ')}s; this is not about one.`);
  }
  return allow;
}

/** May the principal act on this resource? Only the dimensions the principal is limited in count. */
export function mayActOn(principal: Principal, resource: Resource): Decision {
  const outside = (allowed: readonly string[] | undefined, ids: readonly string[] | undefined) =>
    allowed ? (ids ?? []).filter((id) => !allowed.includes(id)) : [];
  const locations = outside(principal.locationIds, resource.locationIds);
  if (locations.length > 0) return deny(`Not allowed at location ${locations.join(', ')}.`);
  const channels = outside(principal.channelIds, resource.channelIds);
  if (channels.length > 0) return deny(`Not allowed for channel ${channels.join(', ')}.`);
  return allow;
}

function limitsOf(principal: Principal): ('location' | 'channel')[] {
  return [
    ...(principal.locationIds ? (['location'] as const) : []),
    ...(principal.channelIds ? (['channel'] as const) : []),
  ];
}

export function actorOf(principal: Principal): Actor {
  return {
    sub: principal.sub,
    role: principal.role,
    ...(principal.clientId !== undefined && { clientId: principal.clientId }),
  };
}

/** A claim value as API Gateway passes it: arrays arrive as `[a b]`, custom attributes as `a,b`. */
export type ClaimValue = string | number | boolean | readonly string[];

function listClaim(value: ClaimValue | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  if (Array.isArray(value)) return value.map(String);
  return String(value)
    .replace(/^\[|\]$/g, '')
    .split(/[\s,]+/)
    .filter(Boolean);
}

/**
 * The principal of a verified token's claims. A person's role is their group (Cognito's
 * `cognito:groups`) or a `role` claim (another identity provider, the local issuer); the most
 * powerful known role wins. A token with no role is a machine client: what it may do comes from
 * its scopes. Locations and channels come from `locations` / `channels` claims (or the Cognito
 * custom attributes of the same name, as an ID token carries them).
 */
export function principalFromClaims(
  claims: Record<string, ClaimValue>,
  scopes: readonly string[] = [],
): Principal {
  const named = [...(listClaim(claims['cognito:groups']) ?? []), ...(listClaim(claims.role) ?? [])];
  const role = ROLES.find((candidate) => named.includes(candidate)) ?? 'integration';
  const clientId = claims.client_id ?? claims.azp ?? claims.cid;
  const locationIds = listClaim(claims.locations ?? claims['custom:locations']);
  const channelIds = listClaim(claims.channels ?? claims['custom:channels']);
  const tokenScopes = scopes.length > 0 ? scopes : (listClaim(claims.scope ?? claims.scp) ?? []);
  return {
    sub: String(claims.sub ?? clientId ?? ''),
    role,
    ...(clientId !== undefined && { clientId: String(clientId) }),
    scopes: role === 'integration' ? tokenScopes : [],
    ...((locationIds || role === 'store') && { locationIds: locationIds ?? [] }),
    ...(channelIds && { channelIds }),
  };
}
