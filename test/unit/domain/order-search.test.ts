import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../functions/domain/errors.js';
import { placedIndexAttributes } from '../../../functions/domain/order-index.js';
import { OrderSearchQuery, searchWindow } from '../../../functions/domain/order-search.js';

const NOW = '2026-12-01T15:00:00.000Z';

describe('the order search query', () => {
  it('takes a customer as an email or an international phone and keys it as ingest does', () => {
    expect(OrderSearchQuery.parse({ customer: ' Ana@Example.com ' }).customer).toBe('email:ana@example.com');
    expect(OrderSearchQuery.parse({ customer: '+351 912 345 678' }).customer).toBe('phone:+351912345678');
    expect(OrderSearchQuery.safeParse({ customer: '912 345 678' }).success).toBe(false);
  });

  it('pages 25 orders by default and at most 100', () => {
    expect(OrderSearchQuery.parse({}).limit).toBe(25);
    expect(OrderSearchQuery.safeParse({ limit: '101' }).success).toBe(false);
    expect(OrderSearchQuery.safeParse({ status: 'LOST' }).success).toBe(false);
  });

  it('refuses dates that do not exist or lie outside 1970 to 9998', () => {
    for (const placedFrom of ['2026-02-30', '1969-12-31', '2026-12-01T10:00:00']) {
      expect(OrderSearchQuery.safeParse({ placedFrom }).success).toBe(false);
    }
  });
});

describe('the search window', () => {
  it('is the last 30 days by default', () => {
    expect(searchWindow({}, NOW)).toEqual({ from: '2026-11-01T15:00:00.000Z', to: NOW });
  });

  it('takes a day as the whole UTC day', () => {
    expect(searchWindow({ placedFrom: '2026-11-20', placedTo: '2026-11-21' }, NOW)).toEqual({
      from: '2026-11-20T00:00:00.000Z',
      to: '2026-11-21T23:59:59.999Z',
    });
  });

  it('refuses a window that ends before it starts or spans more than 92 days', () => {
    expect(() => searchWindow({ placedFrom: '2026-11-22', placedTo: '2026-11-21' }, NOW)).toThrow(
      ValidationError,
    );
    expect(() => searchWindow({ placedFrom: '2026-01-01' }, NOW)).toThrow(/longer than 92 days/);
  });
});

describe("an order's place in the placed-day index", () => {
  it('is its UTC day and a shard, sorted by the UTC instant and the order id', () => {
    const attributes = placedIndexAttributes({ orderId: '01JD0001', placedAt: '2026-12-01T00:30:00+01:00' });
    expect(attributes.placedDay).toMatch(/^ORDERS#2026-11-30#[0-7]$/);
    expect(attributes.placedSort).toBe('2026-11-30T23:30:00.000Z#01JD0001');
  });
});
