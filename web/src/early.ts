import type { ConsoleConfig } from './config';
import type { Session } from './session';

/**
 * The queue's read, sent by the page's first small script (main.ts) while the screens' code is
 * still downloading beside it: on a phone's slow connection the two round trips overlap instead
 * of following each other. The API client (api.ts) takes the answer once, as if it had asked.
 */
const early = new Map<string, Promise<Response>>();

/** The statuses a store works from, in the order of the work. */
export const WORK_STATUSES = [
  'CREATED',
  'ACCEPTED',
  'PICKED',
  'PACKED',
  'PARTIALLY_SHIPPED',
  'READY_FOR_PICKUP',
];

/** A location's work in one call (`statuses`, docs/fulfillment.md), the first 100 of each status. */
export const workPath = (locationId: string, statuses: string[] = WORK_STATUSES) =>
  `/v1/locations/${encodeURIComponent(locationId)}/fulfillment-orders?statuses=${statuses.join(',')}&limit=100`;

const keyOf = (url: string, token: string) => `${token} ${url}`;

/** Sends the queue's read when the page opens on a store user's queue (the first screen of a store). */
export function prefetchWork(config: ConsoleConfig, session: Session | undefined, hash: string): void {
  const locationId = session?.role === 'store' ? session.locationIds[0] : undefined;
  if (!session || !locationId || !/^(#\/?(queue)?)?$/.test(hash)) return;
  const url = `${config.apiUrl}${workPath(locationId)}`;
  const response = fetch(url, { headers: { authorization: `Bearer ${session.token}` } });
  // A failure is the queue's to show when it takes the answer; until then it is not unhandled.
  response.catch(() => undefined);
  early.set(keyOf(url, session.token), response);
}

/** The answer sent early for this GET, once; undefined when none was sent. */
export function takeEarly(url: string, token: string): Promise<Response> | undefined {
  const key = keyOf(url, token);
  const response = early.get(key);
  early.delete(key);
  return response;
}
