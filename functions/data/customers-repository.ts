import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  GetCommand,
  PutCommand,
  TransactWriteCommand,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { identifierDigest, type Identifier, type LinkPlan } from '../domain/customers/identity.js';
import type {
  CustomerProfile,
  ErasureRecord,
  IdentityLink,
  MergeRecord,
  OrderLink,
} from '../domain/customers/records.js';
import type { Order } from '../domain/order.js';
import { IDEMPOTENCY_TABLE, ORDERS_TABLE } from '../../lib/tables.js';
import { dynamo, tableName } from './dynamo.js';
import { toOrder } from './order-items.js';
import { orderKey } from './orders-repository.js';
import { queryAll, scanPages } from './paging.js';

/**
 * Customers, in the Orders table beside the orders they are built from:
 *   CUSTOMER#<customerId> / PROFILE              the customer: version, merges, erasure (no personal data)
 *   CUSTOMER#<customerId> / IDENTITY#<digest>    an identifier, with the order that brought it
 *   CUSTOMER#<customerId> / ORDER#<orderId>      an order of theirs
 *   CUSTOMER#<customerId> / MERGE#<customerId>   a customer found to be this one, and by which order
 *   CUSTOMER#<customerId> / ERASURE#<erasureId>  an erasure of their personal data, and who asked
 *   IDENTITY#<digest> / KEY                      which customer an identifier belongs to
 *   ORDER#<orderId> / CUSTOMER                   which customer an order was linked to, once
 * Identifiers are keyed by their SHA-256 digest (functions/domain/customers/identity.ts).
 */
const customerPk = (customerId: string) => `CUSTOMER#${customerId}`;
const profileKey = (customerId: string) => ({ pk: customerPk(customerId), sk: 'PROFILE' });
const identityKey = (digest: string) => ({ pk: `IDENTITY#${digest}`, sk: 'KEY' });
const orderCustomerKey = (orderId: string) => ({ pk: orderKey(orderId).pk, sk: 'CUSTOMER' });

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];
type Item = Record<string, unknown>;

const orders = () => tableName(ORDERS_TABLE.envVar);

const strip = (item: Item) => {
  const { pk: _pk, sk: _sk, entityType: _entityType, ...record } = item;
  return record;
};

async function get(key: { pk: string; sk: string }): Promise<Item | undefined> {
  const { Item } = await dynamo().send(
    new GetCommand({ TableName: orders(), Key: key, ConsistentRead: true }),
  );
  return Item;
}

/** The order, and the customer it was already linked to (a redelivered message links nothing twice). */
export async function getOrderForLinking(
  orderId: string,
): Promise<{ order: Order; linkedTo?: string } | undefined> {
  const [order, link] = await Promise.all([get(orderKey(orderId)), get(orderCustomerKey(orderId))]);
  if (!order) return undefined;
  return { order: toOrder(order), ...(link && { linkedTo: String(link.customerId) }) };
}

export async function findIdentityOwner(identifier: Identifier): Promise<string | undefined> {
  const item = await get(identityKey(identifierDigest(identifier)));
  return item ? String(item.customerId) : undefined;
}

export async function getCustomerProfile(customerId: string): Promise<CustomerProfile | undefined> {
  const item = await get(profileKey(customerId));
  return item ? (strip(item) as unknown as CustomerProfile) : undefined;
}

/** One customer's own items (not those of the customers merged into it). */
export interface CustomerPartition {
  profile: CustomerProfile;
  identities: IdentityLink[];
  orders: OrderLink[];
  merges: MergeRecord[];
  erasures: ErasureRecord[];
}

export async function getCustomerPartition(customerId: string): Promise<CustomerPartition | undefined> {
  const items = await readPartition(customerPk(customerId));
  const profile = items.find((item) => item.entityType === 'Customer');
  if (!profile) return undefined;
  const of = <T>(entityType: string) =>
    items.filter((item) => item.entityType === entityType).map((item) => strip(item) as T);
  return {
    profile: strip(profile) as unknown as CustomerProfile,
    identities: of<IdentityLink>('CustomerIdentity'),
    orders: of<OrderLink>('CustomerOrder'),
    merges: of<MergeRecord>('CustomerMerge'),
    erasures: of<ErasureRecord>('CustomerErasure'),
  };
}

