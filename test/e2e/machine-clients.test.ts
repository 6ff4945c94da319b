import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startLocalRuntime, type LocalRuntime } from '../../lib/local/runtime.js';
import { fetchAs, type TokenPrincipal } from '../helpers/tokens.js';

/**
 * A WMS acting for one warehouse, with client credentials: an admin grants it the location, and
 * its next token carries it (in AWS through the pre-token-generation trigger, here through the
 * local issuer reading the same grant), so it moves stock there and is refused elsewhere.
 */
const ADMIN: TokenPrincipal = { role: 'admin', sub: 'ana' };
const WMS: TokenPrincipal = { role: 'integration', sub: 'wms-porto', scopes: ['oms/inventory.write'] };
const SKU = 'MUG-1';
let runtime: LocalRuntime;

beforeAll(async () => {
  runtime = await startLocalRuntime({
    port: 0,
    dynamodbEndpoint: inject('dynamodbEndpoint'),
    tablePrefix: `e2eclients${Date.now().toString(36)}-`,
    pollIntervalMs: 50,
    scheduleIntervalMs: 0,
  });
});
afterAll(() => runtime?.stop());

const json = (method: string, body: unknown): RequestInit => ({
  method,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});
/** A new token for the WMS, as its next client-credentials request gets one (tokenFor keeps the first). */
async function asTheWms(path: string, init: RequestInit): Promise<Response> {
  const issued = await fetch(`${runtime.url}/_local/token`, json('POST', WMS));
  const { access_token: token } = (await issued.json()) as { access_token: string };
  const headers = new Headers(init.headers);
  headers.set('authorization', `Bearer ${token}`);
  return fetch(`${runtime.url}${path}`, { ...init, headers });
}
const receiptAt = (locationId: string, movementId: string) =>
  json('POST', { type: 'receipt', movementId, who: 'wms', sku: SKU, locationId, quantity: 2 });

describe('a machine client granted one location', () => {
  it('acts everywhere its scopes allow until an admin grants it locations', async () => {
    const before = await asTheWms('/v1/inventory/movements', receiptAt('STORE-LIS-CHIADO', 'wms-0'));

    expect(before.status).toBe(201);
  });

  it('is limited to its granted location from its next token, and the grant names the admin', async () => {
    const granted = await fetchAs(
      runtime.url,
      '/v1/machine-clients/wms-porto',
      json('PUT', { description: 'Porto warehouse WMS', locationIds: ['WH-POR'] }),
      ADMIN,
    );
    expect(granted.status).toBe(201);
    expect(granted.headers.get('location')).toBe('/v1/machine-clients/wms-porto');
    expect(await granted.json()).toMatchObject({
      clientId: 'wms-porto',
      locationIds: ['WH-POR'],
      updatedBy: { sub: 'ana', role: 'admin' },
    });

    const home = await asTheWms('/v1/inventory/movements', receiptAt('WH-POR', 'wms-1'));
    const elsewhere = await asTheWms('/v1/inventory/movements', receiptAt('STORE-LIS-CHIADO', 'wms-2'));

    expect(home.status).toBe(201);
    expect(elsewhere.status).toBe(403);
    expect(elsewhere.headers.get('content-type')).toBe('application/problem+json');
  });

  it('answers a replaced grant with 200 and lists every grant', async () => {
    const replaced = await fetchAs(
      runtime.url,
      '/v1/machine-clients/wms-porto',
      json('PUT', { locationIds: ['WH-POR', 'STORE-LIS-CHIADO'] }),
      ADMIN,
    );
    const listed = await fetchAs(runtime.url, '/v1/machine-clients', {}, { role: 'ops' });

    expect(replaced.status).toBe(200);
    expect(((await listed.json()) as { items: { clientId: string; locationIds: string[] }[] }).items).toEqual(
      [expect.objectContaining({ clientId: 'wms-porto', locationIds: ['WH-POR', 'STORE-LIS-CHIADO'] })],
    );
  });

  it('refuses a grant from anyone but an admin, and an invalid one, writing nothing', async () => {
    const byOps = await fetchAs(
      runtime.url,
      '/v1/machine-clients/erp',
      json('PUT', { locationIds: ['WH-POR'] }),
      { role: 'ops' },
    );
    const invalid = await fetchAs(
      runtime.url,
      '/v1/machine-clients/erp',
      json('PUT', { locationIds: ['WH-POR\u0000'], unknown: true }),
      ADMIN,
    );
    const read = await fetchAs(runtime.url, '/v1/machine-clients/erp', {}, ADMIN);

    expect(byOps.status).toBe(403);
    expect(invalid.status).toBe(400);
    expect(
      ((await invalid.json()) as { errors: { path: string }[] }).errors.map((error) => error.path),
    ).toEqual(expect.arrayContaining(['locationIds/0']));
    expect(read.status).toBe(404);
  });
});
