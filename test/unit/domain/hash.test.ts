import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { contentHash } from '../../../functions/domain/hash.js';
import { aParsedCanonicalOrder } from '../../helpers/records.js';

/** The same object with its keys, at every depth, in reverse order. */
function reversedKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reversedKeys);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .reverse()
        .map(([key, entry]) => [key, reversedKeys(entry)]),
    );
  }
  return value;
}

describe('contentHash', () => {
  it('is the hex SHA-256 of the JSON with sorted keys', () => {
    const expected = createHash('sha256').update('{"a":1,"b":[2,{"c":3,"d":null}]}').digest('hex');

    expect(contentHash({ b: [2, { d: null, c: 3 }], a: 1 })).toBe(expected);
  });

  it('is the same for an order whose fields arrive in another order', () => {
    const order = aParsedCanonicalOrder();

    expect(contentHash(reversedKeys(order))).toBe(contentHash(order));
  });

  it('does not depend on key order for any JSON value', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(contentHash(reversedKeys(value))).toBe(contentHash(value));
      }),
    );
  });

  it('ignores fields that are undefined, as JSON would', () => {
    expect(contentHash({ a: 1, note: undefined })).toBe(contentHash({ a: 1 }));
  });

  it('changes when any value changes', () => {
    const order = aParsedCanonicalOrder();

    expect(contentHash(aParsedCanonicalOrder({ shippingPrice: 0 }))).not.toBe(contentHash(order));
    expect(contentHash({ ...order, lines: [{ ...order.lines[0]!, quantity: 3 }] })).not.toBe(
      contentHash(order),
    );
  });

  it('keeps the order of array elements significant', () => {
    expect(contentHash(['a', 'b'])).not.toBe(contentHash(['b', 'a']));
  });

  it('tells a string from a number and null from a missing field', () => {
    expect(contentHash({ a: '1' })).not.toBe(contentHash({ a: 1 }));
    expect(contentHash({ a: null })).not.toBe(contentHash({}));
  });
});
