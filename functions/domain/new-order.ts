import { customerKey } from './customer.js';
import { contentHash } from './hash.js';
import type { CanonicalOrder, Order } from './order.js';
import { reconcileTotals } from './totals.js';

/** Turns a validated canonical order into the OMS's record of it, as received. */
export function newOrder(args: {
  canonical: CanonicalOrder;
  channelId: string;
  orderId: string;
  now: string;
  defaultCountry?: string;
}): Order {
  const { canonical, channelId, orderId, now, defaultCountry } = args;
  const key = customerKey(canonical.customer, canonical.shippingAddress?.country ?? defaultCountry);
  const { customer, lines, ...rest } = canonical;
  return {
    ...rest,
    // An empty object says nothing; it is not kept, so that no reader meets an empty map.
    ...(customer && Object.keys(customer).length > 0 && { customer }),
    lines: lines.map(({ attributes, ...line }) =>
      attributes && Object.keys(attributes).length > 0 ? { ...line, attributes } : line,
    ),
    placedAt: new Date(canonical.placedAt).toISOString(),
    orderId,
    channelId,
    status: 'RECEIVED',
    receivedAt: now,
    updatedAt: now,
    version: 1,
    payloadHash: contentHash(canonical),
    reconciliation: reconcileTotals(canonical),
    ...(key && { customerKey: key }),
  };
}
