import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  GetCommand,
  PutCommand,
  TransactWriteCommand,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';
import type { ChannelOrderChange } from '../channels/adapter.js';
import type { FulfillmentOrderState } from '../domain/fulfillment/model.js';
import type { Address, Order, OrderStatus } from '../domain/order.js';
import type {
  AddressChange,
  Cancellation,
  ReturnAuthorization,
  StoredRefund,
} from '../domain/service/records.js';
import { ORDERS_TABLE } from '../../lib/tables.js';
import { dynamo, tableName } from './dynamo.js';
import { backorderIndexUpdate, toOrder } from './order-items.js';
import { orderKey } from './orders-repository.js';
import { queryAll } from './paging.js';

/**
 * What customer service changes after the sale, beside the order in the Orders table:
 *   ORDER#<orderId> / CANCEL#<cancellationId>   a cancellation (units canceled and requested)
 *   ORDER#<orderId> / ADDRESS#<changeId>        a shipping address change
 *   ORDER#<orderId> / RETURN#<returnId>         a return authorization and its receipts
 *   ORDER#<orderId> / REFUND#<refundId>         a refund record
 *   ORDER#<orderId> / CHANGE#<changeKey>        a channel's change to the order, received once
 *   RETURN#<returnId> / KEY                     which order a return belongs to
 * Every change is one transaction with an update of the order conditional on its version, so
 * two agents acting at once can not both compute a refund from the same earlier ones: the second
 * finds the order changed, reads again and decides again. The stream outbox announces each record.
 */
export const cancellationKey = (orderId: string, id: string) => ({
  pk: orderKey(orderId).pk,
  sk: `CANCEL#${id}`,
});
export const addressChangeKey = (orderId: string, id: string) => ({
  pk: orderKey(orderId).pk,
  sk: `ADDRESS#${id}`,
});
export const returnKey = (orderId: string, id: string) => ({ pk: orderKey(orderId).pk, sk: `RETURN#${id}` });
export const refundKey = (orderId: string, id: string) => ({ pk: orderKey(orderId).pk, sk: `REFUND#${id}` });
export const channelChangeKey = (orderId: string, changeKey: string) => ({
  pk: orderKey(orderId).pk,
  sk: `CHANGE#${changeKey}`,
});
export const returnLookupKey = (returnId: string) => ({ pk: `RETURN#${returnId}`, sk: 'KEY' });

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/** Everything the OMS knows about one order, read in one consistent query of its partition. */
export interface OrderAggregate {
  order: Order;
  fulfillmentOrders: FulfillmentOrderState[];
  cancellations: Cancellation[];
  addressChanges: AddressChange[];
  returns: ReturnAuthorization[];
  refunds: StoredRefund[];
}

const strip = (item: Record<string, unknown>) => {
  const { pk: _pk, sk: _sk, entityType: _entityType, ...record } = item;
  return record;
};

/** The items of an order's partition of these entity types, read consistently. */
function partitionItems(orderId: string, entityTypes: readonly string[]): Promise<Record<string, unknown>[]> {
  const names = Object.fromEntries(entityTypes.map((type, index) => [`:t${index}`, type]));
  return queryAll({
    TableName: tableName(ORDERS_TABLE.envVar),
    KeyConditionExpression: 'pk = :pk',
    // Never the channel's raw payload: it can be large and is for audit only.
    FilterExpression: `entityType IN (${Object.keys(names).join(', ')})`,
    ExpressionAttributeValues: { ':pk': orderKey(orderId).pk, ...names },
    ConsistentRead: true,
  });
}

const SERVICE_TYPES = ['Cancellation', 'AddressChange', 'Return', 'Refund'] as const;

function recordsOf(items: readonly Record<string, unknown>[]) {
  const of = <T>(entityType: string) =>
    items.filter((item) => item.entityType === entityType).map((item) => strip(item) as T);
  return {
    cancellations: of<Cancellation>('Cancellation'),
    addressChanges: of<AddressChange>('AddressChange'),
    returns: of<ReturnAuthorization>('Return'),
    refunds: of<StoredRefund>('Refund'),
  };
}

