import { describe, expect, it } from 'vitest';
import {
  addressKey,
  canMergeWith,
  mergedRoutingOrder,
  splitMergedLines,
} from '../../../functions/domain/routing/merge.js';
import { parseRuleSet } from '../../../functions/domain/routing/rules.js';
import type { Order } from '../../../functions/domain/order.js';
import { DEFAULT_RULE_SET } from '../../../functions/data/rules-repository.js';
import { anOrder } from '../../helpers/records.js';

const anOrderOf = (orderId: string, overrides: Partial<Order> = {}): Order =>
  anOrder({ orderId, customerKey: 'ana@example.com', ...overrides });

describe('addressKey', () => {
  it('ignores case, spacing and postal-code punctuation', () => {
    const order = anOrderOf('A');
    const sameHome = anOrderOf('B', {
      shippingAddress: { ...order.shippingAddress!, line1: ' RUA  augusta 100', postalCode: '1100 053' },
    });

    expect(addressKey(sameHome)).toBe(addressKey(order));
  });
});

describe('canMergeWith', () => {
  const order = anOrderOf('A');

  it('takes a RECEIVED order of the same customer, address and currency within the window', () => {
    expect(canMergeWith(order, anOrderOf('B', { channelId: 'pos' }), 30)).toBe(true);
  });

  it.each([
    ['the order itself', anOrderOf('A')],
    ['an order already routed', anOrderOf('B', { status: 'ROUTED' })],
    ['another customer', anOrderOf('B', { customerKey: 'rui@example.com' })],
    ['another currency', anOrderOf('B', { currency: 'USD' })],
    [
      'another address',
      anOrderOf('B', { shippingAddress: { ...order.shippingAddress!, line1: 'Rua do Ouro 5' } }),
    ],
    ['an order placed too long before', anOrderOf('B', { placedAt: '2026-11-22T09:29:00Z' })],
  ])('leaves out %s', (_, other) => {
    expect(canMergeWith(order, other, 30)).toBe(false);
  });
});

describe('mergedRoutingOrder and splitMergedLines', () => {
  it("routes every order's lines under prefixed ids and gives each line back to its order", () => {
    const first = anOrderOf('A');
    const second = anOrderOf('B');

    const merged = mergedRoutingOrder(first, [second]);
    const [stored] = splitMergedLines(
      [
        {
          fulfillmentOrderId: 'FO1',
          orderId: 'A',
          locationId: 'lisboa-1',
          kind: 'ship',
          lines: merged.lines.map(({ lineId, sku, quantity }) => ({ lineId, sku, quantity })),
          status: 'CREATED',
          createdAt: first.receivedAt,
        },
      ],
      ['A', 'B'],
    );

    expect(merged.lines.map((line) => line.lineId)).toEqual(['A:1', 'B:1']);
    expect(merged.value).toBe(2 * (first.totals?.total ?? 0));
    expect(stored).toMatchObject({
      mergedOrderIds: ['A', 'B'],
      lines: [
        { orderId: 'A', lineId: '1' },
        { orderId: 'B', lineId: '1' },
      ],
    });
  });
});

describe('the rule set merge option', () => {
  it('takes a window of 1 to 240 minutes', () => {
    expect(parseRuleSet({ ...DEFAULT_RULE_SET, merge: { windowMinutes: 240 } }).merge).toEqual({
      windowMinutes: 240,
    });
    expect(() => parseRuleSet({ ...DEFAULT_RULE_SET, merge: { windowMinutes: 241 } })).toThrow();
    expect(() => parseRuleSet({ ...DEFAULT_RULE_SET, merge: { windowMinutes: 0 } })).toThrow();
  });
});
