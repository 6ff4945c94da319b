import type {
  Location,
  RoutingInput,
  RoutingOrder,
  RoutingOrderLine,
  RoutingPlan,
  RuleSet,
  StockLevel,
  Strategy,
} from '../../../functions/domain/routing/index.js';

/** The customer lives in Philadelphia; locations sit at known distances from there. */
export const CUSTOMER = { country: 'US', region: 'PA', postalCode: '19103', lat: 39.9526, lon: -75.1652 };

/** A point roughly `km` kilometers north of the customer. */
export function northOfCustomer(km: number): { lat: number; lon: number } {
  return { lat: CUSTOMER.lat + km / 111.2, lon: CUSTOMER.lon };
}

export function aRoutingLocation(locationId: string, overrides: Partial<Location> = {}): Location {
  return {
    locationId,
    type: 'store',
    ...northOfCustomer(10),
    country: 'US',
    region: 'PA',
    capabilities: ['ship', 'pickup', 'ship_to_store', 'transfer'],
    priority: 10,
    costPerShipment: 500,
    active: true,
    ...overrides,
  };
}

export function aLine(sku: string, quantity = 1, lineId = `line-${sku}`): RoutingOrderLine {
  return { lineId, sku, quantity };
}

export function aRoutingOrder(overrides: Partial<RoutingOrder> = {}): RoutingOrder {
  return {
    orderId: 'order-1',
    channelId: 'web',
    fulfillment: { type: 'ship' },
    destination: CUSTOMER,
    lines: [aLine('SKU-A')],
    value: 10_000,
    currency: 'USD',
    tags: [],
    ...overrides,
  };
}

export function aStrategy(overrides: Partial<Strategy> = {}): Strategy {
  return {
    name: 'default',
    filters: {},
    ranking: ['fewest_shipments', 'distance', 'priority'],
    split: { policy: 'allow' },
    onUnplaceable: 'backorder',
    ...overrides,
  };
}

export function aRuleSet(...strategies: Strategy[]): RuleSet {
  return {
    ruleSetId: 'rules-main',
    version: 3,
    strategies: strategies.length > 0 ? strategies : [aStrategy()],
  };
}

/** `stock({ 'SKU-A': { 'store-1': 5 } })`, or `[available, safetyStock]` pairs to set safety stock. */
export function stock(
  levels: Record<string, Record<string, number | [number, number]>>,
): Map<string, Map<string, StockLevel>> {
  return new Map(
    Object.entries(levels).map(([sku, byLocation]) => [
      sku,
      new Map(
        Object.entries(byLocation).map(([locationId, level]) => [
          locationId,
          Array.isArray(level)
            ? { available: level[0], safetyStock: level[1] }
            : { available: level, safetyStock: 0 },
        ]),
      ),
    ]),
  );
}

export function routingInput(overrides: Partial<RoutingInput> = {}): RoutingInput {
  return {
    order: aRoutingOrder(),
    locations: [aRoutingLocation('store-1')],
    stock: stock({ 'SKU-A': { 'store-1': 5 } }),
    ruleSet: aRuleSet(),
    now: '2025-06-01T12:00:00.000Z',
    ...overrides,
  };
}

/** Units per (sku, location) in the plan's fulfillment orders that reserve stock. */
export function reservedUnits(plan: Pick<RoutingPlan, 'fulfillmentOrders'>): Map<string, number> {
  const reserved = new Map<string, number>();
  for (const order of plan.fulfillmentOrders) {
    if (order.kind === 'dropship') continue;
    for (const line of order.lines) {
      const key = `${line.sku}@${order.locationId}`;
      reserved.set(key, (reserved.get(key) ?? 0) + line.quantity);
    }
  }
  return reserved;
}
