import { whyStrategyDoesNotApply, type EffectiveDestination } from './conditions.js';
import {
  buildCandidatePool,
  distanceTo,
  LocationFilter,
  type RoutingContext,
  type SourcingLeg,
} from './filters.js';
import { roundKm } from './geo.js';
import { LineLedger } from './ledger.js';
import type {
  CandidateExplanation,
  FulfillmentOrderKind,
  Location,
  PlannedFulfillmentOrder,
  PlannedLine,
  RoutingInput,
  RoutingOrderLine,
  RoutingOutcome,
  RoutingPlan,
  StrategyAttempt,
  UnplacedLine,
  UnplacedReason,
} from './model.js';
import { describeRanking } from './ranking.js';
import type { RuleSet, Strategy } from './rules.js';
import { allocate, fewestShipments, meetsMinimumValue, rankedFill, type SplitLimits } from './split.js';
import { stockForSku, usableUnits } from './stock.js';

const DAY_MS = 86_400_000;
/** Shared by every decision without rejections: building an empty Set each time shows in profiles. */
const NO_LOCATIONS: ReadonlySet<string> = new Set();

/** What one strategy would do with the order. */
interface Attempt {
  fulfillmentOrders: PlannedFulfillmentOrder[];
  unplaced: UnplacedLine[];
  candidates: CandidateExplanation[];
  decision: string[];
  /** Set when the strategy hands the order on whatever `onUnplaceable` says (pickup next_strategy). */
  passOn?: string;
}

interface PreparedOrder {
  preorder: UnplacedLine[];
  dropshipByVendor: Map<string, RoutingOrderLine[]>;
  stockLines: RoutingOrderLine[];
  /** The pickup or ship-to-store location, when the order names one that exists. */
  store?: Location;
  destination: EffectiveDestination;
  unitValueOfLine: (line: RoutingOrderLine) => number;
}

/**
 * Decides where each line of an order is fulfilled. Steps:
 * 1. set pre-order lines aside and send drop-ship lines to their vendor;
 * 2. take the first strategy whose conditions match the order;
 * 3. filter and rank the locations, then choose the fewest shipments the split policy allows
 *    (or fill in rank order when the ranking does not lead with fewest_shipments);
 * 4. apply the strategy's `onUnplaceable` to what is left, or try the next strategy.
 * Pure: the same input always gives the same plan, and every choice is explained.
 */
export function decide(input: RoutingInput): RoutingPlan {
  const { order, ruleSet } = input;
  const prepared = prepareOrder(input);
  const excluded = input.excludeLocationIds;
  const context: RoutingContext = {
    order,
    locations: input.locations,
    rejectedLocationIds: excluded === undefined || excluded.length === 0 ? NO_LOCATIONS : new Set(excluded),
  };
  if (prepared.stockLines.length === 0 && prepared.dropshipByVendor.size === 0) {
    const decision = [`Every line is a pre-order released after ${input.now}.`];
    return toPlan(
      ruleSet,
      prepared,
      'preorder',
      undefined,
      { fulfillmentOrders: [], unplaced: [], candidates: [], decision },
      [],
    );
  }

  const strategiesTried: StrategyAttempt[] = [];
  let lastAttempt: Attempt | undefined;
  for (const strategy of ruleSet.strategies) {
    const whyNot = whyStrategyDoesNotApply(strategy.when, order, prepared.destination);
    if (whyNot !== undefined) {
      strategiesTried.push({ name: strategy.name, matched: false, whyNot });
      continue;
    }
    const attempt = attemptStrategy(input, context, prepared, strategy);
    lastAttempt = attempt;
    const unplacedUnits = attempt.unplaced.reduce((sum, line) => sum + line.quantity, 0);
    if (unplacedUnits === 0) {
      strategiesTried.push({ name: strategy.name, matched: true });
      const outcome = prepared.preorder.length > 0 ? 'preorder' : 'routed';
      return toPlan(ruleSet, prepared, outcome, strategy.name, attempt, strategiesTried);
    }
    if (attempt.passOn !== undefined || strategy.onUnplaceable === 'next_strategy') {
      const whyNotPlaced =
        attempt.passOn ?? `could not place ${unplacedUnits} unit(s), so the next strategy is tried`;
      strategiesTried.push({ name: strategy.name, matched: true, whyNot: whyNotPlaced });
      continue;
    }
    strategiesTried.push({ name: strategy.name, matched: true });
    const rule = strategy.onUnplaceable;
    if (rule === 'park_for_review') {
      return toPlan(
        ruleSet,
        prepared,
        'parked',
        strategy.name,
        holdForReview(attempt, 'Parked for review: nothing is reserved.'),
        strategiesTried,
      );
    }
    const routedSome = attempt.fulfillmentOrders.length > 0;
    const waiting: RoutingOutcome = routedSome ? 'partially_routed' : 'backordered';
    if (rule === 'backorder') {
      attempt.decision.push(`Backordered ${unplacedUnits} unit(s) until stock arrives.`);
      return toPlan(ruleSet, prepared, waiting, strategy.name, attempt, strategiesTried);
    }
    const nowMs = Date.parse(input.now);
    const cancelAtMs = Date.parse(order.placedAt ?? input.now) + rule.cancelAfterDays * DAY_MS;
    if (cancelAtMs <= nowMs) {
      attempt.decision.push(
        `Canceling ${unplacedUnits} unplaced unit(s): waited ${rule.cancelAfterDays} day(s).`,
      );
      return toPlan(ruleSet, prepared, 'cancel', strategy.name, attempt, strategiesTried);
    }
    const cancelAt = new Date(cancelAtMs).toISOString();
    attempt.decision.push(`Backordered ${unplacedUnits} unit(s); canceled if still unplaced at ${cancelAt}.`);
    return { ...toPlan(ruleSet, prepared, waiting, strategy.name, attempt, strategiesTried), cancelAt };
  }

  if (lastAttempt !== undefined) {
    const held = holdForReview(lastAttempt, 'No strategy could place the whole order: held for review.');
    return toPlan(ruleSet, prepared, 'review', undefined, held, strategiesTried);
  }
  const unplaced: UnplacedLine[] = [
    ...prepared.stockLines,
    ...[...prepared.dropshipByVendor.values()].flat(),
  ].map((line) => ({
    lineId: line.lineId,
    sku: line.sku,
    quantity: line.quantity,
    reason: 'no_matching_strategy',
  }));
  const decision = ['No strategy matches this order: held for review.'];
  return toPlan(
    ruleSet,
    prepared,
    'review',
    undefined,
    { fulfillmentOrders: [], unplaced, candidates: [], decision },
    strategiesTried,
  );
}

