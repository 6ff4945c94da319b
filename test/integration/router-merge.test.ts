import { beforeAll, describe, expect, it } from 'vitest';
import { putLocation } from '../../functions/data/config-repository.js';
import { putStockLevel } from '../../functions/data/inventory-repository.js';
import { getOrder } from '../../functions/data/orders-repository.js';
import * as routingRepository from '../../functions/data/routing-repository.js';
import { getOrderById } from '../../functions/api/get-order.js';
import { DEFAULT_RULE_SET } from '../../functions/data/rules-repository.js';
import type { CanonicalOrderInput, Order } from '../../functions/domain/order.js';
import { parseRuleSet } from '../../functions/domain/routing/rules.js';
import { newStockLevel } from '../../functions/domain/stock.js';
import { routerDeps } from '../../functions/routing/route-orders.js';
import { routeOrder, type RouteOrderDeps } from '../../functions/routing/route-order.js';
import { anApiEvent } from '../helpers/factories.js';
import { aStoreNorthOfLisbon, LISBON } from '../helpers/records.js';
import { aStoredOrder } from '../helpers/routing.js';
import { useLocalTables } from '../helpers/tables.js';

const NOW = '2026-11-22T10:30:00.000Z';

/** The built-in rules, merging a customer's orders placed within an hour of each other. */
const MERGING_RULES = parseRuleSet({
  ...DEFAULT_RULE_SET,
  ruleSetId: 'merging',
  merge: { windowMinutes: 60 },
});

const deps: RouteOrderDeps = {
  ...routerDeps,
  getActiveRuleSet: () => Promise.resolve(MERGING_RULES),
  now: () => new Date(NOW),
};

const HOME = {
  line1: 'Rua Augusta 100',
  city: 'Lisboa',
  postalCode: '1100-053',
  country: 'PT',
  lat: LISBON.lat,
  lon: LISBON.lon,
} as const;

/** A RECEIVED order of one SKU for `email`, shipped to `address`, placed `minutes` after 10:00 UTC. */
function aCustomerOrder(args: {
  email: string;
  sku: string;
  minutes: number;
  address?: CanonicalOrderInput['shippingAddress'];
  channelId?: string;
}): Promise<Order> {
  return aStoredOrder({
    lines: [{ sku: args.sku, quantity: 1 }],
    placedAt: new Date(Date.parse('2026-11-22T10:00:00Z') + args.minutes * 60_000).toISOString(),
    customer: { email: args.email, name: 'Ana Silva' },
    shippingAddress: args.address ?? HOME,
    ...(args.channelId && { channelId: args.channelId }),
  });
}

beforeAll(async () => {
  await useLocalTables();
  await Promise.all(
    [aStoreNorthOfLisbon('merge-near', 5), aStoreNorthOfLisbon('merge-far', 40)].map(putLocation),
  );
  for (const sku of ['MERGE-A', 'MERGE-B', 'MERGE-C']) {
    await putStockLevel(newStockLevel({ sku, locationId: 'merge-near', onHand: 10, now: NOW }));
  }
});

