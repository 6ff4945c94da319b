import * as z from 'zod';
import type { Location as ConfiguredLocation } from '../location.js';
import { CanonicalOrder } from '../order.js';
import { identifier } from '../text.js';
import { RuleSet } from './rules.js';
import type { RoutingPlan } from './model.js';

export const SimulationRequest = z
  .strictObject({
    orders: z.array(CanonicalOrder).max(50).optional(),
    orderIds: z.array(identifier(64)).max(50).optional(),
    ruleSet: RuleSet.optional().meta({ description: 'The draft to try; absent: only the active rules run.' }),
  })
  .refine((request) => (request.orders?.length ?? 0) + (request.orderIds?.length ?? 0) > 0, {
    message: 'give at least one order in orders or orderIds',
    path: ['orders'],
  });
export type SimulationRequest = z.output<typeof SimulationRequest>;

/**
 * What a retailer compares when trying a draft rule set against the active one: how many
 * shipments the customers get, how far the parcels travel, what the shipments cost, and how
 * many orders could not be placed in full.
 */
export interface PlanSummary {
  outcome: RoutingPlan['outcome'];
  strategy?: string;
  /** Parcels to the customer (or their store); transfers between locations are not shipments. */
  shipments: number;
  transfers: number;
  distanceKm: number;
  /** Sum of the shipping locations' costPerShipment, in their cost currency's minor units. */
  cost: number;
  unplacedUnits: number;
}

export interface SimulationTotals {
  orders: number;
  shipments: number;
  shipmentsPerOrder: number;
  distanceKm: number;
  cost: number;
  fullyPlacedOrders: number;
  unplacedUnits: number;
}

export function summarizePlan(plan: RoutingPlan, locations: readonly ConfiguredLocation[]): PlanSummary {
  const costOf = new Map(locations.map((location) => [location.locationId, location.costPerShipment]));
  const shipping = plan.fulfillmentOrders.filter((fo) => fo.kind !== 'transfer');
  return {
    outcome: plan.outcome,
    ...(plan.strategy !== undefined && { strategy: plan.strategy }),
    shipments: shipping.length,
    transfers: plan.fulfillmentOrders.length - shipping.length,
    distanceKm: round(plan.fulfillmentOrders.reduce((sum, fo) => sum + (fo.distanceKm ?? 0), 0)),
    cost: shipping.reduce((sum, fo) => sum + (costOf.get(fo.locationId) ?? 0), 0),
    unplacedUnits: plan.unplaced.reduce((sum, line) => sum + line.quantity, 0),
  };
}

export function totalsOf(summaries: readonly PlanSummary[]): SimulationTotals {
  const shipments = summaries.reduce((sum, summary) => sum + summary.shipments, 0);
  return {
    orders: summaries.length,
    shipments,
    shipmentsPerOrder: summaries.length === 0 ? 0 : round(shipments / summaries.length),
    distanceKm: round(summaries.reduce((sum, summary) => sum + summary.distanceKm, 0)),
    cost: summaries.reduce((sum, summary) => sum + summary.cost, 0),
    fullyPlacedOrders: summaries.filter((summary) => summary.unplacedUnits === 0).length,
    unplacedUnits: summaries.reduce((sum, summary) => sum + summary.unplacedUnits, 0),
  };
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}
