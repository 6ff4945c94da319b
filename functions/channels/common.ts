import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type * as z from 'zod';
import { normalizeEmail, normalizePhone } from '../domain/customer.js';
import { UnauthorizedError, ValidationError, type FieldIssue } from '../domain/errors.js';
import { currencyExponent, isCurrencyCode, toMinorUnits } from '../domain/money.js';
import { CanonicalOrder, type CanonicalOrderInput } from '../domain/order.js';
import { parseOrThrow } from '../domain/validation.js';

/**
 * What the channel adapters share: signature checks, lossless JSON, money and quantity parsing,
 * and a mapping context that reports every problem under its path in the channel's NATIVE
 * payload (`line_items/2/price`), because that is the document the channel's developer has open.
 */

/** Base64 HMAC-SHA256 of `signedContent`, as Shopify, WooCommerce and Square sign their webhooks. */
export function verifyBase64Hmac(args: {
  header: string | undefined;
  headerName: string;
  signedContent: string;
  secret: string;
}): void {
  const { header, headerName, signedContent, secret } = args;
  if (!header?.trim()) throw new UnauthorizedError(`Missing ${headerName} header.`);
  const expected = createHmac('sha256', secret).update(signedContent, 'utf8').digest();
  const given = Buffer.from(header.trim(), 'base64');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw new UnauthorizedError(`${headerName} does not match the body.`);
  }
}

export function base64Hmac(secret: string, signedContent: string): string {
  return createHmac('sha256', secret).update(signedContent, 'utf8').digest('base64');
}

/**
 * A shared secret sent verbatim in a header (channels that can add custom headers to a webhook but
 * do not sign it). Both sides are hashed first so the comparison is constant-time whatever the
 * lengths.
 */
export function verifySharedSecretHeader(
  header: string | undefined,
  headerName: string,
  secret: string,
): void {
  if (!header) throw new UnauthorizedError(`Missing ${headerName} header.`);
  const given = createHash('sha256').update(header, 'utf8').digest();
  const expected = createHash('sha256').update(secret, 'utf8').digest();
  if (!timingSafeEqual(given, expected))
    throw new UnauthorizedError(`${headerName} is not the channel's secret.`);
}

/**
 * JSON.parse, except that integers too long to be exact as a double (16 digits or more) become
 * strings. Shopify ids exceed 2^53, and an order stored under a rounded id is a different order.
 */
export function parseJsonKeepingBigIntegers(rawBody: string): unknown {
  let text = '';
  let start = 0;
  let inString = false;
  for (let index = 0; index < rawBody.length; index += 1) {
    const char = rawBody[index];
    if (inString) {
      if (char === '\\') index += 1;
      else if (char === '"') inString = false;
      continue;
    }
    if (char === '"') {
      inString = true;
      continue;
    }
    if (char === '-' || (char !== undefined && char >= '0' && char <= '9')) {
      const match = /^-?\d+(\.\d+)?([eE][+-]?\d+)?/.exec(rawBody.slice(index, index + 400));
      const token = match?.[0] ?? char;
      const isLongInteger = !match?.[1] && !match?.[2] && token.replace('-', '').length >= 16;
      if (isLongInteger) {
        text += `${rawBody.slice(start, index)}"${token}"`;
        start = index + token.length;
      }
      index += token.length - 1;
    }
  }
  text += rawBody.slice(start);
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ValidationError('The body is not valid JSON.', [
      { path: '(root)', message: (error as Error).message },
    ]);
  }
}

/** Parses the fields an adapter reads, reporting problems under their native paths. */
export function parseNative<Schema extends z.ZodType>(
  schema: Schema,
  input: unknown,
  what: string,
  pathPrefix = '',
): z.output<Schema> {
  return parseOrThrow(schema, input, what, pathPrefix, 'can not be mapped');
}

export function joinPath(...segments: (string | number)[]): string {
  return segments
    .map(String)
    .filter((segment) => segment !== '')
    .join('/');
}

export type Decimal = string | number;

