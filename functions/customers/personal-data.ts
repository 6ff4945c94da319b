import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import type { Actor } from '../domain/access.js';
import { personalValues, scrubItem } from '../domain/customers/erasure.js';
import type { ErasureRecord, IdentityLink } from '../domain/customers/records.js';
import { openOrderReasons, toCustomerView } from '../domain/customers/view.js';
import { ConflictError, NotFoundError } from '../domain/errors.js';
import { readCustomer, type CustomerReadDeps, type CustomerRecords } from './customer-records.js';

export interface PersonalDataDeps extends CustomerReadDeps {
  putScrubbed(item: Record<string, unknown>, readVersion?: number): Promise<void>;
  deleteIdempotencyItemsAbout(orderIds: readonly string[]): Promise<number>;
  recordErasure(erasure: ErasureRecord, identities: readonly IdentityLink[]): Promise<void>;
  newId(): string;
  now(): Date;
}

async function mustRead(deps: CustomerReadDeps, customerId: string): Promise<CustomerRecords> {
  const records = await readCustomer(deps, customerId);
  if (!records) throw new NotFoundError(`There is no customer "${customerId}".`);
  return records;
}

export function viewOf(records: CustomerRecords) {
  const [root] = records.partitions;
  if (!root) throw new Error('A customer read without its own partition.');
  return toCustomerView({
    profile: root.profile,
    identities: records.partitions.flatMap((partition) => partition.identities),
    merges: records.partitions.flatMap((partition) => partition.merges),
    orders: records.orders,
  });
}

const withoutKeys = ({ pk: _pk, sk: _sk, ...item }: Record<string, unknown>) => item;

/**
 * Everything the OMS holds about the person (GDPR art. 15, CCPA right to know): the customer
 * view, the customer records (identifiers with the orders that brought them, merges, erasures),
 * and each order's every stored item: the order with its addresses, the channel's raw payload,
 * fulfillment orders, cancellations, address changes, returns, refunds, channel changes.
 */
export async function exportPersonalData(deps: PersonalDataDeps, customerId: string) {
  const records = await mustRead(deps, customerId);
  return {
    exportedAt: deps.now().toISOString(),
    customer: viewOf(records),
    customerRecords: records.partitions,
    orders: records.orders.map(({ order, items }) => ({
      orderId: order.orderId,
      channelId: order.channelId,
      items: items.map(withoutKeys),
    })),
  };
}

/**
 * Erases the person's data (GDPR art. 17, CCPA right to delete):
 * 1. reads the customer, those merged into it and every order's partition;
 * 2. refuses (ConflictError) while an order is being served: not yet COMPLETED or CANCELED, or
 *    with a return still expected; its data is needed to ship, collect or refund;
 * 3. gathers the personal values those items hold, with the person's identifiers;
 * 4. rewrites every item that holds any with tombstones (functions/domain/customers/erasure.ts),
 *    the order on condition of its version; amounts, SKUs and dates stay for the books;
 * 5. deletes the Idempotency table's items about the orders;
 * 6. deletes the identifiers and records the erasure, with who asked, on the customer.
 * Running it again rewrites nothing more and records the request again.
 */
export async function erasePersonalData(deps: PersonalDataDeps, customerId: string, requestedBy: Actor) {
  const records = await mustRead(deps, customerId);
  const open = openOrderReasons(records.orders);
  if (open.length > 0) {
    throw new ConflictError(
      'The customer has orders still being served; their personal data is erased once they are completed or canceled.',
      { openOrders: open },
    );
  }
  const identities = records.partitions.flatMap((partition) => partition.identities);
  const values = personalValues(
    records.orders.flatMap(({ items }) => items),
    identities.map((identity) => identity.value),
  );
  let itemsScrubbed = 0;
  for (const { order, items } of records.orders) {
    for (const item of items) {
      const scrubbed = scrubItem(item, values);
      if (!scrubbed.changed) continue;
      await putOrConflict(deps, scrubbed.item, item.entityType === 'Order' ? order.version : undefined);
      itemsScrubbed += 1;
    }
  }
  const orderIds = records.orders.map(({ order }) => order.orderId);
  const itemsDeleted = (await deps.deleteIdempotencyItemsAbout(orderIds)) + identities.length * 2;
  const [root] = records.partitions;
  const erasure: ErasureRecord = {
    erasureId: deps.newId(),
    customerId: root?.profile.customerId ?? customerId,
    customerIds: records.partitions.map((partition) => partition.profile.customerId),
    orderIds,
    requestedBy,
    erasedAt: deps.now().toISOString(),
    itemsScrubbed,
    itemsDeleted,
  };
  await deps.recordErasure(erasure, identities);
  return erasure;
}

async function putOrConflict(deps: PersonalDataDeps, item: Record<string, unknown>, readVersion?: number) {
  try {
    await deps.putScrubbed(item, readVersion);
  } catch (error) {
    if (!(error instanceof ConditionalCheckFailedException)) throw error;
    throw new ConflictError('An order changed while it was being erased; ask again.', {
      orderId: item.orderId,
    });
  }
}
