import { beforeAll, describe, expect, it } from 'vitest';
import { findLabel, labelIdFor, saveLabel } from '../../functions/data/labels-repository.js';
import type { Label } from '../../functions/fulfillment/carriers/label-request.js';
import { useLocalTables } from '../helpers/tables.js';

/** Labels on DynamoDB Local: written once per id, and a key always names the same label. */
beforeAll(async () => {
  await useLocalTables();
});

const aLabel = (overrides: Partial<Label> = {}): Label => ({
  labelId: labelIdFor('FO-LABELS', 'key-1'),
  fulfillmentOrderId: 'FO-LABELS',
  carrier: 'USPS',
  trackingNumber: 'FIRST',
  provider: 'shippo',
  boughtBy: { sub: 'ana', role: 'store' },
  createdAt: '2026-12-01T10:00:00.000Z',
  ...overrides,
});

describe('the labels repository', () => {
  it('derives the same id from the same Idempotency-Key, and a new one without a key', () => {
    expect(labelIdFor('FO-1', 'k')).toBe(labelIdFor('FO-1', 'k'));
    expect(labelIdFor('FO-1', 'k')).not.toBe(labelIdFor('FO-2', 'k'));
    expect(labelIdFor('FO-1', undefined)).not.toBe(labelIdFor('FO-1', undefined));
  });

  it('keeps the first label when two requests with one key both bought one', async () => {
    const first = aLabel();
    expect(await saveLabel('ORD-LABELS', first)).toEqual(first);
    expect(await saveLabel('ORD-LABELS', aLabel({ trackingNumber: 'SECOND' }))).toEqual(first);
    expect(await findLabel('ORD-LABELS', 'FO-LABELS', first.labelId)).toEqual(first);
  });
});