/**
 * Rounds an amount with more decimals than the currency has (WooCommerce stores line taxes as
 * "1.636364") to the nearest minor unit, half away from zero, working on the digits as text.
 * Used only for amounts a channel derives by allocation (line tax, line discount); prices and
 * stated totals go through the strict toMinorUnits.
 */
export function toMinorUnitsRounded(amount: Decimal, currency: string): number {
  const exponent = currencyExponent(currency);
  const text = typeof amount === 'number' ? String(amount) : amount.trim();
  const match = /^(-?)(\d+)(?:\.(\d+))?$/.exec(text);
  if (!match) return toMinorUnits(text, currency);
  const [, sign, whole = '', fraction = ''] = match;
  const keptFraction = fraction.slice(0, exponent);
  const kept = keptFraction ? `${whole}.${keptFraction}` : whole;
  const roundsUp = (fraction[exponent] ?? '0') >= '5';
  const minor = toMinorUnits(kept, currency) + (roundsUp ? 1 : 0);
  return sign === '-' && minor !== 0 ? -minor : minor;
}

/** Integer division rounded half up, without floating point: a unit price from a line total. */
export function divideRounded(total: number, divisor: number): number {
  const quotient = Math.floor(total / divisor);
  const remainder = total - quotient * divisor;
  return remainder * 2 >= divisor ? quotient + 1 : quotient;
}

/** "9" (percent) → 0.09, shifting the decimal point as text so 7.25 % is 0.0725 exactly as written. */
export function percentToFraction(percent: Decimal): number | undefined {
  const match = /^(\d+)(?:\.(\d+))?$/.exec(String(percent).trim());
  if (!match) return undefined;
  const [, whole = '', fraction = ''] = match;
  const padded = whole.padStart(3, '0');
  const value = Number(`${padded.slice(0, -2)}.${padded.slice(-2)}${fraction}`);
  return value <= 1 ? value : undefined;
}

const SKU_FORBIDDEN = /[^A-Za-z0-9._\-/]+/g;

/**
 * The canonical SKU allows letters, digits and . _ - /; anything else (spaces, "#", accents)
 * becomes "-", leading punctuation is dropped and the result is cut at 64 characters.
 */
export function sanitizeSku(value: string): string {
  return value
    .trim()
    .replace(SKU_FORBIDDEN, '-')
    .replace(/^[^A-Za-z0-9]+/, '')
    .slice(0, 64);
}

export function blankToUndefined(value: unknown): string | undefined {
  if (value === null || value === undefined) return undefined;
  const text = String(value).trim();
  return text === '' ? undefined : text;
}

export function fullName(...parts: unknown[]): string | undefined {
  return blankToUndefined(
    parts
      .map(blankToUndefined)
      .filter((part) => part !== undefined)
      .join(' '),
  );
}

type AddressInput = NonNullable<CanonicalOrderInput['shippingAddress']>;
type AddressField = keyof AddressInput;

/**
 * Builds one canonical order from a native payload. Problems found while mapping are collected
 * (not thrown one at a time) so a channel developer sees all of them in one 400; each canonical
 * field remembers the native path it came from, so even the final CanonicalOrder check reports
 * `shipping_address/country_code`, not `shippingAddress/country`.
 */
export class OrderMapping {
  private readonly issues: FieldIssue[] = [];
  private readonly origins = new Map<string, string>();

  constructor(
    private readonly what: string,
    readonly currency: string,
  ) {}

  /** Checks the order currency first: every amount depends on it. */
  static forCurrency(what: string, currency: string | undefined, nativePath: string): OrderMapping {
    if (!currency || !isCurrencyCode(currency)) {
      throw new ValidationError(`The ${what} can not be mapped: 1 problem(s).`, [
        {
          path: nativePath,
          message: `must be an ISO 4217 currency code, got ${JSON.stringify(currency ?? null)}`,
        },
      ]);
    }
    const mapping = new OrderMapping(what, currency);
    mapping.origin('currency', nativePath);
    return mapping;
  }

  origin(canonicalPath: string, nativePath: string): void {
    this.origins.set(canonicalPath, nativePath);
  }