describe('merging orders on DynamoDB Local', () => {
  it("routes a customer's orders to one address as one fulfillment order, whatever their channels", async () => {
    const first = await aCustomerOrder({ email: 'rita@example.com', sku: 'MERGE-A', minutes: 0 });
    const second = await aCustomerOrder({
      email: 'Rita@Example.com',
      sku: 'MERGE-B',
      minutes: 20,
      channelId: 'mobile-app',
      address: { ...HOME, line1: '  rua augusta  100 ', postalCode: '1100 053' },
    });
    const elsewhere = await aCustomerOrder({
      email: 'rita@example.com',
      sku: 'MERGE-C',
      minutes: 10,
      address: { ...HOME, line1: 'Rua do Ouro 5', postalCode: '1100-060' },
    });

    const routed = await routeOrder(deps, { kind: 'route', orderId: first.orderId });
    const secondMessage = await routeOrder(deps, { kind: 'route', orderId: second.orderId });

    expect(routed).toMatchObject({ kind: 'committed', status: 'ROUTED', mergedWith: [second.orderId] });
    expect(secondMessage).toEqual({ kind: 'skipped', reason: 'order is ROUTED' });
    const [shipment, ...more] = await routingRepository.listFulfillmentOrders(first.orderId);
    expect(more).toEqual([]);
    expect(shipment).toMatchObject({
      locationId: 'merge-near',
      kind: 'ship',
      mergedOrderIds: [first.orderId, second.orderId],
      lines: [
        { orderId: first.orderId, lineId: '1', sku: 'MERGE-A', quantity: 1 },
        { orderId: second.orderId, lineId: '1', sku: 'MERGE-B', quantity: 1 },
      ],
    });
    expect(await getOrder(first.orderId)).toMatchObject({ status: 'ROUTED', mergedWith: [second.orderId] });
    const merged = (await getOrder(second.orderId)) as Order & {
      routing: { explanation: { decision: string[] } };
    };
    expect(merged).toMatchObject({
      status: 'ROUTED',
      version: second.version + 1,
      mergedWith: [first.orderId],
    });
    expect(merged.routing.explanation.decision.at(-1)).toContain(`Merged with ${first.orderId} `);
    expect(await getOrder(elsewhere.orderId)).toMatchObject({ status: 'RECEIVED' });

    const alone = await routeOrder(deps, { kind: 'route', orderId: elsewhere.orderId });

    expect(alone).toMatchObject({ kind: 'committed', status: 'ROUTED' });
    expect(alone).not.toHaveProperty('mergedWith');
    expect(await routingRepository.listFulfillmentOrders(elsewhere.orderId)).toHaveLength(1);
  });

  it("routes two orders once when both orders' messages arrive at the same time", async () => {
    const first = await aCustomerOrder({ email: 'ines@example.com', sku: 'MERGE-A', minutes: 0 });
    const second = await aCustomerOrder({ email: 'ines@example.com', sku: 'MERGE-B', minutes: 5 });

    const results = await Promise.all(
      [first, second].map((order) => routeOrder(deps, { kind: 'route', orderId: order.orderId })),
    );

    expect(results.filter((result) => result.kind === 'committed')).toHaveLength(1);
    const shipments = [
      ...(await routingRepository.listFulfillmentOrders(first.orderId)),
      ...(await routingRepository.listFulfillmentOrders(second.orderId)),
    ];
    expect(shipments).toHaveLength(1);
    expect(shipments[0]!.lines).toHaveLength(2);
  });

  it('shows each merged order, over the API, its own line where it went, the shared fulfillment order and the other order', async () => {
    const first = await aCustomerOrder({ email: 'marta@example.com', sku: 'MERGE-A', minutes: 0 });
    const second = await aCustomerOrder({ email: 'marta@example.com', sku: 'MERGE-B', minutes: 15 });

    // The second order's message is taken first: the plan is stored with the second order.
    const routed = await routeOrder(deps, { kind: 'route', orderId: second.orderId });
    expect(routed).toMatchObject({ kind: 'committed', mergedWith: [first.orderId] });

    const [firstView, secondView] = await Promise.all([orderView(first.orderId), orderView(second.orderId)]);
    const [shipment] = secondView.fulfillmentOrders;
    expect(secondView.fulfillmentOrders).toHaveLength(1);
    expect(firstView.fulfillmentOrders).toEqual(secondView.fulfillmentOrders);
    for (const [view, sku, other] of [
      [firstView, 'MERGE-A', second.orderId],
      [secondView, 'MERGE-B', first.orderId],
    ] as const) {
      expect(view.lines).toEqual([
        expect.objectContaining({
          sku,
          assignments: [
            {
              fulfillmentOrderId: shipment!.fulfillmentOrderId,
              locationId: 'merge-near',
              kind: 'ship',
              quantity: 1,
            },
          ],
        }),
      ]);
      expect(view.routing.summary.at(-1)).toMatch(new RegExp(`^Merged with ${other} `));
    }
  });

  it('leaves out an order placed outside the window', async () => {
    const first = await aCustomerOrder({ email: 'joao@example.com', sku: 'MERGE-A', minutes: 0 });
    const late = await aCustomerOrder({ email: 'joao@example.com', sku: 'MERGE-B', minutes: 61 });

    const routed = await routeOrder(deps, { kind: 'route', orderId: first.orderId });

    expect(routed).toMatchObject({ kind: 'committed', status: 'ROUTED' });
    expect(routed).not.toHaveProperty('mergedWith');
    expect(await getOrder(late.orderId)).toMatchObject({ status: 'RECEIVED' });
  });
});

interface OrderViewBody {
  lines: { sku: string; assignments: unknown[] }[];
  fulfillmentOrders: { fulfillmentOrderId: string }[];
  routing: { summary: string[] };
}

async function orderView(orderId: string): Promise<OrderViewBody> {
  const response = await getOrderById(
    anApiEvent({ path: `/v1/orders/${orderId}`, pathParameters: { orderId } }),
  );
  expect(response.statusCode).toBe(200);
  return JSON.parse(response.body ?? '{}') as OrderViewBody;
}
