import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { putChannel, putLocation } from '../../functions/data/config-repository.js';
import { putStockLevel } from '../../functions/data/inventory-repository.js';
import { newStockLevel } from '../../functions/domain/stock.js';
import { aCanonicalOrder } from '../helpers/factories.js';
import { startTestRuntime, type TestRuntime } from '../helpers/local-runtime.js';
import { aChannel, aStoreNorthOfLisbon } from '../helpers/records.js';

/**
 * Rule sets through the routing API on the local runtime: stored, validated, activated, and once
 * active, what the router decides with. A file of its own: activation changes the one active
 * rule set of its tables, which no other test should see.
 */
let local: TestRuntime;
const SKU = 'VASE-WHITE';

beforeAll(async () => {
  local = await startTestRuntime({ seed: false });
  await putChannel(aChannel({ channelId: 'web', name: 'Web' }));
  // The near store is the built-in rules' choice; the far one is the retailer's preferred.
  await putLocation(aStoreNorthOfLisbon('STORE-NEAR', 2, { priority: 50 }));
  await putLocation(aStoreNorthOfLisbon('STORE-PREFERRED', 60, { priority: 1 }));
  const now = new Date().toISOString();
  for (const locationId of ['STORE-NEAR', 'STORE-PREFERRED'])
    await putStockLevel(newStockLevel({ sku: SKU, locationId, onHand: 10, now }));
});
afterAll(() => local?.stop());

const aRuleSet = (ruleSetId: string, ranking: string[]) => ({
  ruleSetId,
  version: 1,
  strategies: [
    { name: ruleSetId, filters: {}, ranking, split: { policy: 'allow' }, onUnplaceable: 'backorder' },
  ],
});

async function routedFrom(externalId: string): Promise<{ locations: string[]; ruleSetId: string }> {
  const body = JSON.stringify(
    aCanonicalOrder({
      externalId,
      lines: [{ lineId: '1', sku: SKU, quantity: 1, unitPrice: 3000, discount: 0, tax: 0 }],
      totals: undefined,
    }),
  );
  const posted = await local.postSignedOrder(body);
  expect(posted.status).toBe(202);
  const { orderId } = (await posted.json()) as { orderId: string };
  const order = await local.orderWithStatus<{
    status: string;
    fulfillmentOrders: { locationId: string }[];
    routing: { ruleSetId: string };
  }>(orderId, 'ROUTED');
  return {
    locations: order.fulfillmentOrders.map((fo) => fo.locationId),
    ruleSetId: order.routing.ruleSetId,
  };
}

describe('rule sets through the routing API', () => {
  it('validates, stores each version once, refuses other content under it, and activates only what exists', async () => {
    const ruleSet = aRuleSet('nearest', ['distance']);
    const invalid = {
      ...ruleSet,
      strategies: [{ ...ruleSet.strategies[0], split: { policy: 'max_shipments' } }],
    };

    const rejected = await local.post('/v1/routing/rule-sets/validate', invalid);
    expect(rejected.status).toBe(400);
    expect(
      ((await rejected.json()) as { errors: { path: string }[] }).errors.map((error) => error.path),
    ).toContain('strategies/0/split/maxShipments');
    expect((await local.post('/v1/routing/rule-sets', ruleSet)).status).toBe(201);
    expect((await local.post('/v1/routing/rule-sets', ruleSet)).status).toBe(200);
    const changed = { ...ruleSet, strategies: [{ ...ruleSet.strategies[0], ranking: ['priority'] }] };
    expect((await local.post('/v1/routing/rule-sets', changed)).status).toBe(409);
    expect((await local.post('/v1/routing/rule-sets/nearest/versions/9/activate', '')).status).toBe(404);
    expect((await local.post('/v1/routing/rule-sets/nearest/versions/1/activate', '')).status).toBe(200);

    expect(await local.getJson('/v1/routing/rule-sets/active')).toMatchObject({
      builtIn: false,
      ruleSet: { ruleSetId: 'nearest', version: 1 },
    });
  });

  it('routes by the rule set activated last', async () => {
    expect((await local.post('/v1/routing/rule-sets', aRuleSet('by-distance', ['distance']))).status).toBe(
      201,
    );
    expect((await local.post('/v1/routing/rule-sets', aRuleSet('by-priority', ['priority']))).status).toBe(
      201,
    );

    expect((await local.post('/v1/routing/rule-sets/by-distance/versions/1/activate', '')).status).toBe(200);
    expect(await routedFrom('W-RULES-1')).toEqual({ locations: ['STORE-NEAR'], ruleSetId: 'by-distance' });

    expect((await local.post('/v1/routing/rule-sets/by-priority/versions/1/activate', '')).status).toBe(200);
    expect(await routedFrom('W-RULES-2')).toEqual({
      locations: ['STORE-PREFERRED'],
      ruleSetId: 'by-priority',
    });
  });
});