  /** Several origins under one canonical and one native prefix: `{ unitPrice: 'price' }`. */
  originsUnder(canonicalPrefix: string, nativePrefix: string, fields: Record<string, string>): void {
    if (nativePrefix) this.origin(canonicalPrefix, nativePrefix);
    for (const [canonical, native] of Object.entries(fields)) {
      this.origin(joinPath(canonicalPrefix, canonical), joinPath(nativePrefix, native));
    }
  }

  issue(nativePath: string, message: string): void {
    this.issues.push({ path: nativePath, message });
  }

  /**
   * An amount in the order currency, exact to the minor unit; 0 (with an issue) when it is not.
   * `rounded` allows extra decimals (see toMinorUnitsRounded); `unsigned` is for channels that
   * write discounts as negative numbers (Magento), where the sign is a convention, not a refund.
   */
  money(
    amount: Decimal | null | undefined,
    nativePath: string,
    options: { rounded?: boolean; unsigned?: boolean } = {},
  ): number {
    if (amount === null || amount === undefined || amount === '') return 0;
    try {
      const minor = options.rounded
        ? toMinorUnitsRounded(amount, this.currency)
        : toMinorUnits(amount, this.currency);
      if (minor < 0 && !options.unsigned) {
        this.issue(nativePath, `must not be negative, got ${amount}`);
        return 0;
      }
      return Math.abs(minor);
    } catch (error) {
      this.issue(nativePath, (error as Error).message);
      return 0;
    }
  }

  /** An amount a channel already sends in minor units (Square); must be a whole number. */
  minorUnits(amount: number | null | undefined, nativePath: string): number {
    if (amount === null || amount === undefined) return 0;
    if (!Number.isSafeInteger(amount) || amount < 0) {
      this.issue(nativePath, `must be a non-negative whole number of minor units, got ${amount}`);
      return 0;
    }
    return amount;
  }

  /** The currency of one amount must be the order's: the OMS never converts. */
  sameCurrency(currency: string | null | undefined, nativePath: string): void {
    if (currency && currency !== this.currency) {
      this.issue(nativePath, `is ${currency}, but the order is in ${this.currency}`);
    }
  }

  /** A whole, positive quantity ("2", 2, "2.0000"); fractional quantities (sold by weight) are rejected. */
  quantity(value: Decimal | null | undefined, nativePath: string): number {
    const match = /^(\d+)(?:\.(0*))?$/.exec(String(value ?? '').trim());
    const quantity = match ? Number(match[1]) : Number.NaN;
    if (!Number.isSafeInteger(quantity) || quantity < 1) {
      this.issue(nativePath, `must be a whole number of at least 1, got ${JSON.stringify(value ?? null)}`);
      return 1;
    }
    return quantity;
  }

  /** The first non-blank SKU candidate, sanitized; candidates are [value, native path]. */
  sku(canonicalPath: string, candidates: [unknown, string][], nativePathWhenMissing: string): string {
    for (const [value, nativePath] of candidates) {
      const text = blankToUndefined(value);
      if (text === undefined) continue;
      const sku = sanitizeSku(text);
      if (sku === '') continue;
      this.origin(canonicalPath, nativePath);
      return sku;
    }
    this.issue(nativePathWhenMissing, 'is blank and there is no product or variant id to use instead');
    return 'UNKNOWN';
  }

  /** An ISO 8601 instant in UTC. `assumeUtc` is for channels that send UTC without saying so. */
  timestamp(
    value: string | null | undefined,
    nativePath: string,
    options: { assumeUtc?: boolean } = {},
  ): string {
    const text = value?.trim() ?? '';
    const hasZone = /(?:Z|[+-]\d{2}:?\d{2}|GMT|UT)$/i.test(text);
    const withZone = options.assumeUtc && !hasZone ? `${text.replace(' ', 'T')}Z` : text;
    const millis = Date.parse(withZone);
    if (text === '' || Number.isNaN(millis) || (!hasZone && !options.assumeUtc)) {
      this.issue(nativePath, `must be a date-time with a time zone, got ${JSON.stringify(value ?? null)}`);
      return new Date(0).toISOString();
    }
    return new Date(millis).toISOString();
  }