/** Every item of an order's partition, as stored (the export shows them, the erasure rewrites them). */
export async function getOrderPartition(orderId: string): Promise<Item[]> {
  return readPartition(orderKey(orderId).pk);
}

/** Every item of a partition of the Orders table, read consistently. */
function readPartition(pk: string): Promise<Item[]> {
  return queryAll({
    TableName: orders(),
    KeyConditionExpression: 'pk = :pk',
    ExpressionAttributeValues: { ':pk': pk },
    ConsistentRead: true,
  });
}

export interface LinkCommit {
  plan: LinkPlan;
  order: Pick<Order, 'orderId' | 'channelId' | 'placedAt'>;
  /** The profiles the plan was made from, at the versions read. */
  profiles: ReadonlyMap<string, CustomerProfile>;
  now: string;
}

/**
 * Links the order to its customer in one transaction: the customer created, or its version
 * moved on (merged customers pointed at the survivor, each on the version read), new
 * identifiers claimed on condition nobody holds them, and the order's link written on condition
 * it has none. `conflict` when anything changed since it was read: the caller reads again.
 */
export async function commitLink({ plan, order, profiles, now }: LinkCommit): Promise<'ok' | 'conflict'> {
  const table = orders();
  const { customerId } = plan;
  const items: TransactItem[] = [];
  if (plan.kind === 'create') {
    const profile: CustomerProfile = {
      customerId,
      createdAt: now,
      updatedAt: now,
      version: 1,
      mergedFrom: [],
    };
    items.push({
      Put: {
        TableName: table,
        Item: { ...profileKey(customerId), entityType: 'Customer', ...profile },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    });
  } else {
    const merged = plan.kind === 'merge' ? plan.merged : [];
    items.push(
      versionUpdate(table, profiles, customerId, now, merged.length > 0 ? { mergedFrom: merged } : {}),
    );
    for (const mergedCustomerId of merged) {
      items.push(versionUpdate(table, profiles, mergedCustomerId, now, { mergedInto: customerId }));
      const record: MergeRecord = {
        customerId,
        mergedCustomerId,
        orderId: order.orderId,
        channelId: order.channelId,
        mergedAt: now,
      };
      items.push({
        Put: {
          TableName: table,
          Item: {
            pk: customerPk(customerId),
            sk: `MERGE#${mergedCustomerId}`,
            entityType: 'CustomerMerge',
            ...record,
          },
        },
      });
    }
  }
  for (const identifier of plan.newIdentifiers) {
    const digest = identifierDigest(identifier);
    items.push({
      Put: {
        TableName: table,
        Item: { ...identityKey(digest), entityType: 'IdentityKey', customerId },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    });
    const link: IdentityLink = {
      ...identifier,
      customerId,
      orderId: order.orderId,
      channelId: order.channelId,
      linkedAt: now,
    };
    items.push({
      Put: {
        TableName: table,
        Item: {
          pk: customerPk(customerId),
          sk: `IDENTITY#${digest}`,
          entityType: 'CustomerIdentity',
          ...link,
        },
      },
    });
  }
  const orderLink: OrderLink = {
    customerId,
    orderId: order.orderId,
    channelId: order.channelId,
    placedAt: order.placedAt,
    linkedAt: now,
  };
  items.push(
    {
      Put: {
        TableName: table,
        Item: {
          pk: customerPk(customerId),
          sk: `ORDER#${order.orderId}`,
          entityType: 'CustomerOrder',
          ...orderLink,
        },
      },
    },
    {
      Put: {
        TableName: table,
        Item: { ...orderCustomerKey(order.orderId), entityType: 'OrderCustomer', customerId, linkedAt: now },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    },
  );
  try {
    await dynamo().send(new TransactWriteCommand({ TransactItems: items }));
    return 'ok';
  } catch (error) {
    if (error instanceof TransactionCanceledException) return 'conflict';
    throw error;
  }
}

function versionUpdate(
  table: string,
  profiles: ReadonlyMap<string, CustomerProfile>,
  customerId: string,
  now: string,
  change: { mergedFrom?: string[]; mergedInto?: string },
): TransactItem {
  const profile = profiles.get(customerId);
  if (!profile) throw new Error(`The plan names customer ${customerId}, whose profile was not read.`);
  const sets = ['version = :next', 'updatedAt = :now'];
  const values: Item = { ':expected': profile.version, ':next': profile.version + 1, ':now': now };
  if (change.mergedFrom) {
    sets.push('mergedFrom = list_append(mergedFrom, :merged)');
    values[':merged'] = change.mergedFrom;
  }
  if (change.mergedInto) {
    sets.push('mergedInto = :into');
    values[':into'] = change.mergedInto;
  }
  return {
    Update: {
      TableName: table,
      Key: profileKey(customerId),
      UpdateExpression: `SET ${sets.join(', ')}`,
      // A customer merged away or erased meanwhile takes no more links: the caller reads again.
      ConditionExpression:
        'version = :expected AND attribute_not_exists(mergedInto) AND attribute_not_exists(erasure)',
      ExpressionAttributeValues: values,
    },
  };
}

/**
 * An item of an order's partition rewritten with tombstones. The order itself is written on
 * condition of the version read, and moves to the next one, so a writer holding the order as it
 * was can not put the personal data back.
 */
export async function putScrubbed(item: Item, readVersion?: number): Promise<void> {
  const isOrder = item.entityType === 'Order' && readVersion !== undefined;
  await dynamo().send(
    new PutCommand({
      TableName: orders(),
      Item: isOrder ? { ...item, version: readVersion + 1 } : item,
      ...(isOrder && {
        ConditionExpression: 'version = :version',
        ExpressionAttributeValues: { ':version': readVersion },
      }),
    }),
  );
}

/**
 * Deletes the customer's identifiers (their links and the keys that resolve them) and records
 * the erasure on the profile and as its own item. After it, an order with the same email starts
 * a new customer: the OMS no longer knows the old one by it.
 */
export async function recordErasure(
  erasure: ErasureRecord,
  identities: readonly IdentityLink[],
): Promise<void> {
  const table = orders();
  for (const identity of identities) {
    const digest = identifierDigest(identity);
    await dynamo().send(new DeleteCommand({ TableName: table, Key: identityKey(digest) }));
    await dynamo().send(
      new DeleteCommand({
        TableName: table,
        Key: { pk: customerPk(identity.customerId), sk: `IDENTITY#${digest}` },
      }),
    );
  }
  await dynamo().send(
    new PutCommand({
      TableName: table,
      Item: {
        pk: customerPk(erasure.customerId),
        sk: `ERASURE#${erasure.erasureId}`,
        entityType: 'CustomerErasure',
        ...erasure,
      },
    }),
  );
  for (const customerId of erasure.customerIds) {
    await dynamo().send(
      new PutCommand({
        TableName: table,
        Item: {
          ...(await get(profileKey(customerId))),
          erasure,
          updatedAt: erasure.erasedAt,
        },
        ConditionExpression: 'attribute_exists(pk)',
      }),
    );
  }
}

/**
 * The Idempotency table's items about these orders: remembered answers of fulfillment actions and
 * channel updates, whose stored responses may quote the order. Their keys are digests, so they
 * are found by content; the table only holds a day or so of them (they expire), which keeps the
 * scan small. Deleted outright: they are operational, not records the books need.
 */
export async function deleteIdempotencyItemsAbout(orderIds: readonly string[]): Promise<number> {
  if (orderIds.length === 0) return 0;
  const table = tableName(IDEMPOTENCY_TABLE.envVar);
  const values = Object.fromEntries(orderIds.map((orderId, index) => [`:o${index}`, orderId]));
  const filter = Object.keys(values)
    .map((name) => `contains(id, ${name}) OR contains(#data, ${name})`)
    .join(' OR ');
  let deleted = 0;
  for await (const page of scanPages({
    TableName: table,
    FilterExpression: filter,
    ExpressionAttributeNames: { '#data': 'data' },
    ExpressionAttributeValues: values,
    ProjectionExpression: 'id',
  })) {
    for (const item of page.Items ?? []) {
      await dynamo().send(new DeleteCommand({ TableName: table, Key: { id: item.id } }));
      deleted += 1;
    }
  }
  return deleted;
}