export async function getOrderAggregate(orderId: string): Promise<OrderAggregate | undefined> {
  const items = await partitionItems(orderId, [
    'Order',
    'FulfillmentOrder',
    'HistoryEntry',
    ...SERVICE_TYPES,
  ]);
  const [order] = items.filter((item) => item.entityType === 'Order').map(toOrder);
  if (!order) return undefined;
  return {
    order,
    fulfillmentOrders: items
      .filter((item) => item.entityType === 'FulfillmentOrder')
      .map((item) => strip(item) as unknown as FulfillmentOrderState),
    ...recordsOf(items),
  };
}

export type ServiceRecords = Pick<OrderAggregate, 'cancellations' | 'addressChanges' | 'returns' | 'refunds'>;

/** The customer-service records of an order, for its view; empty lists when there are none. */
export async function listServiceRecords(orderId: string): Promise<ServiceRecords> {
  return recordsOf(await partitionItems(orderId, SERVICE_TYPES));
}

export async function getReturnAuthorization(returnId: string): Promise<ReturnAuthorization | undefined> {
  const table = tableName(ORDERS_TABLE.envVar);
  const { Item: lookup } = await dynamo().send(
    new GetCommand({ TableName: table, Key: returnLookupKey(returnId), ConsistentRead: true }),
  );
  if (!lookup) return undefined;
  const { Item } = await dynamo().send(
    new GetCommand({
      TableName: table,
      Key: returnKey(String(lookup.orderId), returnId),
      ConsistentRead: true,
    }),
  );
  return Item ? (strip(Item) as unknown as ReturnAuthorization) : undefined;
}

export interface ServiceChange {
  order: Pick<Order, 'orderId' | 'version'>;
  now: string;
  /** What changes on the order itself; its version always moves on. */
  orderUpdate?: {
    status?: OrderStatus;
    shippingAddress?: Address;
    unplaced?: unknown[];
    /** The cancellation that canceled the whole order: it, not the status change, is announced. */
    canceledBy?: string;
    /** Every unit of each line canceled so far: the router does not place them. */
    canceledUnits?: unknown[];
  };
  cancellation?: Cancellation;
  addressChange?: AddressChange;
  /** A new return (`expectedVersion` absent) or a new version of one. */
  returnAuthorization?: { record: ReturnAuthorization; expectedVersion?: number };
  refund?: StoredRefund;
}

export type ServiceChangeResult = 'ok' | 'order_changed';

/** Losing a race to a concurrent transaction (TransactionConflict) is retried this many times. */
const CONFLICT_RETRIES = 3;

/**
 * Writes a change and its records in one transaction, conditional on the order's version. A
 * failed condition (another change won) answers `order_changed`, for the caller to read again;
 * a conflict with a concurrent transaction is retried, then thrown.
 */