  /**
   * A canonical address from native fields given as [value, native key]; blank values are left
   * out. Returns undefined when the native address is absent or has no street line at all.
   */
  address(
    canonicalPath: string,
    nativePath: string,
    fields: Partial<Record<AddressField, [unknown, string]>>,
  ): AddressInput | undefined {
    const address: Record<string, unknown> = {};
    for (const [field, [value, nativeKey]] of Object.entries(fields) as [AddressField, [unknown, string]][]) {
      this.origin(joinPath(canonicalPath, field), joinPath(nativePath, nativeKey));
      if (field === 'lat' || field === 'lon') {
        const coordinate = blankToUndefined(value);
        if (coordinate !== undefined && Number.isFinite(Number(coordinate)))
          address[field] = Number(coordinate);
        continue;
      }
      const text = blankToUndefined(value);
      if (text !== undefined) address[field] = field === 'country' ? text.toUpperCase() : text;
    }
    if (address.lat === undefined || address.lon === undefined) {
      delete address.lat;
      delete address.lon;
    }
    if (address.line1 === undefined && address.city === undefined) return undefined;
    this.origin(canonicalPath, nativePath);
    return address as AddressInput;
  }

  /** The customer with a lower-cased email and an E.164 phone (left out when not a valid number). */
  customer(
    fields: { id?: unknown; email?: unknown; name?: unknown; phone?: unknown },
    nativePaths: { id?: string; email?: string; name?: string; phone?: string },
    defaultCountry: string | undefined,
  ): CanonicalOrderInput['customer'] {
    const customer = {
      id: blankToUndefined(fields.id),
      email: normalizeEmail(blankToUndefined(fields.email)),
      name: blankToUndefined(fields.name),
      phone: normalizePhone(blankToUndefined(fields.phone), defaultCountry),
    };
    for (const [field, nativePath] of Object.entries(nativePaths)) {
      if (nativePath) this.origin(`customer/${field}`, nativePath);
    }
    const present = Object.fromEntries(Object.entries(customer).filter(([, value]) => value !== undefined));
    return Object.keys(present).length > 0 ? present : undefined;
  }

  /** Validates the result against CanonicalOrder, reporting every problem under its native path. */
  finish(input: CanonicalOrderInput): CanonicalOrder {
    if (this.issues.length > 0) {
      throw new ValidationError(
        `The ${this.what} can not be mapped: ${this.issues.length} problem(s).`,
        this.issues,
      );
    }
    const result = CanonicalOrder.safeParse(input);
    if (result.success) return result.data;
    const issues = result.error.issues.map((issue) =>
      this.toNativeIssue(issue.path.map(String), issue.message),
    );
    throw new ValidationError(`The ${this.what} can not be mapped: ${issues.length} problem(s).`, issues);
  }

  private toNativeIssue(canonicalPath: string[], message: string): FieldIssue {
    for (let length = canonicalPath.length; length > 0; length -= 1) {
      const native = this.origins.get(canonicalPath.slice(0, length).join('/'));
      if (native === undefined) continue;
      const rest = canonicalPath.slice(length).join('/');
      return { path: native, message: rest ? `${rest}: ${message}` : message };
    }
    return { path: '(root)', message: `${canonicalPath.join('/') || 'order'}: ${message}` };
  }
}

/** Attribute values longer than the canonical limit are cut: they are notes for people, not data. */
export function attributesFrom(
  pairs: { name: unknown; value: unknown }[],
): Record<string, string> | undefined {
  const entries = pairs
    .map(({ name, value }) => [blankToUndefined(name), blankToUndefined(value)] as const)
    .filter((entry): entry is readonly [string, string] => entry[0] !== undefined && entry[1] !== undefined)
    .map(([name, value]) => [name, value.slice(0, 200)]);
  return entries.length > 0 ? Object.fromEntries(entries) : undefined;
}

export function sum(values: number[]): number {
  return values.reduce((total, value) => total + value, 0);
}