function toPlan(
  ruleSet: RuleSet,
  prepared: PreparedOrder,
  outcome: RoutingOutcome,
  strategy: string | undefined,
  attempt: Pick<Attempt, 'fulfillmentOrders' | 'unplaced' | 'candidates' | 'decision'>,
  strategiesTried: StrategyAttempt[],
): RoutingPlan {
  return {
    outcome,
    ruleSetId: ruleSet.ruleSetId,
    ruleSetVersion: ruleSet.version,
    ...(strategy === undefined ? {} : { strategy }),
    fulfillmentOrders: attempt.fulfillmentOrders,
    unplaced: [...attempt.unplaced, ...prepared.preorder],
    explanation: { strategiesTried, candidates: attempt.candidates, decision: attempt.decision },
  };
}

function prepareOrder(input: RoutingInput): PreparedOrder {
  const { order, products } = input;
  const nowMs = Date.parse(input.now);
  const preorder: UnplacedLine[] = [];
  const dropshipByVendor = new Map<string, RoutingOrderLine[]>();
  const stockLines: RoutingOrderLine[] = [];
  for (const line of order.lines) {
    const product = products?.[line.sku];
    if (product?.preorderReleaseDate !== undefined && Date.parse(product.preorderReleaseDate) > nowMs) {
      preorder.push({ lineId: line.lineId, sku: line.sku, quantity: line.quantity, reason: 'preorder' });
    } else if (product?.dropshipVendorLocationId !== undefined) {
      const vendorLines = dropshipByVendor.get(product.dropshipVendorLocationId) ?? [];
      vendorLines.push(line);
      dropshipByVendor.set(product.dropshipVendorLocationId, vendorLines);
    } else {
      stockLines.push(line);
    }
  }
  const fulfillment = order.fulfillment;
  const store =
    fulfillment.type === 'ship'
      ? undefined
      : input.locations.find((location) => location.locationId === fulfillment.locationId);
  const destination: EffectiveDestination = store
    ? { country: store.country, region: store.region, lat: store.lat, lon: store.lon }
    : { ...order.destination };
  const totalUnits = order.lines.reduce((sum, line) => sum + line.quantity, 0);
  const unitValueOfLine = (line: RoutingOrderLine) =>
    line.value !== undefined ? line.value / line.quantity : totalUnits > 0 ? order.value / totalUnits : 0;
  return { preorder, dropshipByVendor, stockLines, store, destination, unitValueOfLine };
}

