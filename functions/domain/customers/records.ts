import type { Actor } from '../access.js';
import type { Identifier } from './identity.js';

/**
 * What the OMS keeps of a customer (functions/data/customers-repository.ts). The profile holds
 * no personal data: the identifiers live in identity links, which an erasure deletes, and the
 * orders in order links, which keep only ids and dates for the books.
 */
export interface CustomerProfile {
  customerId: string;
  createdAt: string;
  updatedAt: string;
  /** Optimistic-locking counter: links and merges are conditional on it. */
  version: number;
  /** Set once this customer turned out to be another one: readers follow it. */
  mergedInto?: string;
  /** The customers merged into this one, whose links still live under their own ids. */
  mergedFrom: string[];
  erasure?: ErasureRecord;
}

/** Which order brought an identifier to the customer, and when. */
export interface IdentityLink extends Identifier {
  customerId: string;
  orderId: string;
  channelId: string;
  linkedAt: string;
}

export interface OrderLink {
  customerId: string;
  orderId: string;
  channelId: string;
  placedAt: string;
  linkedAt: string;
}

/** Two customers found to be one: the order whose identifiers belonged to both. */
export interface MergeRecord {
  customerId: string;
  mergedCustomerId: string;
  orderId: string;
  channelId: string;
  mergedAt: string;
}

/** That a customer's personal data was erased, and who asked: kept for the books and the regulator. */
export interface ErasureRecord {
  erasureId: string;
  customerId: string;
  /** Every customer id the person had (merged ones included). */
  customerIds: string[];
  orderIds: string[];
  requestedBy: Actor;
  erasedAt: string;
  /** Items rewritten with tombstones, and operational items (idempotency, dedupe) deleted. */
  itemsScrubbed: number;
  itemsDeleted: number;
}
