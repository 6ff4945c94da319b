import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aCanonicalOrder } from '../helpers/factories.js';
import { startTestRuntime, type TestRuntime } from '../helpers/local-runtime.js';
import { aLocation } from '../helpers/records.js';
import { fetchAs } from '../helpers/tokens.js';

/**
 * A retailer configuring the OMS through the admin API, on the local runtime: a new store and a
 * drop-ship product are used by the very next order's routing, a new channel takes orders signed
 * with the secret stored for it, and every change names the admin who made it.
 */
let oms: TestRuntime;
const ADMIN = { role: 'admin', sub: 'ana' } as const;

beforeAll(async () => {
  oms = await startTestRuntime({ scheduleIntervalMs: 0 });
});
afterAll(() => oms?.stop());

const put = (path: string, body: unknown, principal: { role: 'admin' | 'ops'; sub?: string } = ADMIN) =>
  fetchAs(
    oms.url,
    path,
    { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) },
    principal,
  );

interface OrderView {
  status: string;
  fulfillmentOrders: { locationId: string; kind: string }[];
}

async function receive(sku: string, locationId: string, quantity: number): Promise<void> {
  const response = await oms.post('/v1/inventory/movements', {
    type: 'receipt',
    movementId: `admin-e2e-${sku}-${locationId}`,
    who: 'admin e2e',
    sku,
    locationId,
    quantity,
  });
  expect(response.status).toBe(201);
}

