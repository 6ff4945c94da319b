import { ConflictError, NotFoundError } from '../errors.js';
import { availableOf, emptyStockLevel, type StockLevel } from '../stock.js';
import type { Actor } from '../access.js';
import type { Movement, MovementType } from './movement.js';

/**
 * The arithmetic of stock movements. Given the levels as read (with their versions) it returns
 * the levels to write and the record to keep; the repository writes them only if no level
 * changed in between, so the arithmetic here is exact whatever runs concurrently.
 */
export interface Transfer {
  transferId: string;
  sku: string;
  fromLocationId: string;
  toLocationId: string;
  quantity: number;
  status: 'in_transit' | 'received';
  shippedAt: string;
  receivedQuantity?: number;
  /** Shipped minus received: units lost or found on the way. */
  discrepancy?: number;
  receivedAt?: string;
  version: number;
}

export interface StockCounts {
  onHand: number;
  reserved: number;
  available: number;
  inTransit: number;
}

export interface LevelChange {
  locationId: string;
  before: StockCounts;
  after: StockCounts;
}

export interface MovementRecord {
  movementId: string;
  type: MovementType;
  sku: string;
  /** The body's free-text note of who it was (a clerk's name, a device). */
  who: string;
  /** Who recorded it, from the token; absent on records made before the API had tokens. */
  actor?: Actor;
  occurredAt: string;
  recordedAt: string;
  /** Tells a retry (same hash) from a reuse of the id for something else (409). */
  payloadHash: string;
  movement: Movement;
  changes: LevelChange[];
  /** Cycle counts: counted minus what the system had. */
  variance?: number;
  /** Transfer receipts: shipped minus received. */
  discrepancy?: number;
  /** A recorded fact took available below zero; accepted and flagged for someone to look at. */
  oversold: boolean;
}

export interface MovementOutcome {
  record: MovementRecord;
  /** New levels, each one version above the level it was computed from. */
  levels: StockLevel[];
  transfer?: Transfer;
}

/** Facts already happened and are never refused; decisions are refused if stock is not there. */
const FACTS: ReadonlySet<MovementType> = new Set(['pos_sale', 'adjustment', 'cycle_count']);

/** The SKU and locations whose levels the movement needs, once its transfer (if any) is known. */
export function movementScope(
  movement: Movement,
  transfer?: Transfer,
): { sku: string; locationIds: string[] } {
  switch (movement.type) {
    case 'transfer_receipt':
      if (!transfer) throw new NotFoundError(`There is no transfer "${movement.transferId}".`);
      return { sku: transfer.sku, locationIds: [transfer.toLocationId] };
    case 'transfer_shipment':
      return { sku: movement.sku, locationIds: [movement.fromLocationId, movement.toLocationId] };
    default:
      return { sku: movement.sku, locationIds: [movement.locationId] };
  }
}

export function applyMovement(args: {
  movement: Movement;
  /** Current levels by locationId; a missing one is treated as empty. */
  levels: Readonly<Record<string, StockLevel>>;
  transfer?: Transfer;
  /** Units of a hot SKU held in the location's shards: a count covers them too. */
  onHandInShards?: number;
  payloadHash: string;
  now: string;
}): MovementOutcome {
  const { movement, now } = args;
  const { sku } = movementScope(movement, args.transfer);
  const level = (locationId: string) => args.levels[locationId] ?? emptyStockLevel(sku, locationId, now);
  const changed: StockLevel[] = [];
  const change = (
    current: StockLevel,
    delta: { onHand?: number; inTransit?: number; safetyStock?: number },
  ) => changed.push(withCounts(current, delta, now));
  let extra: Pick<MovementRecord, 'variance' | 'discrepancy'> = {};
  let transfer: Transfer | undefined;

  switch (movement.type) {
    case 'receipt':
      change(level(movement.locationId), { onHand: movement.quantity });
      break;
    case 'adjustment':
      change(level(movement.locationId), { onHand: movement.quantityDelta });
      break;
    case 'pos_sale':
      change(level(movement.locationId), { onHand: -movement.quantity });
      break;
    case 'cycle_count': {
      const current = level(movement.locationId);
      const variance = movement.countedQuantity - current.onHand - (args.onHandInShards ?? 0);
      change(current, { onHand: variance });
      extra = { variance };
      break;
    }
    case 'safety_stock': {
      const current = level(movement.locationId);
      change(current, { safetyStock: movement.safetyStock - current.safetyStock });
      break;
    }
    case 'transfer_shipment': {
      if (args.transfer)
        throw new ConflictError(`Transfer "${movement.transferId}" has already been shipped.`);
      change(level(movement.fromLocationId), { onHand: -movement.quantity });
      change(level(movement.toLocationId), { inTransit: movement.quantity });
      transfer = {
        transferId: movement.transferId,
        sku,
        fromLocationId: movement.fromLocationId,
        toLocationId: movement.toLocationId,
        quantity: movement.quantity,
        status: 'in_transit',
        shippedAt: movement.occurredAt ?? now,
        version: 1,
      };
      break;
    }
    case 'transfer_receipt': {
      const shipped = args.transfer!;
      if (shipped.status !== 'in_transit')
        throw new ConflictError(`Transfer "${shipped.transferId}" has already been received.`);
      change(level(shipped.toLocationId), {
        onHand: movement.receivedQuantity,
        inTransit: -shipped.quantity,
      });
      const discrepancy = shipped.quantity - movement.receivedQuantity;
      transfer = {
        ...shipped,
        status: 'received',
        receivedQuantity: movement.receivedQuantity,
        discrepancy,
        receivedAt: movement.occurredAt ?? now,
        version: shipped.version + 1,
      };
      extra = { discrepancy };
      break;
    }
  }

  const changes = changed.map((after) => ({
    locationId: after.locationId,
    before: countsOf(level(after.locationId)),
    after: countsOf(after),
  }));
  const oversold = changes.some(
    ({ before, after }) => after.available < 0 && after.available < before.available,
  );
  if (oversold && !FACTS.has(movement.type)) {
    const short = changes.find(({ after }) => after.available < 0)!;
    throw new ConflictError(`Not enough available stock of "${sku}" at "${short.locationId}".`, {
      locationId: short.locationId,
      available: short.before.available,
    });
  }
  return {
    record: {
      movementId: movement.movementId,
      type: movement.type,
      sku,
      who: movement.who,
      occurredAt: movement.occurredAt ?? now,
      recordedAt: now,
      payloadHash: args.payloadHash,
      movement,
      changes,
      ...extra,
      oversold,
    },
    levels: changed,
    ...(transfer && { transfer }),
  };
}

function withCounts(
  level: StockLevel,
  delta: { onHand?: number; inTransit?: number; safetyStock?: number },
  now: string,
): StockLevel {
  const onHand = level.onHand + (delta.onHand ?? 0);
  const safetyStock = level.safetyStock + (delta.safetyStock ?? 0);
  const inTransit = (level.inTransit ?? 0) + (delta.inTransit ?? 0);
  const available = availableOf({ onHand, reserved: level.reserved, safetyStock });
  const { oversold: _previous, ...rest } = level;
  return {
    ...rest,
    onHand,
    safetyStock,
    available,
    inTransit,
    version: level.version + 1,
    updatedAt: now,
    ...(available < 0 && { oversold: true }),
  };
}

function countsOf(level: StockLevel): StockCounts {
  return {
    onHand: level.onHand,
    reserved: level.reserved,
    available: level.available,
    inTransit: level.inTransit ?? 0,
  };
}
