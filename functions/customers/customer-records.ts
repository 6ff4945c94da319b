import type { CustomerProfile } from '../domain/customers/records.js';
import type { CustomerOrderRecords } from '../domain/customers/view.js';
import type { Order } from '../domain/order.js';
import type { ReturnAuthorization, StoredRefund } from '../domain/service/records.js';
import type { CustomerPartition } from '../data/customers-repository.js';
import { toOrder } from '../data/order-items.js';

/** Merges chain (A into B, B into C); a longer chain than this is a bug, not data. */
const MAX_MERGE_DEPTH = 16;

/**
 * The customer that `customerId` ended up as, following merges; the profiles read are kept in
 * `profiles`. None when it is unknown or was erased.
 */
export async function survivingCustomer(
  deps: { getCustomerProfile(customerId: string): Promise<CustomerProfile | undefined> },
  customerId: string,
  profiles: Map<string, CustomerProfile> = new Map(),
): Promise<string | undefined> {
  let current = customerId;
  for (let depth = 0; depth < MAX_MERGE_DEPTH; depth++) {
    const profile = profiles.get(current) ?? (await deps.getCustomerProfile(current));
    if (!profile || profile.erasure) return undefined;
    profiles.set(current, profile);
    if (!profile.mergedInto) return current;
    current = profile.mergedInto;
  }
  throw new Error(`Customer ${customerId} is merged more than ${MAX_MERGE_DEPTH} times over.`);
}

export interface CustomerReadDeps {
  getCustomerProfile(customerId: string): Promise<CustomerProfile | undefined>;
  getCustomerPartition(customerId: string): Promise<CustomerPartition | undefined>;
  getOrderPartition(orderId: string): Promise<Record<string, unknown>[]>;
}

/** Everything about one person: their surviving customer, the ones merged into it, their orders' partitions. */
export interface CustomerRecords {
  partitions: CustomerPartition[];
  orders: (CustomerOrderRecords & { items: Record<string, unknown>[] })[];
}

/** Orders read at once: a customer with hundreds of orders is read in a few round trips. */
const PARALLEL_READS = 16;

/**
 * Reads the person `customerId` names: the customer it ended up as (an erased one included, so
 * that its view and erasure record stay readable), every customer merged into it, and each of
 * their orders' partitions. Undefined when the id is unknown.
 */
export async function readCustomer(
  deps: CustomerReadDeps,
  customerId: string,
): Promise<CustomerRecords | undefined> {
  let rootId = customerId;
  for (let depth = 0; ; depth++) {
    const profile = await deps.getCustomerProfile(rootId);
    if (!profile) return undefined;
    if (!profile.mergedInto) break;
    if (depth >= MAX_MERGE_DEPTH)
      throw new Error(`Customer ${customerId} is merged more than ${MAX_MERGE_DEPTH} times over.`);
    rootId = profile.mergedInto;
  }
  const partitions: CustomerPartition[] = [];
  const pending = [rootId];
  const seen = new Set<string>();
  while (pending.length > 0) {
    const id = pending.shift() as string;
    if (seen.has(id)) continue;
    seen.add(id);
    const partition = await deps.getCustomerPartition(id);
    if (!partition) continue;
    partitions.push(partition);
    pending.push(...partition.profile.mergedFrom);
  }
  const links = partitions.flatMap((partition) => partition.orders);
  const orders: CustomerRecords['orders'] = [];
  for (let start = 0; start < links.length; start += PARALLEL_READS) {
    const batch = links.slice(start, start + PARALLEL_READS);
    const read = await Promise.all(batch.map((link) => deps.getOrderPartition(link.orderId)));
    batch.forEach((link, index) => {
      const items = read[index] ?? [];
      const orderItem = items.find((item) => item.entityType === 'Order');
      if (!orderItem) return;
      orders.push({
        link,
        order: toOrder(orderItem) as Order,
        returns: items.filter((item) => item.entityType === 'Return') as unknown as ReturnAuthorization[],
        refunds: items.filter((item) => item.entityType === 'Refund') as unknown as StoredRefund[],
        items,
      });
    });
  }
  return { partitions, orders };
}
