import type { Actor } from '../domain/access.js';
import { locationsTouched, type Movement } from '../domain/inventory/movement.js';
import { DomainError, NotFoundError } from '../domain/errors.js';
import { getTransfer, recordMovement, type RecordedMovement } from '../data/movements-repository.js';
import { locationExists } from '../data/products-repository.js';

export interface MovementCaller {
  actor: Actor;
  /** Throws when the caller may not change stock at these locations. */
  mayActAt(locationIds: readonly string[]): void;
}

/**
 * Records a stock movement on behalf of a caller:
 * 1. the caller must be allowed at every location it touches (a transfer receipt touches the
 *    transfer's destination), before anything is written;
 * 2. every location it names must be configured (404 otherwise);
 * 3. the movement is applied once and recorded with the caller as its actor (a retry gets the
 *    first result, a reused id 409).
 */
export async function recordStockMovement(
  movement: Movement,
  caller: MovementCaller,
  now: () => string,
): Promise<RecordedMovement> {
  caller.mayActAt(await locationsOf(movement));
  const locationIds = locationsTouched(movement);
  const known = await Promise.all(locationIds.map(locationExists));
  const unknown = locationIds.filter((_, index) => !known[index]);
  if (unknown.length > 0) throw new NotFoundError(`There is no location "${unknown[0]}".`);
  return recordMovement(movement, now, caller.actor);
}

async function locationsOf(movement: Movement): Promise<string[]> {
  if (movement.type !== 'transfer_receipt') return locationsTouched(movement);
  const transfer = await getTransfer(movement.transferId);
  return transfer ? [transfer.toLocationId] : [];
}

export type PosSaleResult =
  | { saleId: string; status: 'recorded' | 'duplicate'; movementId: string; oversold: boolean }
  | { saleId: string; status: 'rejected'; movementId: string; error: string };

/**
 * Records a POS upload sale by sale, oldest first. Each sale stands alone: a sale recorded by an
 * earlier upload is reported as a duplicate, a sale that takes stock below zero is recorded and
 * flagged (it happened), and a sale id reused for another sale is reported without failing the rest.
 */
export async function recordPosSales(
  sales: readonly { saleId: string; movement: Extract<Movement, { type: 'pos_sale' }> }[],
  actor: Actor,
  now: () => string,
): Promise<PosSaleResult[]> {
  const results: PosSaleResult[] = [];
  for (const { saleId, movement } of sales) {
    const { movementId } = movement;
    try {
      const { record, replayed } = await recordMovement(movement, now, actor);
      results.push({
        saleId,
        status: replayed ? 'duplicate' : 'recorded',
        movementId,
        oversold: record.oversold,
      });
    } catch (error) {
      // Anything but the caller's fault fails the upload, which the POS sends again: no sale is lost.
      if (!(error instanceof DomainError)) throw error;
      results.push({ saleId, status: 'rejected', movementId, error: error.message });
    }
  }
  return results;
}
