import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { putChannel } from '../../functions/data/config-repository.js';
import { createOrder } from '../../functions/data/orders-repository.js';
import { aCanonicalOrder } from '../helpers/factories.js';
import { startTestRuntime, type TestRuntime } from '../helpers/local-runtime.js';
import { aChannel, anOrder } from '../helpers/records.js';
import { fetchAs } from '../helpers/tokens.js';

/**
 * Finding orders on the local runtime (GET /v1/orders): orders a channel posted, routed (here
 * backordered: no location holds their SKU) and found again by status, channel and customer,
 * page by page; a cursor the API did not issue is a 400.
 */
let local: TestRuntime;
const HOUR = 3_600_000;
const placed = (hoursAgo: number) => new Date(Date.now() - hoursAgo * HOUR).toISOString();

interface Page {
  orders: { orderId: string; channelId: string; externalId: string; status: string; placedAt: string }[];
  next?: string;
}

const webOrders = [
  { externalId: 'FIND-1', hoursAgo: 30, customer: { email: 'Ana@Example.com', name: 'Ana Silva' } },
  { externalId: 'FIND-2', hoursAgo: 2, customer: { email: 'ana@example.com', name: 'Ana Silva' } },
  { externalId: 'FIND-3', hoursAgo: 1, customer: { phone: '+351 912 345 678', name: 'Rui Costa' } },
];
const ids: Record<string, string> = {};

beforeAll(async () => {
  local = await startTestRuntime({ seed: false });
  await putChannel(aChannel({ channelId: 'web', name: 'Web' }));
  for (const { externalId, hoursAgo, customer } of webOrders) {
    const body = JSON.stringify(
      aCanonicalOrder({
        externalId,
        placedAt: placed(hoursAgo),
        customer,
        lines: [{ lineId: '1', sku: 'FIND-NOWHERE', quantity: 1, unitPrice: 1500, discount: 0, tax: 0 }],
        totals: undefined,
      }),
    );
    const posted = await local.postSignedOrder(body);
    expect(posted.status).toBe(202);
    ids[externalId] = ((await posted.json()) as { orderId: string }).orderId;
  }
  // A store's order canceled at the till: stored as the POS ingest would, the router skips it.
  const pos = anOrder(
    { orderId: '01JDFINDPOS0000000000000001', channelId: 'pos', status: 'CANCELED' },
    { externalId: 'POS-1', placedAt: placed(5), customer: { email: 'joao@example.com', name: 'João Reis' } },
  );
  expect(await createOrder(pos)).toEqual({ created: true });
  ids['POS-1'] = pos.orderId;
  for (const externalId of Object.keys(ids).filter((id) => id.startsWith('FIND')))
    await local.orderWithStatus(ids[externalId]!, 'BACKORDERED');
});
afterAll(() => local?.stop());

const find = (query: string) => local.getJson<Page>(`/v1/orders?${query}`);
const externalIds = (page: Page) => page.orders.map((order) => order.externalId);

describe('finding orders', () => {
  it('lists the last 30 days newest first, as summaries', async () => {
    const page = await find('');

    expect(externalIds(page)).toEqual(['FIND-3', 'FIND-2', 'POS-1', 'FIND-1']);
    expect(page.next).toBeUndefined();
    expect(page.orders[0]).toEqual({
      orderId: ids['FIND-3'],
      channelId: 'web',
      externalId: 'FIND-3',
      status: 'BACKORDERED',
      placedAt: expect.any(String),
      currency: 'EUR',
      totals: expect.objectContaining({ total: expect.any(Number) }),
      customerName: 'Rui Costa',
    });
  });

  it('finds orders by status and by channel', async () => {
    expect(externalIds(await find('status=BACKORDERED'))).toEqual(['FIND-3', 'FIND-2', 'FIND-1']);
    expect(externalIds(await find('channelId=pos'))).toEqual(['POS-1']);
    expect(externalIds(await find('channelId=web&status=CANCELED'))).toEqual([]);
  });

  it("finds a customer's orders by email, whatever its case, or by phone", async () => {
    expect(externalIds(await find('customer=ANA%40example.com'))).toEqual(['FIND-2', 'FIND-1']);
    expect(externalIds(await find('customer=%2B351912345678'))).toEqual(['FIND-3']);
    const since = encodeURIComponent(placed(10));
    expect(externalIds(await find(`customer=ana%40example.com&placedFrom=${since}`))).toEqual(['FIND-2']);
  });

  it('pages with the cursor until every order was seen once', async () => {
    const seen: string[] = [];
    let next: string | undefined;
    let pages = 0;
    do {
      const page = await find(`limit=2${next ? `&cursor=${encodeURIComponent(next)}` : ''}`);
      expect(page.orders.length).toBeLessThanOrEqual(2);
      seen.push(...externalIds(page));
      next = page.next;
      pages++;
    } while (next && pages < 10);

    expect(seen).toEqual(['FIND-3', 'FIND-2', 'POS-1', 'FIND-1']);
    expect(pages).toBeGreaterThanOrEqual(2);
  });

  it('answers 400 to a cursor it did not issue, and to a bad query', async () => {
    const forged = Buffer.from(JSON.stringify({ placedSort: '2999-01-01T00:00:00.000Z#X' })).toString(
      'base64url',
    );
    const customerCursor = Buffer.from(
      JSON.stringify({
        pk: 'ORDER#X',
        sk: 'ORDER',
        customerKey: 'email:eve@example.com',
        placedAt: placed(1),
      }),
    ).toString('base64url');
    for (const query of [
      `cursor=${forged}`,
      'cursor=bm90IGpzb24',
      `customer=ana%40example.com&cursor=${customerCursor}`,
      'limit=101',
      'status=LOST',
      'customer=912345678',
      'placedFrom=2026-11-22&placedTo=2026-11-21',
      'placedFrom=2025-01-01&placedTo=2026-01-01',
    ]) {
      const response = await local.api(`/v1/orders?${query}`);
      expect(response.status, query).toBe(400);
      expect(response.headers.get('content-type')).toContain('application/problem+json');
    }
  });

  it('is for customer service, ops and admins, not for stores', async () => {
    expect((await fetchAs(local.url, '/v1/orders', {}, { role: 'customer_service' })).status).toBe(200);
    const store = await fetchAs(local.url, '/v1/orders', {}, { role: 'store', locationIds: ['STORE-1'] });
    expect(store.status).toBe(403);
  });
});
