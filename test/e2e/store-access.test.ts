import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { getMovement } from '../../functions/data/movements-repository.js';
import { startLocalRuntime, type LocalRuntime } from '../../lib/local/runtime.js';
import { fetchAs, type TokenPrincipal } from '../helpers/tokens.js';

/**
 * A store clerk on the local runtime, as the store app would work: Maria at Chiado reads and
 * changes Chiado's stock with her own token, is refused at Colombo, and her name, not what the
 * app wrote in `who`, is on the movement.
 */
const MARIA: TokenPrincipal = { role: 'store', sub: 'maria', locationIds: ['STORE-LIS-CHIADO'] };
const SKU = 'JEANS-SLIM-32';
let runtime: LocalRuntime;

beforeAll(async () => {
  runtime = await startLocalRuntime({
    port: 0,
    dynamodbEndpoint: inject('dynamodbEndpoint'),
    tablePrefix: `e2estore${Date.now().toString(36)}-`,
    pollIntervalMs: 50,
    scheduleIntervalMs: 0,
  });
});
afterAll(() => runtime?.stop());

const receiptAt = (locationId: string, movementId: string) => ({
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({
    type: 'receipt',
    movementId,
    who: 'till 2',
    sku: SKU,
    locationId,
    quantity: 3,
  }),
});

async function onHandAt(locationId: string): Promise<number> {
  const response = await fetchAs(runtime.url, `/v1/locations/${locationId}/inventory`, {}, MARIA);
  expect(response.status).toBe(200);
  const page = (await response.json()) as { items: { sku: string; onHand: number }[] };
  return page.items.find((item) => item.sku === SKU)?.onHand ?? 0;
}

describe('a store user', () => {
  it('lists and changes the stock of its own store, and the movement names the token as its actor', async () => {
    const before = await onHandAt('STORE-LIS-CHIADO');

    const response = await fetchAs(
      runtime.url,
      '/v1/inventory/movements',
      receiptAt('STORE-LIS-CHIADO', 'store-e2e-1'),
      MARIA,
    );

    expect(response.status).toBe(201);
    const record = (await response.json()) as { actor: unknown; who: string };
    expect(record).toMatchObject({ actor: { sub: 'maria', role: 'store' }, who: 'till 2' });
    expect((await getMovement('store-e2e-1'))?.actor).toMatchObject({ sub: 'maria', role: 'store' });
    expect(await onHandAt('STORE-LIS-CHIADO')).toBe(before + 3);
  });

  it("is refused another store's stock, reading or changing it, and nothing is recorded", async () => {
    const read = await fetchAs(runtime.url, '/v1/locations/STORE-LIS-COLOMBO/inventory', {}, MARIA);
    const moved = await fetchAs(
      runtime.url,
      '/v1/inventory/movements',
      receiptAt('STORE-LIS-COLOMBO', 'store-e2e-2'),
      MARIA,
    );

    expect(read.status).toBe(403);
    expect(moved.status).toBe(403);
    expect(moved.headers.get('content-type')).toBe('application/problem+json');
    expect(await moved.json()).toMatchObject({
      status: 403,
      detail: expect.stringContaining('STORE-LIS-COLOMBO'),
    });
    expect(await getMovement('store-e2e-2')).toBeUndefined();
  });

  it('can not move stock out of its store to another by a transfer that names the other one first', async () => {
    const transfer = await fetchAs(
      runtime.url,
      '/v1/inventory/movements',
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          type: 'transfer_shipment',
          movementId: 'store-e2e-3',
          who: 'till 2',
          transferId: 'T-STORE-E2E',
          sku: SKU,
          fromLocationId: 'STORE-LIS-COLOMBO',
          toLocationId: 'STORE-LIS-CHIADO',
          quantity: 1,
        }),
      },
      MARIA,
    );

    expect(transfer.status).toBe(403);
    expect(await getMovement('store-e2e-3')).toBeUndefined();
  });
});
