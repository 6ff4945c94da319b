import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../functions/domain/errors.js';
import { parseRuleSet } from '../../../functions/domain/routing/index.js';
import { aRuleSet, aStrategy } from './factories.js';

function issuesOf(input: unknown): { path: string; message: string }[] {
  try {
    parseRuleSet(input);
  } catch (error) {
    if (error instanceof ValidationError) return error.issues;
    throw error;
  }
  throw new Error('expected the rule set to be rejected');
}

describe('parseRuleSet', () => {
  it('accepts a complete rule set and returns it unchanged', () => {
    const ruleSet = aRuleSet(
      aStrategy({
        when: { channels: ['web'], minOrderValue: 5_000, currency: 'USD', tagsAll: ['vip'] },
        filters: { locationTypes: ['store'], maxDistanceKm: 50, requireCapacity: true },
        split: { policy: 'max_shipments', maxShipments: 2, minValuePerShipment: 1_000 },
        onUnplaceable: { cancelAfterDays: 14 },
        pickup: { whenStoreLacksStock: 'transfer' },
      }),
    );

    expect(parseRuleSet(ruleSet)).toEqual(ruleSet);
  });

  it('names the field when max_shipments has no maxShipments', () => {
    const issues = issuesOf(aRuleSet(aStrategy({ split: { policy: 'max_shipments' } })));

    expect(issues).toEqual([
      { path: 'strategies/0/split/maxShipments', message: 'is required when policy is max_shipments' },
    ]);
  });

  it('rejects a misspelled key instead of ignoring it', () => {
    const issues = issuesOf({ ...aRuleSet(), strategies: [{ ...aStrategy(), spilt: { policy: 'allow' } }] });

    expect(issues).toEqual([{ path: 'strategies/0', message: expect.stringContaining('spilt') }]);
  });

  it('lists the allowed ranking criteria when one is unknown', () => {
    const issues = issuesOf({ ...aRuleSet(), strategies: [{ ...aStrategy(), ranking: ['nearest'] }] });

    expect(issues).toEqual([
      {
        path: 'strategies/0/ranking/0',
        message: 'must be one of fewest_shipments, distance, priority, stock_balance, cost',
      },
    ]);
  });

  it('requires a currency next to order value bounds', () => {
    const issues = issuesOf(aRuleSet(aStrategy({ when: { minOrderValue: 100 } })));

    expect(issues).toEqual([
      { path: 'strategies/0/when/currency', message: expect.stringContaining('currency') },
    ]);
  });

  it('rejects duplicate strategy names, repeated criteria and a bad onUnplaceable', () => {
    const issues = issuesOf({
      ...aRuleSet(aStrategy({ name: 'a' }), aStrategy({ name: 'a' })),
      strategies: [
        { ...aStrategy({ name: 'a' }), ranking: ['distance', 'distance'] },
        { ...aStrategy({ name: 'a' }), onUnplaceable: 'wait' },
      ],
    });

    expect(issues.map((issue) => issue.path)).toEqual(['strategies/0/ranking', 'strategies/1/onUnplaceable']);
    expect(issuesOf({ ...aRuleSet(aStrategy({ name: 'a' }), aStrategy({ name: 'a' })) })).toEqual([
      { path: 'strategies/1/name', message: 'duplicates strategy "a"' },
    ]);
  });

  it('requires at least one strategy', () => {
    expect(issuesOf({ ruleSetId: 'r', version: 1, strategies: [] })).toEqual([
      { path: 'strategies', message: 'must hold at least one strategy' },
    ]);
  });
});
