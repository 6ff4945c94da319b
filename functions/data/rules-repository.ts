import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { Actor } from '../domain/access.js';
import { ConflictError, NotFoundError } from '../domain/errors.js';
import { contentHash } from '../domain/hash.js';
import { parseRuleSet, type RuleSet } from '../domain/routing/index.js';
import { CONFIG_TABLE } from '../../lib/tables.js';
import { dynamo, tableName } from './dynamo.js';

/**
 * Routing rule sets in the Config table:
 *   RULESET / <ruleSetId>#<version, zero-padded>   one immutable version of a rule set
 *   RULESET / ACTIVE                               { ruleSetId, version }: the one the router uses
 * Both keep the actor who wrote them (`createdBy`, `activatedBy`), from the caller's token.
 * Versions are never overwritten, so a routing decision's (ruleSetId, ruleSetVersion) always
 * names the exact rules that took it; changing the rules is writing a new version and moving
 * the pointer, and rolling back is moving it back.
 */
export const ruleSetKey = (ruleSetId: string, version: number) => ({
  pk: 'RULESET',
  sk: `${ruleSetId}#${String(version).padStart(6, '0')}`,
});
export const activeRuleSetKey = { pk: 'RULESET', sk: 'ACTIVE' };

/**
 * The rules used while none is active: ship from the nearest location that has the stock,
 * preferring the fewest shipments, splitting when no single location has everything, and
 * backordering what no location has. A pickup store that lacks stock gets it transferred in.
 * Safety stock is never promised.
 */
export const DEFAULT_RULE_SET: RuleSet = parseRuleSet({
  ruleSetId: 'built-in-default',
  version: 1,
  strategies: [
    {
      name: 'nearest-with-stock',
      filters: { respectSafetyStock: true },
      ranking: ['fewest_shipments', 'distance', 'priority'],
      split: { policy: 'allow' },
      onUnplaceable: 'backorder',
      pickup: { whenStoreLacksStock: 'transfer' },
    },
  ],
});

/** A retailer's edit reaches warm routers within this long, sparing two reads per order. */
const ACTIVE_CACHE_MS = 30_000;
let activeCache: { ruleSet: RuleSet; until: number } | undefined;

export async function getActiveRuleSet(now = Date.now()): Promise<RuleSet> {
  if (activeCache && activeCache.until > now) return activeCache.ruleSet;
  const table = tableName(CONFIG_TABLE.envVar);
  const { Item: pointer } = await dynamo().send(new GetCommand({ TableName: table, Key: activeRuleSetKey }));
  let ruleSet = DEFAULT_RULE_SET;
  if (pointer) {
    const found = await getRuleSet(String(pointer.ruleSetId), Number(pointer.version));
    if (!found)
      throw new Error(`The active rule set ${pointer.ruleSetId} v${pointer.version} does not exist.`);
    ruleSet = found;
  }
  activeCache = { ruleSet, until: now + ACTIVE_CACHE_MS };
  return ruleSet;
}

export async function getRuleSet(ruleSetId: string, version: number): Promise<RuleSet | undefined> {
  const { Item } = await dynamo().send(
    new GetCommand({ TableName: tableName(CONFIG_TABLE.envVar), Key: ruleSetKey(ruleSetId, version) }),
  );
  return Item ? parseRuleSet(Item.ruleSet) : undefined;
}

/**
 * Stores a new version. Versions are immutable, so that every routing decision's recorded
 * version means one thing for ever: storing the same content again is a no-op, other content
 * under an existing version is a ConflictError.
 */
export async function putRuleSet(
  input: unknown,
  actor: Actor,
  now: string,
): Promise<{ ruleSet: RuleSet; created: boolean }> {
  const ruleSet = parseRuleSet(input);
  try {
    await dynamo().send(
      new PutCommand({
        TableName: tableName(CONFIG_TABLE.envVar),
        Item: {
          ...ruleSetKey(ruleSet.ruleSetId, ruleSet.version),
          entityType: 'RuleSet',
          ruleSetId: ruleSet.ruleSetId,
          version: ruleSet.version,
          ruleSet,
          createdAt: now,
          createdBy: actor,
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
    return { ruleSet, created: true };
  } catch (error) {
    if (!(error instanceof ConditionalCheckFailedException)) throw error;
    const existing = await getRuleSet(ruleSet.ruleSetId, ruleSet.version);
    if (existing && contentHash(existing) === contentHash(ruleSet)) return { ruleSet, created: false };
    throw new ConflictError(
      `Rule set ${ruleSet.ruleSetId} v${ruleSet.version} exists with other content; versions are immutable, store the change as v${ruleSet.version + 1}.`,
      { ruleSetId: ruleSet.ruleSetId, version: ruleSet.version },
    );
  }
}

export async function getActiveRuleSetPointer(): Promise<
  { ruleSetId: string; version: number; activatedAt: string; activatedBy?: Actor } | undefined
> {
  const { Item } = await dynamo().send(
    new GetCommand({ TableName: tableName(CONFIG_TABLE.envVar), Key: activeRuleSetKey }),
  );
  return Item
    ? {
        ruleSetId: String(Item.ruleSetId),
        version: Number(Item.version),
        activatedAt: String(Item.activatedAt),
        ...(Item.activatedBy && { activatedBy: Item.activatedBy as Actor }),
      }
    : undefined;
}

/** Points the router at a stored version, in one transaction with a check that the version exists. */
export async function activateRuleSet(
  ruleSetId: string,
  version: number,
  actor: Actor,
  now: string,
): Promise<void> {
  const table = tableName(CONFIG_TABLE.envVar);
  try {
    await dynamo().send(
      new TransactWriteCommand({
        TransactItems: [
          {
            ConditionCheck: {
              TableName: table,
              Key: ruleSetKey(ruleSetId, version),
              ConditionExpression: 'attribute_exists(pk)',
            },
          },
          {
            Put: {
              TableName: table,
              Item: {
                ...activeRuleSetKey,
                entityType: 'ActiveRuleSet',
                ruleSetId,
                version,
                activatedAt: now,
                activatedBy: actor,
              },
            },
          },
        ],
      }),
    );
  } catch (error) {
    if (
      error instanceof TransactionCanceledException &&
      error.CancellationReasons?.[0]?.Code === 'ConditionalCheckFailed'
    ) {
      throw new NotFoundError(`There is no rule set ${ruleSetId} v${version} to activate.`);
    }
    throw error;
  }
  activeCache = undefined;
}

export function clearRuleSetCache(): void {
  activeCache = undefined;
}
