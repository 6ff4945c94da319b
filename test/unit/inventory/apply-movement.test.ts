import { describe, expect, it } from 'vitest';
import { applyMovement, type Transfer } from '../../../functions/domain/inventory/apply-movement.js';
import { Movement } from '../../../functions/domain/inventory/movement.js';
import { ConflictError, NotFoundError } from '../../../functions/domain/errors.js';
import { newStockLevel, type StockLevel } from '../../../functions/domain/stock.js';

const NOW = '2026-11-23T10:00:00.000Z';

function aLevel(overrides: Partial<StockLevel> & { locationId?: string } = {}): StockLevel {
  const level = newStockLevel({
    sku: 'SKU-1',
    locationId: overrides.locationId ?? 'lisbon',
    onHand: 10,
    now: NOW,
  });
  const merged = { ...level, ...overrides };
  return { ...merged, available: merged.onHand - merged.reserved - merged.safetyStock };
}

function apply(input: Record<string, unknown>, levels: StockLevel[] = [aLevel()], transfer?: Transfer) {
  const movement = Movement.parse({ movementId: 'm-1', who: 'clerk-7', ...input });
  return applyMovement({
    movement,
    levels: Object.fromEntries(levels.map((level) => [level.locationId, level])),
    transfer,
    payloadHash: 'hash',
    now: NOW,
  });
}

describe('applyMovement', () => {
  it('adds a receipt to on-hand and available, one version up', () => {
    const { levels, record } = apply({ type: 'receipt', sku: 'SKU-1', locationId: 'lisbon', quantity: 5 });
    expect(levels[0]).toMatchObject({ onHand: 15, available: 15, version: 2 });
    expect(record.changes[0]).toMatchObject({ before: { onHand: 10 }, after: { onHand: 15 } });
    expect(record).toMatchObject({ who: 'clerk-7', occurredAt: NOW, recordedAt: NOW, oversold: false });
  });

  it('starts a level that does not exist yet from zero', () => {
    const { levels } = apply({ type: 'receipt', sku: 'SKU-1', locationId: 'porto', quantity: 3 }, []);
    expect(levels[0]).toMatchObject({
      locationId: 'porto',
      onHand: 3,
      reserved: 0,
      available: 3,
      version: 1,
    });
  });

  it('keeps available = onHand - reserved - safetyStock through every movement', () => {
    const level = aLevel({ reserved: 2, safetyStock: 1 });
    const { levels } = apply(
      { type: 'adjustment', sku: 'SKU-1', locationId: 'lisbon', reason: 'damage', quantityDelta: -3 },
      [level],
    );
    expect(levels[0]).toMatchObject({ onHand: 7, reserved: 2, safetyStock: 1, available: 4 });
  });

  it('records the variance of a cycle count and sets on-hand to the count', () => {
    const { levels, record } = apply({
      type: 'cycle_count',
      sku: 'SKU-1',
      locationId: 'lisbon',
      countedQuantity: 8,
    });
    expect(levels[0]).toMatchObject({ onHand: 8, available: 8 });
    expect(record.variance).toBe(-2);
  });

  it('accepts a POS sale that drives available below zero, and flags it', () => {
    const level = aLevel({ onHand: 2, reserved: 1 });
    const { levels, record } = apply(
      {
        type: 'pos_sale',
        sku: 'SKU-1',
        locationId: 'lisbon',
        quantity: 3,
        occurredAt: '2026-11-22T09:00:00Z',
      },
      [level],
    );
    expect(levels[0]).toMatchObject({ onHand: -1, available: -2, oversold: true });
    expect(record).toMatchObject({ oversold: true, occurredAt: '2026-11-22T09:00:00Z' });
  });

  it('clears the oversold flag once available is back at zero or more', () => {
    const level = aLevel({ onHand: -1, oversold: true });
    const { levels } = apply({ type: 'receipt', sku: 'SKU-1', locationId: 'lisbon', quantity: 5 }, [level]);
    expect(levels[0]).toMatchObject({ onHand: 4, available: 4 });
    expect(levels[0]!.oversold).toBeUndefined();
  });

  it('refuses to ship a transfer of stock that is not available', () => {
    const shipment = {
      type: 'transfer_shipment',
      transferId: 't-1',
      sku: 'SKU-1',
      fromLocationId: 'lisbon',
      toLocationId: 'porto',
      quantity: 11,
    };
    expect(() => apply(shipment)).toThrow(ConflictError);
  });

  it('ships a transfer from A (on-hand down) into transit at B', () => {
    const shipment = {
      type: 'transfer_shipment',
      transferId: 't-1',
      sku: 'SKU-1',
      fromLocationId: 'lisbon',
      toLocationId: 'porto',
      quantity: 4,
    };
    const { levels, transfer } = apply(shipment);
    expect(levels).toMatchObject([
      { locationId: 'lisbon', onHand: 6, available: 6 },
      { locationId: 'porto', onHand: 0, inTransit: 4, available: 0 },
    ]);
    expect(transfer).toMatchObject({ status: 'in_transit', quantity: 4, version: 1 });
  });

  it('receives a transfer at B with the discrepancy recorded', () => {
    const shipped: Transfer = {
      transferId: 't-1',
      sku: 'SKU-1',
      fromLocationId: 'lisbon',
      toLocationId: 'porto',
      quantity: 4,
      status: 'in_transit',
      shippedAt: NOW,
      version: 1,
    };
    const porto = aLevel({ locationId: 'porto', onHand: 0, inTransit: 4 });
    const { levels, transfer, record } = apply(
      { type: 'transfer_receipt', transferId: 't-1', receivedQuantity: 3 },
      [porto],
      shipped,
    );
    expect(levels[0]).toMatchObject({ locationId: 'porto', onHand: 3, inTransit: 0, available: 3 });
    expect(transfer).toMatchObject({ status: 'received', receivedQuantity: 3, discrepancy: 1, version: 2 });
    expect(record.discrepancy).toBe(1);
  });

  it('does not receive an unknown transfer or one received already', () => {
    expect(() => apply({ type: 'transfer_receipt', transferId: 't-9', receivedQuantity: 3 })).toThrow(
      NotFoundError,
    );
    const received: Transfer = {
      transferId: 't-1',
      sku: 'SKU-1',
      fromLocationId: 'lisbon',
      toLocationId: 'porto',
      quantity: 4,
      status: 'received',
      shippedAt: NOW,
      version: 2,
    };
    expect(() =>
      apply({ type: 'transfer_receipt', transferId: 't-1', receivedQuantity: 3 }, [], received),
    ).toThrow(ConflictError);
  });
});

describe('Movement schema', () => {
  it('names the offending fields', () => {
    const result = Movement.safeParse({
      type: 'adjustment',
      movementId: 'm',
      who: 'w',
      sku: 'S',
      locationId: 'L',
      reason: 'loss',
      quantityDelta: 2,
    });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual(['quantityDelta']);
  });
});
