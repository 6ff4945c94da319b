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
  return {
    ...canonical,
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
