import { createHash } from 'node:crypto';
import { normalizeEmail, normalizePhone } from '../customer.js';
import type { Order } from '../order.js';

/**
 * Who an order's customer is, across channels: the normalized email and the E.164 phone the
 * order carries (functions/domain/customer.ts). Each identifier belongs to exactly one customer;
 * an order whose identifiers belong to two customers shows they are one person, and merges them.
 */
export const IDENTIFIER_TYPES = ['email', 'phone'] as const;
export type IdentifierType = (typeof IDENTIFIER_TYPES)[number];

export interface Identifier {
  type: IdentifierType;
  value: string;
}

type IdentifiedOrder = Pick<Order, 'customer' | 'customerKey' | 'shippingAddress' | 'billingAddress'>;

/**
 * The identifiers of an order. The phone is read in the country of the order's addresses, or the
 * channel's default country, as the order's `customerKey` was; a number that is not valid there
 * identifies nobody.
 */
export function orderIdentifiers(order: IdentifiedOrder, defaultCountry?: string): Identifier[] {
  const email = normalizeEmail(order.customer?.email);
  const keyedPhone = order.customerKey?.startsWith('phone:')
    ? order.customerKey.slice('phone:'.length)
    : undefined;
  const country = order.shippingAddress?.country ?? order.billingAddress?.country ?? defaultCountry;
  const phone = keyedPhone ?? normalizePhone(order.customer?.phone, country);
  return [
    ...(email ? [{ type: 'email' as const, value: email }] : []),
    ...(phone ? [{ type: 'phone' as const, value: phone }] : []),
  ];
}

/**
 * The key an identifier is stored under: a SHA-256 digest, so that table keys, which end up in
 * metrics, traces and error messages, never spell out an email or a phone number.
 */
export function identifierDigest(identifier: Identifier): string {
  return createHash('sha256').update(`${identifier.type}:${identifier.value}`).digest('hex');
}

/** An identifier already known, with the customer it resolves to (after any merges). */
export interface KnownIdentifier {
  identifier: Identifier;
  customerId: string;
}

export type LinkPlan =
  /** None of the identifiers is known: the order starts a customer. */
  | { kind: 'create'; customerId: string; newIdentifiers: Identifier[] }
  /** All known identifiers belong to one customer: the order joins it, adding what is new. */
  | { kind: 'link'; customerId: string; newIdentifiers: Identifier[] }
  /**
   * The identifiers belong to several customers: the oldest (ULIDs sort by creation) survives,
   * the others are merged into it, and the order joins it.
   */
  | { kind: 'merge'; customerId: string; merged: string[]; newIdentifiers: Identifier[] };

/**
 * Decides which customer an order belongs to from what is already known of its identifiers.
 * Pure: `newCustomerId` is only called when the order starts a customer.
 */
export function planLink(
  identifiers: readonly Identifier[],
  known: readonly KnownIdentifier[],
  newCustomerId: () => string,
): LinkPlan | undefined {
  if (identifiers.length === 0) return undefined;
  const knownDigests = new Set(known.map(({ identifier }) => identifierDigest(identifier)));
  const newIdentifiers = identifiers.filter((identifier) => !knownDigests.has(identifierDigest(identifier)));
  const owners = [...new Set(known.map(({ customerId }) => customerId))].sort();
  const [survivor, ...merged] = owners;
  if (survivor === undefined) return { kind: 'create', customerId: newCustomerId(), newIdentifiers };
  if (merged.length === 0) return { kind: 'link', customerId: survivor, newIdentifiers };
  return { kind: 'merge', customerId: survivor, merged, newIdentifiers };
}
