import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../functions/domain/errors.js';
import {
  currencyExponent,
  formatMinorUnits,
  isCurrencyCode,
  toMinorUnits,
} from '../../../functions/domain/money.js';

describe('toMinorUnits', () => {
  it.each([
    ['19.99', 'EUR', 1999],
    ['19.9900', 'USD', 1999],
    ['19.9', 'EUR', 1990],
    ['19', 'EUR', 1900],
    [' 19.99 ', 'EUR', 1999],
    ['1999', 'JPY', 1999],
    ['1999.00', 'JPY', 1999],
    ['0.125', 'KWD', 125],
    ['0', 'EUR', 0],
    ['-5.50', 'EUR', -550],
  ])('reads %j %s as %i minor units', (amount, currency, minor) => {
    expect(toMinorUnits(amount, currency)).toBe(minor);
  });

  it('reads the number 19.99 as exactly 1999, although 19.99 * 100 is 1998.9999999999998', () => {
    expect(19.99 * 100).not.toBe(1999);
    expect(toMinorUnits(19.99, 'EUR')).toBe(1999);
    expect(toMinorUnits(0.29, 'USD')).toBe(29);
  });

  it.each([
    ['19.5', 'JPY'],
    ['19.995', 'EUR'],
    ['0.1255', 'KWD'],
  ])('refuses to round %j %s', (amount, currency) => {
    expect(() => toMinorUnits(amount, currency)).toThrow(ValidationError);
    expect(() => toMinorUnits(amount, currency)).toThrow(/more decimals than/);
  });

  it.each(['19,99', '€19.99', '.99', '1e3', '', 'abc'])('rejects %j as not a decimal amount', (amount) => {
    expect(() => toMinorUnits(amount, 'EUR')).toThrow(ValidationError);
  });

  it('rejects numbers JavaScript only prints in exponent notation, and non-finite ones', () => {
    expect(() => toMinorUnits(1e21, 'EUR')).toThrow(ValidationError);
    expect(() => toMinorUnits(Number.NaN, 'EUR')).toThrow(ValidationError);
    expect(() => toMinorUnits(Number.POSITIVE_INFINITY, 'EUR')).toThrow(ValidationError);
  });

  it('rejects amounts too large to count exactly in minor units', () => {
    expect(() => toMinorUnits('99999999999999999.99', 'EUR')).toThrow(/too large/);
  });

  it('rejects an unknown currency', () => {
    expect(() => toMinorUnits('1.00', 'EURO')).toThrow(ValidationError);
  });
});

describe('currencyExponent', () => {
  it.each([
    ['EUR', 2],
    ['USD', 2],
    ['JPY', 0],
    ['KRW', 0],
    ['KWD', 3],
    ['BHD', 3],
  ])('gives %s %i minor-unit digits', (currency, exponent) => {
    expect(currencyExponent(currency)).toBe(exponent);
  });

  // The module promises ISO 4217 minor units, but Intl's maximumFractionDigits is CLDR's *display*
  // preference: with the ICU in Node 20 it gives 0 for IQD (ISO: 3), HUF, IDR, COP, PKR (ISO: 2).
  // An exponent that differs from the channels' (and moves with the runtime's ICU data) misreads money.
  it.each([
    ['IQD', 3],
    ['HUF', 2],
    ['IDR', 2],
    ['COP', 2],
  ])('gives %s the %i digits ISO 4217 assigns it', (currency, exponent) => {
    expect(currencyExponent(currency)).toBe(exponent);
  });

  it('knows only alphabetic ISO 4217 codes', () => {
    expect(isCurrencyCode('EUR')).toBe(true);
    expect(isCurrencyCode('eur')).toBe(false);
    expect(isCurrencyCode('978')).toBe(false);
    expect(() => currencyExponent('ABC')).toThrow(ValidationError);
  });
});

describe('formatMinorUnits', () => {
  it.each([
    [1999, 'EUR', '19.99'],
    [5, 'EUR', '0.05'],
    [0, 'EUR', '0.00'],
    [-550, 'EUR', '-5.50'],
    [1999, 'JPY', '1999'],
    [125, 'KWD', '0.125'],
  ])('renders %i %s as %j', (minor, currency, text) => {
    expect(formatMinorUnits(minor, currency)).toBe(text);
  });

  it('round-trips through toMinorUnits for any whole amount in EUR, JPY and KWD', () => {
    fc.assert(
      fc.property(fc.constantFrom('EUR', 'JPY', 'KWD'), fc.maxSafeInteger(), (currency, minor) => {
        expect(toMinorUnits(formatMinorUnits(minor, currency), currency)).toBe(minor);
      }),
    );
  });
});
