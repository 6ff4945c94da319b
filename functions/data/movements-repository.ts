import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { GetCommand, TransactWriteCommand, type TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import {
  applyMovement,
  movementScope,
  type MovementOutcome,
  type MovementRecord,
  type Transfer,
} from '../domain/inventory/apply-movement.js';
import type { Actor } from '../domain/access.js';
import type { Movement } from '../domain/inventory/movement.js';
import type { StockLevel } from '../domain/stock.js';
import { ConflictError } from '../domain/errors.js';
import { contentHash } from '../domain/hash.js';
import { INVENTORY_TABLE } from '../../lib/tables.js';
import { dynamo, tableName } from './dynamo.js';
import { getShardedOnHand, getStockLevelsAt, stockKey } from './inventory-repository.js';
import { getInventoryProduct } from './products-repository.js';

/**
 * Movements and transfers in the Inventory table:
 *   MOVEMENT#<movementId> / MOVEMENT   the record of a movement (who, when, why, before and after)
 *   TRANSFER#<transferId> / TRANSFER   a transfer between locations: in transit, then received
 *
 * Idempotency is a conditional movement record, not the Powertools idempotency utility: the
 * record is written in the same transaction as the stock it changes, on condition that it does
 * not exist, so "applied" and "recorded" can not drift apart. Powertools keeps its record beside
 * the work (in-progress, then completed): a crash between the stock write and its completion
 * would let a retry apply the movement twice. The record doubles as the audit trail, and its
 * payload hash tells a retry (answered with the first result) from a reused id (409).
 */
export const movementKey = (movementId: string) => ({ pk: `MOVEMENT#${movementId}`, sk: 'MOVEMENT' });
export const transferKey = (transferId: string) => ({ pk: `TRANSFER#${transferId}`, sk: 'TRANSFER' });

/** Attempts when a level changed between read and write (a reservation, another movement). */
const MAX_ATTEMPTS = 12;
/** Backoff between attempts: exponential with full jitter, so racing writers spread out. */
const BACKOFF_BASE_MS = 5;
const BACKOFF_CAP_MS = 250;

export interface RecordedMovement {
  record: MovementRecord;
  /** True when this id had been recorded already with the same payload: nothing was applied now. */
  replayed: boolean;
}

/**
 * Applies a movement exactly once: reads the levels it touches, computes the new ones (domain),
 * and writes them with the movement record in one transaction, each level conditional on the
 * version it was computed from, and the record names the actor. A lost race re-reads and recomputes; a movement record that
 * exists already means a retry (same payload: the first result) or a reused id (409). The record
 * is not read up front: retries are rare, and the transaction's condition finds them anyway.
 */
export async function recordMovement(
  movement: Movement,
  now: () => string,
  actor: Actor,
): Promise<RecordedMovement> {
  // Who sent it is not part of what happened: a POS batch re-sent by another clerk is a retry.
  const { who: _who, note: _note, ...facts } = movement;
  const payloadHash = contentHash(facts);
  for (let attempt = 1; ; attempt++) {
    const transfer = 'transferId' in movement ? await getTransfer(movement.transferId) : undefined;
    let levels: Record<string, StockLevel> = {};
    let outcome: MovementOutcome;
    try {
      const scope = movementScope(movement, transfer);
      levels = await getStockLevelsAt(scope.sku, scope.locationIds);
      const onHandInShards =
        movement.type === 'cycle_count' ? await shardedOnHand(movement.sku, movement.locationId) : 0;
      const applied = applyMovement({ movement, levels, transfer, onHandInShards, payloadHash, now: now() });
      outcome = { ...applied, record: { ...applied.record, actor } };
    } catch (error) {
      // A retry of a transfer that was applied finds the transfer moved on: answer it as a retry.
      const existing = await getMovement(movement.movementId);
      if (existing) return replayOf(existing, payloadHash);
      throw error;
    }
    try {
      await dynamo().send(new TransactWriteCommand({ TransactItems: writesOf(outcome, levels, transfer) }));
      return { record: outcome.record, replayed: false };
    } catch (error) {
      if (!(error instanceof TransactionCanceledException)) throw error;
      if (error.CancellationReasons?.[0]?.Code === 'ConditionalCheckFailed') {
        const existing = await getMovement(movement.movementId);
        if (existing) return replayOf(existing, payloadHash);
      }
      if (attempt >= MAX_ATTEMPTS) {
        // The stock kept changing under us: the caller's fault is none, but nothing was applied and
        // a retry with the same movementId is safe, which is what a 409 tells it.
        throw new ConflictError(
          `The stock this movement touches kept changing during ${MAX_ATTEMPTS} attempts; nothing was applied, retry with the same movementId.`,
          { movementId: movement.movementId },
        );
      }
      const ceiling = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** attempt);
      await new Promise((resolve) => setTimeout(resolve, Math.random() * ceiling));
    }
  }
}

