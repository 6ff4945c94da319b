/**
 * Who is signed in: the access token and what the console reads from its claims to decide what
 * to offer (the API decides what is allowed; the console only leaves out what would be refused).
 * Claims as the local issuer and Cognito put them: `cognito:groups` for the role, `locations`
 * (or `custom:locations`) for store staff.
 */
export type Role = 'admin' | 'ops' | 'customer_service' | 'store' | 'integration';

export interface Session {
  token: string;
  sub: string;
  name: string;
  role: Role;
  locationIds: string[];
  expiresAt: number;
}

const STORAGE_KEY = 'oms.session';

export function sessionFromToken(token: string): Session {
  const payload = token.split('.')[1];
  if (!payload) throw new Error('The token is not a JWT.');
  const claims = JSON.parse(decodeBase64Url(payload)) as Record<string, unknown>;
  const groups = claims['cognito:groups'];
  const role = (Array.isArray(groups) ? groups[0] : 'integration') as Role;
  const locations = claims.locations ?? claims['custom:locations'];
  const locationIds = Array.isArray(locations)
    ? locations.map(String)
    : typeof locations === 'string'
      ? locations.split(/[\s,]+/).filter(Boolean)
      : [];
  const sub = String(claims.sub ?? '');
  return {
    token,
    sub,
    name: String(claims.username ?? sub),
    role,
    locationIds,
    expiresAt: Number(claims.exp ?? 0) * 1000,
  };
}

function decodeBase64Url(text: string): string {
  const base64 = text.replace(/-/g, '+').replace(/_/g, '/');
  const bytes = Uint8Array.from(atob(base64.padEnd(Math.ceil(base64.length / 4) * 4, '=')), (c) =>
    c.charCodeAt(0),
  );
  return new TextDecoder().decode(bytes);
}

/** Kept for the tab only: closing it signs out, and no other site can read it. */
export function saveSession(session: Session): void {
  sessionStorage.setItem(STORAGE_KEY, session.token);
}

export function restoreSession(now = Date.now()): Session | undefined {
  const token = sessionStorage.getItem(STORAGE_KEY);
  if (!token) return undefined;
  try {
    const session = sessionFromToken(token);
    if (session.expiresAt > now) return session;
  } catch {
    // A token that does not parse is as good as none.
  }
  sessionStorage.removeItem(STORAGE_KEY);
  return undefined;
}

export function clearSession(): void {
  sessionStorage.removeItem(STORAGE_KEY);
}

/** The screens a role is offered, in the order of the navigation. */
export type Area =
  | 'queue'
  | 'orders'
  | 'stock'
  | 'replenishment'
  | 'overdue'
  | 'simulation'
  // Ops only: the dead-letters and report routes are open to admin and ops alone.
  | 'dead-letters'
  | 'kpis';

const AREAS: Record<Role, Area[]> = {
  admin: ['queue', 'orders', 'stock', 'replenishment', 'overdue', 'simulation', 'dead-letters', 'kpis'],
  ops: ['queue', 'orders', 'stock', 'replenishment', 'overdue', 'simulation', 'dead-letters', 'kpis'],
  customer_service: ['orders', 'stock'],
  store: ['queue'],
  integration: [],
};

export function areasOf(session: Session): Area[] {
  return AREAS[session.role] ?? [];
}

/** Who may act on fulfillment orders (functions/routes/fulfillment.ts FULFILLERS). */
export function canWorkFulfillment(session: Session): boolean {
  return session.role === 'admin' || session.role === 'ops' || session.role === 'store';
}

/** Who may cancel, change addresses and open returns (functions/routes/service.ts EVERY_READER). */
export function canServiceOrders(session: Session): boolean {
  return session.role === 'admin' || session.role === 'ops' || session.role === 'customer_service';
}
