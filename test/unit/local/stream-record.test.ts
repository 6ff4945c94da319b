import { describe, expect, it } from 'vitest';
import { toLambdaRecord } from '../../../lib/local/stream-poller.js';

describe('toLambdaRecord', () => {
  it('delivers a record as Lambda does: epoch seconds, base64 binaries, no undefined fields, the ARN', () => {
    const record = toLambdaRecord(
      {
        eventName: 'INSERT',
        eventID: undefined,
        dynamodb: {
          ApproximateCreationDateTime: new Date('2026-12-01T10:00:00Z'),
          Keys: { pk: { S: 'ORDER#1' } },
          NewImage: { payload: { B: new Uint8Array([1, 2, 3]) }, tags: { L: [{ S: 'vip' }] } },
          SequenceNumber: '100',
        },
      },
      'arn:aws:dynamodb:local:table/orders/stream/1',
    );

    expect(record).toEqual({
      eventName: 'INSERT',
      dynamodb: {
        ApproximateCreationDateTime: Date.UTC(2026, 11, 1, 10) / 1000,
        Keys: { pk: { S: 'ORDER#1' } },
        NewImage: { payload: { B: 'AQID' }, tags: { L: [{ S: 'vip' }] } },
        SequenceNumber: '100',
      },
      eventSourceARN: 'arn:aws:dynamodb:local:table/orders/stream/1',
    });
    expect(Object.keys(record)).not.toContain('eventID');
  });

  it('keeps an attribute named __proto__ as an attribute, never as the image’s prototype', () => {
    const image = JSON.parse('{"__proto__": {"S": "x"}}') as Record<string, { S: string }>;

    const record = toLambdaRecord({ dynamodb: { NewImage: image } }, 'arn');

    expect(Object.keys(record.dynamodb!.NewImage!)).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(record.dynamodb!.NewImage)).toBe(Object.prototype);
  });
});
