import { ValidationError } from './errors.js';

/**
 * Money is an integer count of the currency's minor units plus an ISO 4217 code. Which codes
 * exist comes from the runtime's ICU data; the minor units come from ISO 4217 itself, because
 * ICU's `maximumFractionDigits` is how many decimals CLDR *displays* (0 for HUF and IDR, whose
 * ISO minor unit is 2; 0 for IQD, whose is 3) and would scale channel amounts wrongly.
 * ISO 4217 lists the few currencies whose minor unit is not 2; every other currency has 2.
 */
const supportedCurrencies = new Set(Intl.supportedValuesOf('currency'));
const ISO_4217_EXPONENTS: Readonly<Record<string, number>> = {
  ...Object.fromEntries(
    [
      'BIF',
      'CLP',
      'DJF',
      'GNF',
      'ISK',
      'JPY',
      'KMF',
      'KRW',
      'PYG',
      'RWF',
      'UGX',
      'UYI',
      'VND',
      'VUV',
      'XAF',
      'XOF',
      'XPF',
    ].map((code) => [code, 0]),
  ),
  ...Object.fromEntries(['BHD', 'IQD', 'JOD', 'KWD', 'LYD', 'OMR', 'TND'].map((code) => [code, 3])),
  CLF: 4,
  UYW: 4,
};

export function isCurrencyCode(code: string): boolean {
  return /^[A-Z]{3}$/.test(code) && supportedCurrencies.has(code);
}

export function currencyExponent(currency: string): number {
  if (!isCurrencyCode(currency)) throw new ValidationError(`Unknown currency ${currency}.`);
  return ISO_4217_EXPONENTS[currency] ?? 2;
}

/**
 * Converts a decimal amount as channels send it ("19.99", "19.9900", 19.99, "1999") into minor
 * units without going through floating-point arithmetic: the digits are shifted as text.
 * Digits beyond the currency's exponent must be zeros ("19.9900" is fine, "19.995" is not),
 * because rounding someone else's money silently is how ledgers drift.
 */
export function toMinorUnits(amount: string | number, currency: string): number {
  const exponent = currencyExponent(currency);
  const text = typeof amount === 'number' ? numberToPlainString(amount) : amount.trim();
  const match = /^(-?)(\d+)(?:\.(\d+))?$/.exec(text);
  if (!match) throw new ValidationError(`"${text}" is not a decimal amount.`);
  const [, sign, whole, fraction = ''] = match;
  const significant = fraction.slice(0, exponent).padEnd(exponent, '0');
  if (/[^0]/.test(fraction.slice(exponent))) {
    throw new ValidationError(`${text} has more decimals than ${currency} allows (${exponent}).`);
  }
  const minor = Number(`${whole}${significant}`);
  if (!Number.isSafeInteger(minor)) throw new ValidationError(`${text} ${currency} is too large.`);
  return sign === '-' && minor !== 0 ? -minor : minor;
}

/** Renders minor units as a decimal string in the currency's exponent, e.g. 1999 EUR → "19.99". */
export function formatMinorUnits(minor: number, currency: string): string {
  const exponent = currencyExponent(currency);
  const sign = minor < 0 ? '-' : '';
  const digits = Math.abs(minor)
    .toString()
    .padStart(exponent + 1, '0');
  if (exponent === 0) return `${sign}${digits}`;
  return `${sign}${digits.slice(0, -exponent)}.${digits.slice(-exponent)}`;
}

function numberToPlainString(value: number): string {
  if (!Number.isFinite(value)) throw new ValidationError(`${value} is not an amount.`);
  // toString() switches to exponent notation outside 1e-7..1e21; those are not prices.
  const text = value.toString();
  if (/e/i.test(text)) throw new ValidationError(`${text} is not a plausible amount.`);
  return text;
}