function attemptStrategy(
  input: RoutingInput,
  context: RoutingContext,
  prepared: PreparedOrder,
  strategy: Strategy,
): Attempt {
  const attempt: Attempt = {
    fulfillmentOrders: [],
    unplaced: [],
    candidates: [],
    decision: [
      `Strategy "${strategy.name}" (rule set ${input.ruleSet.ruleSetId} v${input.ruleSet.version}) ranks by ` +
        `${describeRanking(strategy.ranking)}; split policy ${describeSplit(strategy)}.`,
    ],
  };
  routeDropship(input, context, prepared, attempt);
  const ledger = new LineLedger(prepared.stockLines);
  let reasonForSku: (s: number) => UnplacedReason = () => 'insufficient_stock';
  const fulfillment = input.order.fulfillment;
  const policyLimit = shipmentLimit(strategy);

  if (fulfillment.type === 'ship') {
    const leg: SourcingLeg = {
      to: prepared.destination,
      capabilities: strategy.filters.capabilities ?? ['ship'],
    };
    reasonForSku = sourceLeg(input, context, strategy, leg, ledger, policyLimit, prepared, attempt, () => ({
      kind: 'ship',
    }));
  } else if (ledger.outstandingUnits() > 0) {
    const storeId = fulfillment.locationId;
    const needed = fulfillment.type === 'pickup' ? 'pickup' : 'ship_to_store';
    const why = whyStoreCannotServe(prepared.store, needed, context, strategy);
    if (why !== undefined) {
      attempt.decision.push(`Store ${storeId} can not take this order: ${why}.`);
      attempt.candidates.push({ locationId: storeId, excluded: why });
      reasonForSku = () => 'no_eligible_location';
    } else if (fulfillment.type === 'ship_to_store') {
      const leg: SourcingLeg = {
        to: prepared.destination,
        capabilities: strategy.filters.capabilities ?? ['ship'],
      };
      reasonForSku = sourceLeg(
        input,
        context,
        strategy,
        leg,
        ledger,
        policyLimit,
        prepared,
        attempt,
        (location) =>
          location.locationId === storeId
            ? { kind: 'pickup' }
            : { kind: 'ship_to_store', transferTo: storeId },
      );
    } else {
      reasonForSku = routePickup(input, context, prepared, strategy, storeId, ledger, attempt);
    }
  }
  attempt.unplaced.push(...ledger.unplaced(reasonForSku));
  return attempt;
}

function routePickup(
  input: RoutingInput,
  context: RoutingContext,
  prepared: PreparedOrder,
  strategy: Strategy,
  storeId: string,
  ledger: LineLedger,
  attempt: Attempt,
): (s: number) => UnplacedReason {
  const respectSafetyStock = strategy.filters.respectSafetyStock ?? true;
  const fromStore: PlannedLine[] = [];
  ledger.demand().forEach((units, s) => {
    const usable = usableUnits(stockForSku(input.stock, ledger.skus[s]!).get(storeId), respectSafetyStock);
    if (usable > 0 && units > 0) ledger.take(s, Math.min(units, usable), fromStore);
  });
  attempt.candidates.push({ locationId: storeId, distanceKm: 0, rank: 1 });
  if (fromStore.length > 0) {
    attempt.fulfillmentOrders.push({ locationId: storeId, kind: 'pickup', lines: fromStore, distanceKm: 0 });
    attempt.decision.push(`Pickup at ${storeId} from its own stock: ${describeLines(fromStore)}.`);
  }
  const missing = ledger.outstandingUnits();
  if (missing === 0) return () => 'insufficient_stock';

  const whenStoreLacksStock = strategy.pickup?.whenStoreLacksStock;
  if (whenStoreLacksStock === 'transfer') {
    attempt.decision.push(`Store ${storeId} lacks ${missing} unit(s): transferring them in.`);
    const leg: SourcingLeg = {
      to: prepared.destination,
      capabilities: strategy.filters.capabilities ?? ['transfer'],
      skipLocationId: storeId,
      skipReason: 'is the pickup store',
    };
    // Transfers are moves between our own locations, not customer shipments: the split policy does not cap them.
    return sourceLeg(input, context, strategy, leg, ledger, Infinity, prepared, attempt, () => ({
      kind: 'transfer',
      transferTo: storeId,
    }));
  }
  if (whenStoreLacksStock === 'split') {
    attempt.decision.push(`Store ${storeId} lacks ${missing} unit(s): shipping them to the customer.`);
    const to = input.order.destination ? { ...input.order.destination } : prepared.destination;
    const leg: SourcingLeg = {
      to,
      capabilities: strategy.filters.capabilities ?? ['ship'],
      skipLocationId: storeId,
      skipReason: 'is the pickup store',
    };
    const remainingShipments = shipmentLimit(strategy) - (fromStore.length > 0 ? 1 : 0);
    return sourceLeg(input, context, strategy, leg, ledger, remainingShipments, prepared, attempt, () => ({
      kind: 'ship',
    }));
  }
  if (whenStoreLacksStock === 'next_strategy') {
    attempt.passOn = `pickup store ${storeId} lacks ${missing} unit(s)`;
  } else {
    attempt.decision.push(
      `Pickup store ${storeId} lacks ${missing} unit(s) and the strategy sources no others.`,
    );
  }
  return () => 'insufficient_stock';
}

