import * as z from 'zod';
import { MAX_ORDER_TOTAL } from '../order.js';
import { decimal, identifier } from '../text.js';
import { parseOrThrow } from '../validation.js';
import { CAPABILITIES, FULFILLMENT_TYPES, LOCATION_TYPES } from './model.js';

/**
 * Routing rules are data: a retailer edits a versioned rule set and the router picks it up
 * without a deploy. Unknown keys are rejected so that a typo (`maxShipment`) fails loudly
 * instead of silently changing behavior.
 */

export const RANKING_CRITERIA = [
  'fewest_shipments',
  'distance',
  'priority',
  'stock_balance',
  'cost',
] as const;
export type RankingCriterion = (typeof RANKING_CRITERIA)[number];

export const SPLIT_POLICIES = ['no_split', 'max_shipments', 'allow'] as const;

const nonEmptyStrings = (what: string) =>
  z.array(identifier(64)).min(1, `must list at least one ${what}`).max(200, `must list at most 200 of them`);

/** Order values compare with order totals, which never exceed MAX_ORDER_TOTAL. */
const OrderValue = z.int().nonnegative().max(MAX_ORDER_TOTAL);

/** Half the equator: no two places on Earth are farther apart, so a larger bound means none. */
export const MAX_DISTANCE_KM = 20_038;

/** A version is zero-padded to six digits in its key, so that versions sort in order. */
export const MAX_RULE_SET_VERSION = 999_999;

export const StrategyConditions = z
  .strictObject({
    channels: nonEmptyStrings('channel').optional(),
    fulfillmentTypes: z.array(z.enum(FULFILLMENT_TYPES)).min(1).optional(),
    destinationCountries: nonEmptyStrings('country').optional(),
    /** Country-region codes such as `US-CA`. */
    destinationRegions: nonEmptyStrings('region').optional(),
    /** Order value bounds (inclusive) in minor units of `currency`. */
    minOrderValue: OrderValue.optional(),
    maxOrderValue: OrderValue.optional(),
    currency: z
      .string()
      .regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as USD')
      .optional(),
    tagsAny: nonEmptyStrings('tag').optional(),
    tagsAll: nonEmptyStrings('tag').optional(),
    /** Matches when any line's SKU has this attribute with one of these values. */
    skuAttribute: z.strictObject({ key: identifier(64), values: nonEmptyStrings('value') }).optional(),
  })
  .superRefine((when, ctx) => {
    const hasValueBound = when.minOrderValue !== undefined || when.maxOrderValue !== undefined;
    if (hasValueBound && when.currency === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['currency'],
        message: 'is required with minOrderValue or maxOrderValue: amounts only compare within one currency',
      });
    }
    if (
      when.minOrderValue !== undefined &&
      when.maxOrderValue !== undefined &&
      when.minOrderValue > when.maxOrderValue
    ) {
      ctx.addIssue({ code: 'custom', path: ['maxOrderValue'], message: 'must not be below minOrderValue' });
    }
  });
export type StrategyConditions = z.output<typeof StrategyConditions>;

export const StrategyFilters = z.strictObject({
  locationTypes: z.array(z.enum(LOCATION_TYPES)).min(1).optional(),
  /** Defaults to what the fulfillment type needs (ship, pickup or transfer). */
  capabilities: z.array(z.enum(CAPABILITIES)).min(1).optional(),
  respectRegionsServed: z.boolean().optional(),
  maxDistanceKm: decimal()
    .positive()
    .max(MAX_DISTANCE_KM, `must be at most ${MAX_DISTANCE_KM} km, half the equator`)
    .optional(),
  requireCapacity: z.boolean().optional(),
  /** Default true: safety stock is never promised. */
  respectSafetyStock: z.boolean().optional(),
  /** Default true: a location listing channels only serves those channels. */
  respectChannelEligibility: z.boolean().optional(),
});
export type StrategyFilters = z.output<typeof StrategyFilters>;

export const SplitRule = z
  .strictObject({
    policy: z.enum(SPLIT_POLICIES, { error: `policy must be one of ${SPLIT_POLICIES.join(', ')}` }),
    maxShipments: z.int().min(1).max(100).optional(),
    /** A split is only worth it when every shipment carries at least this value (minor units). */
    minValuePerShipment: OrderValue.positive().optional(),
  })
  .superRefine((split, ctx) => {
    if (split.policy === 'max_shipments' && split.maxShipments === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['maxShipments'],
        message: 'is required when policy is max_shipments',
      });
    }
    if (split.policy !== 'max_shipments' && split.maxShipments !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['maxShipments'],
        message: 'only applies when policy is max_shipments',
      });
    }
  });
export type SplitRule = z.output<typeof SplitRule>;

export const OnUnplaceable = z.union(
  [
    z.enum(['next_strategy', 'backorder', 'park_for_review']),
    z.strictObject({ cancelAfterDays: z.int().nonnegative().max(3650, 'must be at most 3650 days') }),
  ],
  { error: 'must be next_strategy, backorder, park_for_review or { "cancelAfterDays": <days> }' },
);
export type OnUnplaceable = z.output<typeof OnUnplaceable>;

export const Strategy = z.strictObject({
  name: identifier(100),
  when: StrategyConditions.optional(),
  filters: StrategyFilters,
  ranking: z
    .array(z.enum(RANKING_CRITERIA, { error: `must be one of ${RANKING_CRITERIA.join(', ')}` }))
    .min(1, 'must list at least one criterion')
    .refine((criteria) => new Set(criteria).size === criteria.length, 'must not list a criterion twice'),
  split: SplitRule,
  onUnplaceable: OnUnplaceable,
  pickup: z.strictObject({ whenStoreLacksStock: z.enum(['transfer', 'split', 'next_strategy']) }).optional(),
});
export type Strategy = z.output<typeof Strategy>;

/**
 * Orders of one customer to one address, placed within `windowMinutes` of each other and not yet
 * routed, are routed together: one decision, one shipment where the stock allows.
 */
export const MergeRule = z.strictObject({
  windowMinutes: z
    .number()
    .int()
    .min(1, 'must be at least 1 minute')
    .max(240, 'must be at most 240 minutes: older orders are already being fulfilled'),
});
export type MergeRule = z.output<typeof MergeRule>;

export const RuleSet = z.strictObject({
  ruleSetId: identifier(64).regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'must be letters, digits and . _ - only'),
  version: z.int().min(1).max(MAX_RULE_SET_VERSION, `must be at most ${MAX_RULE_SET_VERSION}`),
  merge: MergeRule.optional(),
  strategies: z
    .array(Strategy)
    .min(1, 'must hold at least one strategy')
    .max(50, 'must hold at most 50 strategies')
    .superRefine((strategies, ctx) => {
      const seen = new Set<string>();
      strategies.forEach((strategy, index) => {
        if (seen.has(strategy.name)) {
          ctx.addIssue({
            code: 'custom',
            path: [index, 'name'],
            message: `duplicates strategy "${strategy.name}"`,
          });
        }
        seen.add(strategy.name);
      });
    }),
});
export type RuleSet = z.output<typeof RuleSet>;

/** Validates a rule set a retailer wrote; throws a ValidationError whose issues name each field. */
export function parseRuleSet(input: unknown): RuleSet {
  return parseOrThrow(RuleSet, input, 'routing rule set');
}
