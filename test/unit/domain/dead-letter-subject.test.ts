import { describe, expect, it } from 'vitest';
import { subjectOf } from '../../../functions/domain/ops/dead-letters.js';

describe("a dead letter's subject", () => {
  it("is the event's type and the allowed ids of its detail, nothing personal", () => {
    const body = JSON.stringify({
      'detail-type': 'FulfillmentOrderRejected',
      detail: {
        orderId: 'O-1',
        fulfillmentOrderId: 'FO-1',
        locationId: 'STORE-1',
        customerId: 'C-1',
        customer: { name: 'Ana Silva', email: 'ana@example.com', phone: '+351 912 345 678' },
      },
    });

    expect(subjectOf(body)).toEqual({
      type: 'FulfillmentOrderRejected',
      ids: { orderId: 'O-1', fulfillmentOrderId: 'FO-1', locationId: 'STORE-1' },
    });
  });

  it.each([
    ['not JSON', 'Ana Silva, Rua Garrett 1'],
    ['an array', '["O-1"]'],
    ['an event without a detail', '{"detail-type":"OrderReceived"}'],
    [
      'ids that are not strings or too long',
      JSON.stringify({ detail: { orderId: 7, channelId: 'x'.repeat(257) } }),
    ],
  ])('tells nothing of %s but its type', (_case, body) => {
    const subject = subjectOf(body);

    expect(subject.ids).toEqual({});
    expect(JSON.stringify(subject)).not.toMatch(/Ana|Rua|xxxx/);
  });
});
