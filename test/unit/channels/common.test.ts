import { describe, expect, it } from 'vitest';
import {
  divideRounded,
  parseJsonKeepingBigIntegers,
  percentToFraction,
  sanitizeSku,
  toMinorUnitsRounded,
} from '../../../functions/channels/common.js';
import { ValidationError } from '../../../functions/domain/errors.js';

describe('parseJsonKeepingBigIntegers', () => {
  it('turns integers of 16 digits or more into exact strings and leaves everything else alone', () => {
    const text =
      '{"id":12345678901234567890,"ids":[-9007199254740993,42],"price":"1234567890123456.00","n":1.5e3,"s":"a\\"1234567890123456789"}';

    expect(parseJsonKeepingBigIntegers(text)).toEqual({
      id: '12345678901234567890',
      ids: ['-9007199254740993', 42],
      price: '1234567890123456.00',
      n: 1500,
      s: 'a"1234567890123456789',
    });
  });

  it('reports invalid JSON as a ValidationError', () => {
    expect(() => parseJsonKeepingBigIntegers('{"id":')).toThrow(ValidationError);
  });
});

describe('money helpers', () => {
  it.each([
    ['1.636364', 'USD', 164],
    ['0.455', 'USD', 46],
    ['0.454', 'USD', 45],
    ['19.9900', 'USD', 1999],
    ['12', 'USD', 1200],
    ['-0.005', 'USD', -1],
    ['2599.5', 'JPY', 2600],
    [8.5833, 'USD', 858],
  ] as const)('rounds %s %s half away from zero to %d minor units', (amount, currency, minor) => {
    expect(toMinorUnitsRounded(amount, currency)).toBe(minor);
  });

  it.each([
    [1000, 3, 333],
    [1001, 2, 501],
    [4500, 2, 2250],
  ])('divides %d by %d into %d', (total, divisor, quotient) => {
    expect(divideRounded(total, divisor)).toBe(quotient);
  });

  it.each([
    ['9', 0.09],
    ['7.25', 0.0725],
    ['100', 1],
    ['0.5', 0.005],
  ])('reads %s %% as the fraction %d', (percent, fraction) => {
    expect(percentToFraction(percent)).toBe(fraction);
  });

  it('refuses a percentage above 100 or that is not a number', () => {
    expect(percentToFraction('150')).toBeUndefined();
    expect(percentToFraction('nine')).toBeUndefined();
  });
});

describe('sanitizeSku', () => {
  it.each([
    ['IPOD 2008 #RED', 'IPOD-2008-RED'],
    ['  -café/noir_1.0 ', 'caf-/noir_1.0'],
    ['x'.repeat(80), 'x'.repeat(64)],
  ])('turns %j into %j', (raw, sku) => {
    expect(sanitizeSku(raw)).toBe(sku);
  });
});