/**
 * Places what is left in the ledger through one leg and returns why each SKU's remainder, if
 * any, could not be placed.
 */
function sourceLeg(
  input: RoutingInput,
  context: RoutingContext,
  strategy: Strategy,
  leg: SourcingLeg,
  ledger: LineLedger,
  maxShipments: number,
  prepared: PreparedOrder,
  attempt: Attempt,
  shipmentFor: (location: Location) => { kind: FulfillmentOrderKind; transferTo?: string },
): (s: number) => UnplacedReason {
  const quantities = ledger.demand();
  const skuCount = quantities.length;
  const demand = {
    skus: ledger.skus,
    quantities,
    stockBySku: ledger.skus.map((sku) => stockForSku(input.stock, sku)),
    totalUnits: quantities.reduce((sum, units) => sum + units, 0),
  };
  const pool = buildCandidatePool(context, strategy, leg, demand);
  attempt.candidates =
    attempt.candidates.length === 0 ? pool.explanations : attempt.candidates.concat(pool.explanations);
  const eligible = pool.locations.length;
  attempt.decision.push(
    `${eligible} of ${input.locations.length} location(s) are eligible and hold some of the ${demand.totalUnits} unit(s).`,
  );

  if (eligible > 0 && maxShipments > 0) {
    const limits: SplitLimits = { maxShipments };
    const minValue = strategy.split.minValuePerShipment;
    if (minValue !== undefined) {
      limits.minValuePerShipment = minValue;
      limits.unitValueBySku = unitValuesBySku(prepared, ledger.skus);
    }
    const tieBreakColumns: number[] = [];
    strategy.ranking.forEach((criterion, k) => {
      if (criterion !== 'fewest_shipments') tieBreakColumns.push(k);
    });
    let members: number[];
    let allocation: Int32Array;
    if (strategy.ranking[0] === 'fewest_shipments') {
      const chosen = fewestShipments(pool, quantities, limits, tieBreakColumns);
      members = chosen.members;
      allocation = chosen.allocation;
      attempt.decision.push(
        `Fewest shipments: ${members.length} location(s)` +
          (chosen.exact ? ' (exact search).' : ' (greedy past the exact search bound).'),
      );
    } else {
      members = rankedFill(pool, quantities);
      allocation = allocate(pool, quantities, members);
      if (members.length > maxShipments || !meetsMinimumValue(limits, allocation, members.length, skuCount)) {
        attempt.decision.push(
          `Filling in rank order needs ${members.length} shipment(s), beyond the split policy: ` +
            'searching for the fewest shipments instead.',
        );
        const chosen = fewestShipments(pool, quantities, limits, tieBreakColumns);
        members = chosen.members;
        allocation = chosen.allocation;
      } else {
        attempt.decision.push(`Filled in rank order from ${members.length} location(s).`);
      }
    }
    members.forEach((member, m) => {
      const lines: PlannedLine[] = [];
      for (let s = 0; s < skuCount; s++) {
        const units = allocation[m * skuCount + s]!;
        if (units > 0) ledger.take(s, units, lines);
      }
      if (lines.length === 0) return;
      const location = pool.locations[member]!;
      const distanceKm = pool.distanceKm[member]!;
      const shipment = shipmentFor(location);
      attempt.fulfillmentOrders.push({
        locationId: location.locationId,
        kind: shipment.kind,
        lines,
        ...(Number.isNaN(distanceKm) ? {} : { distanceKm: roundKm(distanceKm) }),
        ...(shipment.transferTo === undefined ? {} : { transferTo: shipment.transferTo }),
      });
      const away = Number.isNaN(distanceKm) ? '' : ` (${roundKm(distanceKm)} km, rank ${member + 1})`;
      attempt.decision.push(`${shipment.kind} from ${location.locationId}${away}: ${describeLines(lines)}.`);
    });
  } else if (eligible > 0) {
    attempt.decision.push('The split policy allows no further shipment.');
  }

  const usableBySku = new Array<number>(skuCount).fill(0);
  for (let c = 0; c < eligible; c++) {
    for (let s = 0; s < skuCount; s++) usableBySku[s]! += pool.usable[c * skuCount + s]!;
  }
  return (s) => {
    if (pool.eligibleBeforeStock === 0) return 'no_eligible_location';
    return usableBySku[s]! < quantities[s]! ? 'insufficient_stock' : 'split_policy';
  };
}

