import { describe, expect, it } from 'vitest';
import { orderHistory } from '../../../functions/domain/service/history.js';
import { NOW, aFulfillmentOrderIn, aRoutedOrder } from './factories.js';

const RUI = { sub: 'rui', role: 'store' };
const step = (action: string, version: number, at: string) => ({
  action,
  at,
  actor: RUI,
  from: 'ACCEPTED' as const,
  to: 'ACCEPTED' as const,
  version,
});

describe('orderHistory: cancel requests a location answered', () => {
  it('tells who refused and why, and which request an acceptance answered', () => {
    const fo = aFulfillmentOrderIn('ACCEPTED', [{ lineId: '1', sku: 'TSHIRT-BLUE-M', quantity: 2 }], {
      history: [
        step('request-cancel', 4, '2026-12-01T10:01:00.000Z'),
        step('refuse-cancel', 5, '2026-12-01T10:02:00.000Z'),
        step('request-cancel', 6, '2026-12-01T10:03:00.000Z'),
        step('accept-cancel', 7, '2026-12-01T10:04:00.000Z'),
      ],
      cancelAnswers: [
        {
          answer: 'refused',
          requestReason: 'customer',
          reason: 'already on the bench',
          requestedAt: '2026-12-01T10:01:00.000Z',
          answeredAt: '2026-12-01T10:02:00.000Z',
          version: 5,
        },
        {
          answer: 'accepted',
          requestReason: 'customer again',
          lines: [{ lineId: '1', quantity: 1 }],
          requestedAt: '2026-12-01T10:03:00.000Z',
          answeredAt: '2026-12-01T10:04:00.000Z',
          version: 7,
        },
      ],
    });

    const history = orderHistory({
      order: aRoutedOrder({ receivedAt: NOW }),
      fulfillmentOrders: [fo],
      cancellations: [],
      addressChanges: [],
      returns: [],
      refunds: [],
    }).filter((entry) => entry.kind.startsWith('cancel_'));

    expect(history.map(({ kind, why }) => [kind, why])).toEqual([
      ['cancel_requested', 'request-cancel'],
      ['cancel_refused', 'already on the bench'],
      ['cancel_requested', 'request-cancel'],
      ['cancel_accepted', 'customer again'],
    ]);
    expect(history[1]).toMatchObject({
      by: { type: 'user', sub: 'rui', role: 'store' },
      details: { step: 'refuse-cancel', request: { reason: 'customer' } },
    });
    expect(history[3]?.details).toMatchObject({ request: { lines: [{ lineId: '1', quantity: 1 }] } });
  });
});
