import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { CommitResult, RoutingCommit } from '../../../functions/data/routing-repository.js';
import { DEFAULT_RULE_SET } from '../../../functions/data/rules-repository.js';
import { newStockLevel, type StockLevel } from '../../../functions/domain/stock.js';
import { MAX_DECISIONS, routeOrder, type RouteOrderDeps } from '../../../functions/routing/route-order.js';
import { anOrder, aLocation } from '../../helpers/records.js';

const NOW = '2026-11-22T10:05:00.000Z';
const STORE = aLocation('lisboa-1', { name: 'Lisboa Baixa' });

/** A shard item of a hot SKU at the store: the router must see the shards summed. */
const aShard = (sku: string, available: number): StockLevel =>
  newStockLevel({ sku, locationId: STORE.locationId, onHand: available, now: NOW });

const order = anOrder(
  {},
  {
    lines: [
      { lineId: '1', sku: 'HOT-A', quantity: 2, unitPrice: 1000 },
      { lineId: '2', sku: 'HOT-B', quantity: 1, unitPrice: 1000 },
    ],
    totals: undefined,
  },
);

let deps: RouteOrderDeps & {
  commitRoutingPlan: ReturnType<typeof vi.fn<(commit: RoutingCommit) => Promise<CommitResult>>>;
};

beforeEach(() => {
  deps = {
    getOrder: vi.fn(async () => order),
    getActiveRuleSet: async () => DEFAULT_RULE_SET,
    listLocations: async () => [STORE],
    getCarrierServices: async () => undefined,
    getStockLevels: vi.fn(async () => []),
    getProducts: async () => ({}),
    getCapacityUsed: async () => ({}),
    listCustomerOrders: async () => [],
    commitRoutingPlan: vi.fn(async () => ({ kind: 'committed', orderVersion: order.version + 1 }) as const),
    releaseAbandonedCommit: vi.fn(),
    announceFulfillmentOrders: vi.fn(),
    getFulfillmentOrder: vi.fn(),
    listFulfillmentOrders: vi.fn(),
    rejectFulfillmentOrder: vi.fn(),
    getHotShards: async () => ({ 'HOT-A': 8, 'HOT-B': 8 }),
    // Two shards with 3 and 4 units: only their sum (7) holds an order of 2 with room to spare.
    getStockItems: vi.fn(async (sku: string) => [aShard(sku, 3), aShard(sku, 4)]),
    reserveFromShards: vi.fn(async (args) => ({
      kind: 'reserved' as const,
      portions: [{ shard: 5, quantity: args.quantity }],
    })),
    releaseFromShards: vi.fn(async () => true),
    newId: () => 'id-1',
    now: () => new Date(NOW),
  };
});

