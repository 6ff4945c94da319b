import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ConsoleConfig } from './config';
import { prefetchWork, takeEarly, workPath } from './early';
import type { Session } from './session';

const CONFIG: ConsoleConfig = { apiUrl: 'https://api.example', auth: { type: 'local' } };
const store = (locationIds: string[]): Session => ({
  token: 'token-1',
  sub: 'maria',
  name: 'maria',
  role: 'store',
  locationIds,
  expiresAt: Number.MAX_SAFE_INTEGER,
});
const QUEUE_URL = `https://api.example${workPath('STORE-LIS-CHIADO')}`;

afterEach(() => {
  vi.unstubAllGlobals();
  takeEarly(QUEUE_URL, 'token-1');
});

describe("the queue's read sent before the screens have loaded", () => {
  it("asks once for a store's first location, with the token, and the API client takes the answer once", async () => {
    const answer = new Response('{"items":[]}');
    const fetched = vi.fn(async () => answer);
    vi.stubGlobal('fetch', fetched);

    prefetchWork(CONFIG, store(['STORE-LIS-CHIADO', 'STORE-LIS-BAIXA']), '#/queue');

    expect(fetched).toHaveBeenCalledWith(QUEUE_URL, { headers: { authorization: 'Bearer token-1' } });
    expect(QUEUE_URL).toContain(
      '/v1/locations/STORE-LIS-CHIADO/fulfillment-orders?statuses=CREATED,ACCEPTED,PICKED,PACKED,PARTIALLY_SHIPPED,READY_FOR_PICKUP&limit=100',
    );
    expect(takeEarly(QUEUE_URL, 'another-token')).toBeUndefined();
    expect(await takeEarly(QUEUE_URL, 'token-1')).toBe(answer);
    expect(takeEarly(QUEUE_URL, 'token-1')).toBeUndefined();
  });

  it.each([
    ['another screen', store(['STORE-LIS-CHIADO']), '#/fulfillment-orders/FO-1'],
    ['no session', undefined, ''],
    ['not a store', { ...store([]), role: 'ops' as const }, '#/queue'],
    ['a store without a location', store([]), ''],
  ])('sends nothing for %s', (_, session, hash) => {
    const fetched = vi.fn();
    vi.stubGlobal('fetch', fetched);

    prefetchWork(CONFIG, session, hash);

    expect(fetched).not.toHaveBeenCalled();
  });
});