describe('the admin API', () => {
  it('creates a store that the next order is routed to, and names the admin on it', async () => {
    // Far north of every demo location, where the order below ships to.
    const store = aLocation('STORE-BRAGANCA', { lat: 41.806, lon: -6.757, capabilities: ['ship'] });
    const { locationId: _id, ...body } = store;

    const created = await put('/v1/locations/STORE-BRAGANCA', body);

    expect(created.status).toBe(201);
    expect(created.headers.get('location')).toBe('/v1/locations/STORE-BRAGANCA');
    expect(await created.json()).toMatchObject({
      locationId: 'STORE-BRAGANCA',
      updatedBy: { sub: 'ana', role: 'admin' },
    });

    await receive('ADMIN-E2E-BOOT', 'STORE-BRAGANCA', 5);
    const posted = await oms.postSignedOrder(
      JSON.stringify(
        aCanonicalOrder({
          externalId: 'ADMIN-E2E-1',
          shippingAddress: {
            name: 'Rui',
            line1: 'Rua Direita 1',
            city: 'Bragança',
            country: 'PT',
            lat: 41.8,
            lon: -6.75,
          },
          lines: [{ lineId: '1', sku: 'ADMIN-E2E-BOOT', quantity: 1, unitPrice: 5000, discount: 0, tax: 0 }],
          shippingPrice: 0,
          totals: { subtotal: 5000, discount: 0, tax: 0, shipping: 0, total: 5000 },
        }),
      ),
    );
    expect(posted.status).toBe(202);
    const { orderId } = (await posted.json()) as { orderId: string };

    const view = await oms.orderWithStatus<OrderView>(orderId, 'ROUTED');
    expect(view.fulfillmentOrders).toEqual([expect.objectContaining({ locationId: 'STORE-BRAGANCA' })]);
  });

  it('routes a drop-ship product to its vendor as soon as the product names it', async () => {
    const vendor = aLocation('VENDOR-POTTERY', { type: 'dropship_vendor', capabilities: ['ship'] });
    const { locationId: _id, ...vendorBody } = vendor;
    expect((await put('/v1/locations/VENDOR-POTTERY', vendorBody)).status).toBe(201);
    const product = await put('/v1/products/VASE-1', {
      name: 'Hand-thrown vase',
      dropshipVendorLocationId: 'VENDOR-POTTERY',
    });
    expect(product.status).toBe(201);

    const posted = await oms.postSignedOrder(
      JSON.stringify(
        aCanonicalOrder({
          externalId: 'ADMIN-E2E-2',
          lines: [{ lineId: '1', sku: 'VASE-1', quantity: 1, unitPrice: 4000, discount: 0, tax: 0 }],
          shippingPrice: 0,
          totals: { subtotal: 4000, discount: 0, tax: 0, shipping: 0, total: 4000 },
        }),
      ),
    );
    const { orderId } = (await posted.json()) as { orderId: string };

    const view = await oms.orderWithStatus<OrderView>(orderId, 'ROUTED');
    expect(view.fulfillmentOrders).toEqual([
      expect.objectContaining({ locationId: 'VENDOR-POTTERY', kind: 'dropship' }),
    ]);
  });

  it('takes orders on a new channel signed with the secret stored for it, and never shows the secret', async () => {
    const channel = await put('/v1/channels/kiosk', { name: 'In-store kiosk', format: 'canonical' });
    expect(channel.status).toBe(201);
    expect(await channel.json()).toMatchObject({ channelId: 'kiosk', secretName: 'oms/channels/kiosk' });
    const secret = 'kiosk-signing-secret-2026';

    const stored = await put('/v1/channels/kiosk/secret', { secret });
    const read = await oms.getJson('/v1/channels/kiosk');
    const listed = await oms.getJson<{ items: { channelId: string }[] }>('/v1/channels');
    const order = JSON.stringify(aCanonicalOrder({ externalId: 'KIOSK-1' }));
    const signedRight = await oms.postSignedOrder(order, { channelId: 'kiosk', secret });
    const signedWrong = await oms.postSignedOrder(order, { channelId: 'kiosk', secret: 'not-the-secret' });

    expect(stored.status).toBe(204);
    expect(await stored.text()).toBe('');
    expect(JSON.stringify(read)).not.toContain(secret);
    expect(listed.items.map((item) => item.channelId)).toContain('kiosk');
    expect(signedRight.status).toBe(202);
    expect(signedWrong.status).toBe(401);
  });

  it('answers a replaced record with 200, and lists records page by page', async () => {
    const replaced = await put('/v1/products/VASE-1', { name: 'Hand-thrown vase, blue' });
    const first = await oms.getJson<{ items: { locationId: string }[]; nextCursor?: string }>(
      '/v1/locations?limit=2',
    );
    const second = await oms.getJson<{ items: { locationId: string }[] }>(
      `/v1/locations?limit=2&cursor=${first.nextCursor}`,
    );

    expect(replaced.status).toBe(200);
    expect(first.items).toHaveLength(2);
    expect(first.nextCursor).toBeDefined();
    expect(second.items.map((item) => item.locationId)).not.toContain(first.items[0]!.locationId);
  });

  it('refuses invalid records naming each field, and writes nothing for them', async () => {
    const before = await oms.getJson('/v1/channels/kiosk');
    const cases = [
      ['/v1/locations/BAD', { name: 'No type', lat: 100 }, ['type', 'lat']],
      ['/v1/locations/BAD', { ...aLocation('OTHER') }, ['locationId']],
      ['/v1/products/VASE-2', { dropshipVendorLocationId: 'STORE-BRAGANCA' }, ['dropshipVendorLocationId']],
      ['/v1/products/VASE-2', { reorderPoint: -1, colour: 'blue' }, ['reorderPoint']],
      [
        '/v1/channels/kiosk',
        { name: 'Kiosk', format: 'canonical', secretName: 'prod/database' },
        ['secretName'],
      ],
      ['/v1/channels/kiosk/secret', { secret: 'short' }, ['secret']],
    ] as const;
    for (const [path, body, fields] of cases) {
      const response = await put(path, body);
      expect(response.status, path).toBe(400);
      const problem = (await response.json()) as { errors: { path: string }[] };
      expect(problem.errors.map((error) => error.path)).toEqual(expect.arrayContaining([...fields]));
    }
    expect((await oms.api('/v1/locations/BAD')).status).toBe(404);
    expect((await oms.api('/v1/products/VASE-2')).status).toBe(404);
    expect(await oms.getJson('/v1/channels/kiosk')).toEqual(before);
  });

  it('lets ops read but not change the configuration', async () => {
    const read = await fetchAs(oms.url, '/v1/products/VASE-1', {}, { role: 'ops' });
    const write = await put('/v1/products/VASE-1', { name: 'Renamed by ops' }, { role: 'ops' });

    expect(read.status).toBe(200);
    expect(write.status).toBe(403);
  });
});