describe('routeOrder with hot SKUs', () => {
  it('reads the shards summed, reserves from them, then commits claiming their markers', async () => {
    const result = await routeOrder(deps, { kind: 'route', orderId: order.orderId });

    expect(result).toMatchObject({ kind: 'committed', status: 'ROUTED', decisions: 1 });
    expect(deps.getStockLevels).not.toHaveBeenCalled();
    expect(deps.getStockItems).toHaveBeenCalledWith('HOT-A', 8);
    expect(deps.reserveFromShards).toHaveBeenCalledWith(
      expect.objectContaining({ sku: 'HOT-A', locationId: 'lisboa-1', orderId: order.orderId, quantity: 2 }),
    );
    const [commit] = deps.commitRoutingPlan.mock.calls[0]!;
    expect(commit.reservations).toEqual([]);
    expect(commit.hotReservations).toEqual([
      { sku: 'HOT-A', locationId: 'lisboa-1' },
      { sku: 'HOT-B', locationId: 'lisboa-1' },
    ]);
    expect(deps.releaseFromShards).not.toHaveBeenCalled();
  });

  it('decides again when the shards are short, gives back what it took, and then backorders', async () => {
    vi.mocked(deps.reserveFromShards).mockImplementation(async (args) =>
      args.sku === 'HOT-A'
        ? { kind: 'insufficient', available: 0 }
        : { kind: 'reserved', portions: [{ shard: 1, quantity: args.quantity }] },
    );
    // Read again, the flash sale took both: the second decision places nothing.
    vi.mocked(deps.getStockItems).mockImplementation(async (sku) =>
      vi.mocked(deps.reserveFromShards).mock.calls.length > 0
        ? [aShard(sku, 0)]
        : [aShard(sku, 3), aShard(sku, 4)],
    );

    const result = await routeOrder(deps, { kind: 'route', orderId: order.orderId });

    expect(result).toMatchObject({ kind: 'committed', status: 'BACKORDERED', decisions: 2 });
    expect(deps.releaseFromShards).toHaveBeenCalledExactlyOnceWith(
      expect.objectContaining({ sku: 'HOT-B', portions: [{ shard: 1, quantity: 1 }], unlessRouted: true }),
    );
    expect(deps.commitRoutingPlan).toHaveBeenCalledOnce();
    const [commit] = deps.commitRoutingPlan.mock.calls[0]!;
    expect(commit.hotReservations).toBeUndefined();
    expect(commit.reservations).toEqual([]);
  });

  it('when the commit fails, releases only the hot reservations this attempt took', async () => {
    vi.mocked(deps.reserveFromShards).mockImplementation(async (args) =>
      args.sku === 'HOT-A'
        ? { kind: 'reserved', portions: [{ shard: 2, quantity: 2 }] }
        : { kind: 'already_reserved', portions: [{ shard: 6, quantity: 1 }] },
    );
    deps.commitRoutingPlan.mockResolvedValue({ kind: 'order_changed' });

    const result = await routeOrder(deps, { kind: 'route', orderId: order.orderId });

    expect(result.kind).toBe('skipped');
    expect(deps.releaseFromShards).toHaveBeenCalledExactlyOnceWith({
      sku: 'HOT-A',
      locationId: 'lisboa-1',
      orderId: order.orderId,
      portions: [{ shard: 2, quantity: 2 }],
      now: NOW,
      unlessRouted: true,
    });
  });

  it('also releases what it took when the commit throws (it may have been applied: unlessRouted)', async () => {
    deps.commitRoutingPlan.mockRejectedValue(new Error('throttled'));

    await expect(routeOrder(deps, { kind: 'route', orderId: order.orderId })).rejects.toThrow('throttled');

    expect(deps.releaseFromShards).toHaveBeenCalledTimes(2);
    expect(vi.mocked(deps.releaseFromShards).mock.calls.every(([args]) => args.unlessRouted)).toBe(true);
  });

  it('decides again when other orders kept taking the shards (contended), and commits the next attempt', async () => {
    vi.mocked(deps.reserveFromShards)
      .mockResolvedValueOnce({ kind: 'contended' })
      .mockImplementation(async (args) => ({
        kind: 'reserved',
        portions: [{ shard: 3, quantity: args.quantity }],
      }));

    const result = await routeOrder(deps, { kind: 'route', orderId: order.orderId });

    expect(result).toMatchObject({ kind: 'committed', status: 'ROUTED', decisions: 2 });
    expect(deps.commitRoutingPlan).toHaveBeenCalledOnce();
    // The first attempt's HOT-B units went back: the contended HOT-A could not back that decision.
    expect(deps.releaseFromShards).toHaveBeenCalledExactlyOnceWith(
      expect.objectContaining({ sku: 'HOT-B', portions: [{ shard: 3, quantity: 1 }], unlessRouted: true }),
    );
  });

  it('never commits a held hot reservation of another quantity, and backorders after its last decision', async () => {
    vi.mocked(deps.reserveFromShards).mockImplementation(async (args) =>
      args.sku === 'HOT-A'
        ? { kind: 'already_reserved', portions: [{ shard: 4, quantity: 5 }] }
        : { kind: 'reserved', portions: [{ shard: 1, quantity: args.quantity }] },
    );

    const result = await routeOrder(deps, { kind: 'route', orderId: order.orderId });

    // Each of the MAX_DECISIONS decisions ran into it; the backorder is one more, with no hot stock.
    expect(result).toMatchObject({ kind: 'committed', status: 'BACKORDERED', decisions: MAX_DECISIONS + 1 });
    const commits = deps.commitRoutingPlan.mock.calls.map(([commit]) => commit);
    expect(commits).toHaveLength(1);
    expect(commits[0]!.hotReservations).toBeUndefined();
    expect(deps.releaseFromShards).toHaveBeenCalledTimes(MAX_DECISIONS);
    expect(
      vi.mocked(deps.releaseFromShards).mock.calls.map(([args]) => [args.sku, args.portions]),
    ).not.toContainEqual(['HOT-A', expect.anything()]);
  });
});

