import { describe, expect, it } from 'vitest';
import type { FulfillmentOrder } from './types';
import { isOverdue, queueOrder } from './work';

const NOW = Date.parse('2026-12-01T12:00:00Z');

function work(id: string, createdAt: string, dueBy?: string): FulfillmentOrder {
  return {
    fulfillmentOrderId: id,
    orderId: `order-${id}`,
    locationId: 'STORE-LIS-CHIADO',
    kind: 'ship',
    status: 'CREATED',
    createdAt,
    ...(dueBy && { dueBy }),
    lines: [],
    packages: [],
    shipments: [],
  };
}

describe("the associate's queue", () => {
  it('puts overdue work first, most overdue first, then by due time, then work without a promise, oldest first', () => {
    const items = [
      work('later', '2026-12-01T08:00:00Z', '2026-12-01T18:00:00Z'),
      work('no-promise-new', '2026-12-01T09:00:00Z'),
      work('overdue-a-little', '2026-12-01T07:00:00Z', '2026-12-01T11:00:00Z'),
      work('no-promise-old', '2026-11-30T09:00:00Z'),
      work('soon', '2026-12-01T10:00:00Z', '2026-12-01T13:00:00Z'),
      work('overdue-most', '2026-11-30T07:00:00Z', '2026-11-30T18:00:00Z'),
    ];
    expect(queueOrder(items, NOW).map((fo) => fo.fulfillmentOrderId)).toEqual([
      'overdue-most',
      'overdue-a-little',
      'soon',
      'later',
      'no-promise-old',
      'no-promise-new',
    ]);
  });

  it('calls work overdue once its due time has passed, and never work without one', () => {
    expect(isOverdue({ dueBy: '2026-12-01T11:59:59Z' }, NOW)).toBe(true);
    expect(isOverdue({ dueBy: '2026-12-01T12:00:00Z' }, NOW)).toBe(false);
    expect(isOverdue({}, NOW)).toBe(false);
  });
});