function routeDropship(
  input: RoutingInput,
  context: RoutingContext,
  prepared: PreparedOrder,
  attempt: Attempt,
): void {
  const fulfillment = input.order.fulfillment;
  const transferTo = fulfillment.type === 'ship' ? undefined : fulfillment.locationId;
  for (const [vendorId, lines] of prepared.dropshipByVendor) {
    const vendor = input.locations.find((location) => location.locationId === vendorId);
    const why =
      vendor === undefined
        ? 'is not a known location'
        : context.rejectedLocationIds.has(vendorId)
          ? 'rejected this order before'
          : vendor.active
            ? undefined
            : 'inactive';
    const planned = lines.map((line) => ({ lineId: line.lineId, sku: line.sku, quantity: line.quantity }));
    if (why !== undefined || vendor === undefined) {
      attempt.decision.push(`Drop-ship vendor ${vendorId} ${why}: its lines stay unplaced.`);
      attempt.unplaced.push(
        ...planned.map((line) => ({ ...line, reason: 'dropship_vendor_unavailable' as const })),
      );
      continue;
    }
    const distanceKm = distanceTo(vendor, prepared.destination);
    attempt.fulfillmentOrders.push({
      locationId: vendorId,
      kind: 'dropship',
      lines: planned,
      ...(Number.isNaN(distanceKm) ? {} : { distanceKm: roundKm(distanceKm) }),
      ...(transferTo === undefined ? {} : { transferTo }),
    });
    attempt.decision.push(`Drop-ship from vendor ${vendorId}, no stock reserved: ${describeLines(planned)}.`);
  }
}

function whyStoreCannotServe(
  store: Location | undefined,
  capability: 'pickup' | 'ship_to_store',
  context: RoutingContext,
  strategy: Strategy,
): string | undefined {
  if (store === undefined) return 'not a known location';
  const leg: SourcingLeg = {
    to: { country: store.country, region: store.region },
    capabilities: [capability],
  };
  // Only the store's own checks apply: type and distance filters describe sources, not the store the customer chose.
  const storeFilters: Strategy = {
    ...strategy,
    filters: {
      requireCapacity: strategy.filters.requireCapacity,
      respectChannelEligibility: strategy.filters.respectChannelEligibility,
    },
  };
  return new LocationFilter(context, storeFilters, leg).whyExcluded(store, 0);
}

function shipmentLimit(strategy: Strategy): number {
  switch (strategy.split.policy) {
    case 'no_split':
      return 1;
    case 'max_shipments':
      return strategy.split.maxShipments ?? 1;
    case 'allow':
      return Infinity;
  }
}

function describeSplit(strategy: Strategy): string {
  const limit = shipmentLimit(strategy);
  const shipments = limit === Infinity ? 'any number of shipments' : `at most ${limit} shipment(s)`;
  const minimum = strategy.split.minValuePerShipment;
  return minimum === undefined ? shipments : `${shipments}, each worth at least ${minimum}`;
}

function unitValuesBySku(prepared: PreparedOrder, skus: readonly string[]): Float64Array {
  return Float64Array.from(skus, (sku) => {
    const lines = prepared.stockLines.filter((line) => line.sku === sku);
    const units = lines.reduce((sum, line) => sum + line.quantity, 0);
    const value = lines.reduce((sum, line) => sum + prepared.unitValueOfLine(line) * line.quantity, 0);
    return units > 0 ? value / units : 0;
  });
}

/** Parking or review commits nothing: what could have been placed is reported as held. */
function holdForReview(attempt: Attempt, summary: string): Attempt {
  const held: UnplacedLine[] = attempt.fulfillmentOrders.flatMap((order) =>
    order.lines.map((line) => ({ ...line, reason: 'held_for_review' as const })),
  );
  return {
    ...attempt,
    fulfillmentOrders: [],
    unplaced: [...attempt.unplaced, ...held],
    decision: [...attempt.decision, summary],
  };
}

function describeLines(lines: readonly PlannedLine[]): string {
  return lines.map((line) => `${line.sku} x${line.quantity}`).join(', ');
}