export async function commitServiceChange(change: ServiceChange): Promise<ServiceChangeResult> {
  const table = tableName(ORDERS_TABLE.envVar);
  const { orderId, version } = change.order;
  const put = (key: Record<string, string>, entityType: string, record: object): TransactItem => ({
    Put: {
      TableName: table,
      Item: { ...key, entityType, ...record },
      ConditionExpression: 'attribute_not_exists(pk)',
    },
  });
  const names: Record<string, string> = { '#version': 'version' };
  const values: Record<string, unknown> = { ':expected': version, ':next': version + 1, ':now': change.now };
  const sets = ['#version = :next', 'updatedAt = :now'];
  const removes: string[] = [];
  const update = change.orderUpdate ?? {};
  if (update.status !== undefined) {
    sets.push('#status = :status');
    names['#status'] = 'status';
    values[':status'] = update.status;
    const backorder = backorderIndexUpdate(orderId, update.status);
    if (backorder.set) sets.push(backorder.set);
    if (backorder.remove) removes.push(backorder.remove);
    Object.assign(values, backorder.values);
  }
  if (update.shippingAddress !== undefined) {
    sets.push('shippingAddress = :address');
    values[':address'] = update.shippingAddress;
  }
  if (update.canceledBy !== undefined) {
    sets.push('canceledBy = :canceledBy');
    values[':canceledBy'] = update.canceledBy;
  }
  if (update.canceledUnits !== undefined) {
    sets.push('canceledUnits = :canceledUnits');
    values[':canceledUnits'] = update.canceledUnits;
  }
  if (update.unplaced !== undefined) {
    sets.push('#routing.unplaced = :unplaced');
    names['#routing'] = 'routing';
    values[':unplaced'] = update.unplaced;
  }
  const items: TransactItem[] = [
    {
      Update: {
        TableName: table,
        Key: orderKey(orderId),
        UpdateExpression:
          `SET ${sets.join(', ')}` + (removes.length > 0 ? ` REMOVE ${removes.join(', ')}` : ''),
        ConditionExpression: '#version = :expected',
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      },
    },
  ];
  if (change.cancellation)
    items.push(
      put(cancellationKey(orderId, change.cancellation.cancellationId), 'Cancellation', change.cancellation),
    );
  if (change.addressChange)
    items.push(
      put(addressChangeKey(orderId, change.addressChange.changeId), 'AddressChange', change.addressChange),
    );
  if (change.refund) items.push(put(refundKey(orderId, change.refund.refundId), 'Refund', change.refund));
  if (change.returnAuthorization) {
    const { record, expectedVersion } = change.returnAuthorization;
    if (expectedVersion === undefined) {
      items.push(put(returnKey(orderId, record.returnId), 'Return', record));
      items.push(put(returnLookupKey(record.returnId), 'ReturnKey', { orderId, returnId: record.returnId }));
    } else {
      items.push({
        Put: {
          TableName: table,
          Item: { ...returnKey(orderId, record.returnId), entityType: 'Return', ...record },
          ConditionExpression: '#version = :expected',
          ExpressionAttributeNames: { '#version': 'version' },
          ExpressionAttributeValues: { ':expected': expectedVersion },
        },
      });
    }
  }

  for (let attempt = 0; ; attempt++) {
    try {
      await dynamo().send(new TransactWriteCommand({ TransactItems: items }));
      return 'ok';
    } catch (error) {
      if (!(error instanceof TransactionCanceledException)) throw error;
      const reasons = error.CancellationReasons ?? [];
      if (reasons.some((reason) => reason.Code === 'ConditionalCheckFailed')) return 'order_changed';
      const conflicted = reasons.some((reason) => reason.Code === 'TransactionConflict');
      if (!conflicted || attempt >= CONFLICT_RETRIES) throw error;
      await new Promise((resolve) => setTimeout(resolve, 20 * 2 ** attempt));
    }
  }
}

/** A channel's change as received: the outbox announces it once, and a consumer applies it. */
export interface ChannelChangeRecord {
  orderId: string;
  channelId: string;
  externalId: string;
  change: ChannelOrderChange;
  deliveryId?: string;
  receivedAt: string;
}

/**
 * Stores a channel's change once per delivery (the channel's delivery id, or the change's own
 * hash when it sends none): `duplicate` for a redelivery, which then has no second effect.
 */
export async function recordChannelChange(
  record: ChannelChangeRecord,
  changeKey: string,
): Promise<'recorded' | 'duplicate'> {
  try {
    await dynamo().send(
      new PutCommand({
        TableName: tableName(ORDERS_TABLE.envVar),
        Item: { ...channelChangeKey(record.orderId, changeKey), entityType: 'ChannelChange', ...record },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
    return 'recorded';
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return 'duplicate';
    throw error;
  }
}

/** A channel's change as stored: the consumer reads the new address here, not from the bus. */
export async function getChannelChange(
  orderId: string,
  changeKey: string,
): Promise<ChannelChangeRecord | undefined> {
  const { Item } = await dynamo().send(
    new GetCommand({
      TableName: tableName(ORDERS_TABLE.envVar),
      Key: channelChangeKey(orderId, changeKey),
      ConsistentRead: true,
    }),
  );
  if (!Item) return undefined;
  const { pk: _pk, sk: _sk, entityType: _entityType, ...record } = Item;
  return record as ChannelChangeRecord;
}
