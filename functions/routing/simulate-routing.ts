import { NotFoundError } from '../domain/errors.js';
import type { Location as ConfiguredLocation } from '../domain/location.js';
import { newOrder } from '../domain/new-order.js';
import type { Order } from '../domain/order.js';
import { decide, type Product, type RoutingPlan, type RuleSet } from '../domain/routing/index.js';
import { buildRoutingInput } from '../domain/routing/routing-input.js';
import {
  summarizePlan,
  totalsOf,
  type PlanSummary,
  type SimulationRequest,
} from '../domain/routing/simulation.js';
import { readStock, type RouteOrderDeps } from './route-order.js';

export interface SimulateRoutingDeps extends Pick<
  RouteOrderDeps,
  'getStockLevels' | 'getStockItems' | 'getHotShards'
> {
  getOrder(orderId: string): Promise<Order | undefined>;
  getActiveRuleSet(): Promise<RuleSet>;
  listLocations(): Promise<ConfiguredLocation[]>;
  getProducts(skus: readonly string[]): Promise<Record<string, Product>>;
  now(): Date;
}

interface Outcome {
  ruleSet: string;
  plan: RoutingPlan;
  summary: PlanSummary;
}

/**
 * Routes orders on paper: with today's locations and stock, against the draft rule set and the
 * active one, reserving nothing and writing nothing.
 * 1. loads the stored orders named and validates the inline ones;
 * 2. loads the active rules, the locations, the products and the stock of the ordered SKUs once;
 * 3. decides every order with each rule set and summarizes shipments, distance and cost.
 */
export async function simulateRouting(deps: SimulateRoutingDeps, request: SimulationRequest) {
  const now = deps.now().toISOString();
  const stored = await Promise.all(
    (request.orderIds ?? []).map(async (orderId) => {
      const order = await deps.getOrder(orderId);
      if (!order) throw new NotFoundError(`There is no order "${orderId}" to simulate.`);
      return order;
    }),
  );
  const inline = (request.orders ?? []).map((canonical, index) =>
    newOrder({ canonical, channelId: 'simulation', orderId: `simulated-${index + 1}`, now }),
  );
  const orders = [...stored, ...inline];
  const skus = [...new Set(orders.flatMap((order) => order.lines.map((line) => line.sku)))];
  const [active, locations, products, stockLevels] = await Promise.all([
    deps.getActiveRuleSet(),
    deps.listLocations(),
    deps.getProducts(skus),
    deps.getHotShards(skus).then((hotShards) => readStock(deps, skus, hotShards)),
  ]);
  const ruleSets = request.ruleSet ? { draft: request.ruleSet, active } : { active };

  const decided = orders.map((order) => {
    const outcomes: Record<string, Outcome> = {};
    for (const [label, ruleSet] of Object.entries(ruleSets)) {
      const plan = decide(buildRoutingInput({ order, locations, stockLevels, products, ruleSet, now }));
      outcomes[label] = {
        ruleSet: `${ruleSet.ruleSetId} v${ruleSet.version}`,
        plan,
        summary: summarizePlan(plan, locations),
      };
    }
    return { order, outcomes };
  });
  const summary = Object.fromEntries(
    Object.keys(ruleSets).map((label) => [
      label,
      totalsOf(decided.map(({ outcomes }) => (outcomes[label] as Outcome).summary)),
    ]),
  );
  const results = decided.map(({ order, outcomes }) => ({
    orderId: order.orderId,
    externalId: order.externalId,
    ...outcomes,
  }));
  return { simulatedAt: now, summary, results };
}