describe('routeOrder for an order some of whose units were canceled before it was routed', () => {
  it('places only the units still wanted: it reserves no canceled unit, from the shards or anywhere', async () => {
    const canceled = [
      { lineId: '1', sku: 'HOT-A', quantity: 1 },
      { lineId: '2', sku: 'HOT-B', quantity: 1 },
    ];
    deps.getOrder = vi.fn(async () => ({ ...order, canceledUnits: canceled }));

    const result = await routeOrder(deps, { kind: 'route', orderId: order.orderId });

    expect(result).toMatchObject({ kind: 'committed', status: 'ROUTED' });
    expect(deps.reserveFromShards).toHaveBeenCalledExactlyOnceWith(
      expect.objectContaining({ sku: 'HOT-A', quantity: 1 }),
    );
    const [commit] = deps.commitRoutingPlan.mock.calls[0]!;
    expect(commit.fulfillmentOrders.map((fo) => fo.lines)).toEqual([
      [{ lineId: '1', sku: 'HOT-A', quantity: 1 }],
    ]);
  });
});

describe('routeOrder when customer service changes the order while it is being decided', () => {
  it('decides again from the order as it is now, without the units canceled meanwhile', async () => {
    const changed = {
      ...order,
      version: order.version + 1,
      canceledUnits: [{ lineId: '2', sku: 'HOT-B', quantity: 1 }],
    };
    deps.getOrder = vi
      .fn<RouteOrderDeps['getOrder']>()
      .mockResolvedValueOnce(order)
      .mockResolvedValue(changed);
    deps.commitRoutingPlan
      .mockResolvedValueOnce({ kind: 'order_changed' })
      .mockResolvedValue({ kind: 'committed', orderVersion: changed.version + 1 });

    const result = await routeOrder(deps, { kind: 'route', orderId: order.orderId });

    expect(result).toMatchObject({ kind: 'committed', status: 'ROUTED' });
    const [, commit] = deps.commitRoutingPlan.mock.calls.map(([call]) => call);
    expect(commit).toMatchObject({ expectedVersion: changed.version });
    expect(commit!.fulfillmentOrders.flatMap((fo) => fo.lines)).toEqual([
      { lineId: '1', sku: 'HOT-A', quantity: 2 },
    ]);
  });

  it('stops when the order read again is routed, or has not moved on', async () => {
    deps.commitRoutingPlan.mockResolvedValue({ kind: 'order_changed' });
    deps.getOrder = vi
      .fn<RouteOrderDeps['getOrder']>()
      .mockResolvedValueOnce(order)
      .mockResolvedValue({ ...order, status: 'ROUTED', version: order.version + 1 });

    const result = await routeOrder(deps, { kind: 'route', orderId: order.orderId });

    expect(result.kind).toBe('skipped');
    expect(deps.commitRoutingPlan).toHaveBeenCalledOnce();
  });
});