/**
 * On-hand units of a hot SKU held in a location's shards. Only distributeToShards changes them,
 * and it bumps the level's version, so the count's version check also covers this read.
 */
async function shardedOnHand(sku: string, locationId: string): Promise<number> {
  const product = await getInventoryProduct(sku);
  return product.hot ? getShardedOnHand(sku, locationId, product.shards) : 0;
}

export async function getMovement(movementId: string): Promise<MovementRecord | undefined> {
  const { Item } = await dynamo().send(
    new GetCommand({
      TableName: tableName(INVENTORY_TABLE.envVar),
      Key: movementKey(movementId),
      ConsistentRead: true,
    }),
  );
  if (!Item) return undefined;
  const { pk: _pk, sk: _sk, entityType: _entityType, ...record } = Item;
  return record as MovementRecord;
}

export async function getTransfer(transferId: string): Promise<Transfer | undefined> {
  const { Item } = await dynamo().send(
    new GetCommand({
      TableName: tableName(INVENTORY_TABLE.envVar),
      Key: transferKey(transferId),
      ConsistentRead: true,
    }),
  );
  if (!Item) return undefined;
  const { pk: _pk, sk: _sk, entityType: _entityType, ...transfer } = Item;
  return transfer as Transfer;
}

function replayOf(existing: MovementRecord, payloadHash: string): RecordedMovement {
  if (existing.payloadHash !== payloadHash)
    throw new ConflictError(`Movement "${existing.movementId}" was recorded with a different payload.`, {
      movementId: existing.movementId,
    });
  return { record: existing, replayed: true };
}

function writesOf(
  outcome: MovementOutcome,
  before: Record<string, StockLevel>,
  transfer: Transfer | undefined,
): NonNullable<TransactWriteCommandInput['TransactItems']> {
  const table = tableName(INVENTORY_TABLE.envVar);
  const { record } = outcome;
  return [
    {
      Put: {
        TableName: table,
        Item: { ...movementKey(record.movementId), entityType: 'StockMovement', ...record },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    },
    ...outcome.levels.map((level) => ({
      Put: {
        TableName: table,
        Item: { ...stockKey(level.sku, level.locationId), entityType: 'StockLevel', ...level },
        ...versionCondition(before[level.locationId]?.version),
      },
    })),
    ...(outcome.transfer
      ? [
          {
            Put: {
              TableName: table,
              Item: {
                ...transferKey(outcome.transfer.transferId),
                entityType: 'Transfer',
                ...outcome.transfer,
              },
              ...versionCondition(transfer?.version),
            },
          },
        ]
      : []),
  ];
}

function versionCondition(version: number | undefined) {
  return version === undefined
    ? { ConditionExpression: 'attribute_not_exists(pk)' }
    : {
        ConditionExpression: '#version = :version',
        ExpressionAttributeNames: { '#version': 'version' },
        ExpressionAttributeValues: { ':version': version },
      };
}
