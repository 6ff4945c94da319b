import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { isOpenWork } from '../domain/fulfillment/promise.js';
import { OPEN_WORK_PARTITIONS, openWorkPartitionOf } from '../domain/fulfillment/open-work-shards.js';
import { ORDERS_TABLE } from '../../lib/tables.js';
import { dynamo, tableName } from './dynamo.js';
import { decodeCursor, encodeCursor } from './cursors.js';
import { queryPages } from './paging.js';

/**
 * The SLA's view of fulfillment orders: the sparse index `openWorkByDueBy` (lib/tables.ts) holds
 * exactly those a location still owes (`openWork` set), sorted by `dueBy`. Every writer of a
 * fulfillment order's status keeps the attribute in step (`openWorkAttribute` on a put, REMOVE
 * when the work leaves the open states), so reading overdue work never scans finished work.
 * The attribute names one of OPEN_WORK_SHARDS partitions (`OPEN#<n>`, by the fulfillment order's
 * id), so that no single index partition takes every open fulfillment order's writes
 * (functions/domain/fulfillment/open-work-shards.ts); the readers merge them all.
 */
export const OPEN_WORK_ATTRIBUTE = 'openWork';
export const OPEN_WORK_INDEX = 'openWorkByDueBy';

/** The attribute that puts a fulfillment order in the index: only open work with a due-by. */
export function openWorkAttribute(fo: { fulfillmentOrderId: string; status: string; dueBy?: string }): {
  openWork?: string;
} {
  return fo.dueBy !== undefined && (isOpenWork(fo.status) || fo.status === 'PENDING')
    ? { openWork: openWorkPartitionOf(fo.fulfillmentOrderId) }
    : {};
}

export interface OverdueFulfillmentOrder {
  fulfillmentOrderId: string;
  orderId: string;
  locationId: string;
  kind: string;
  status: string;
  dueBy: string;
  promisedBy?: string;
  createdAt: string;
}

export interface OverduePage {
  items: OverdueFulfillmentOrder[];
  nextCursor?: string;
}

type IndexKey = Record<string, string>;

/** One partition's part of a page: where it stands, what was read and not yet listed. */
interface PartitionRead {
  partition: string;
  /** Its place in the merge order: the legacy partition, last, sorts last among equal due-bys. */
  rank: number;
  /** The last key listed (or passed over) in this partition; undefined at its top. */
  position?: IndexKey;
  unlisted: Record<string, unknown>[];
  /** DynamoDB's last evaluated key while the partition has more past `unlisted`. */
  stop?: IndexKey;
}

/**
 * Reading more rounds than this in one request answers with what it has and a cursor. A round
 * reads a page's worth from each partition, so a second one only happens when the status filter
 * dropped entries (PENDING work), and rarely a third.
 */
const MAX_ROUNDS = 4;

/** A partition's cursor position at its top (the cursor holds every partition's). */
const TOP = '-';

/**
 * Open work whose due-by is before `now`, the most overdue first, merged over every partition
 * of the index: by due-by, then by partition, each partition in its own index order. The cursor
 * holds each partition's position, so every item is listed exactly once.
 */
export async function listOverdueFulfillmentOrders(options: {
  now: string;
  limit: number;
  cursor?: string;
}): Promise<OverduePage> {
  const positions = decodePositions(options.cursor, options.now);
  const reads: PartitionRead[] = OPEN_WORK_PARTITIONS.map((partition, rank) => ({
    partition,
    rank,
    ...(positions[rank] && { position: positions[rank] }),
    unlisted: [],
  }));
  await Promise.all(reads.map((read) => readOn(read, options.now, options.limit)));
  const listed: Record<string, unknown>[] = [];
  for (let round = 1; listed.length < options.limit;) {
    const next = earliest(reads);
    // A partition that has more but nothing read may hold an item that comes before `next`.
    const unknown = reads.filter(
      (read) => read.unlisted.length === 0 && read.stop && (!next || !comesBefore(next, read)),
    );
    if (unknown.length > 0) {
      if (round++ === MAX_ROUNDS) break;
      await Promise.all(unknown.map((read) => readOn(read, options.now, options.limit - listed.length)));
      continue;
    }
    if (!next) break;
    const item = next.unlisted.shift()!;
    next.position = indexKeyOf(item);
    listed.push(item);
  }
  const more = reads.some((read) => read.unlisted.length > 0 || read.stop);
  return {
    items: listed.map(toOverdue),
    ...(more && { nextCursor: encodePositions(reads) }),
  };
}

/**
 * The open work of one partition due before `now`. Fulfillment orders a large commit has not
 * announced yet (PENDING) share the index for a moment and are left out.
 */
const overdueQuery = (partition: string, now: string) => ({
  TableName: tableName(ORDERS_TABLE.envVar),
  IndexName: OPEN_WORK_INDEX,
  KeyConditionExpression: '#open = :open AND dueBy < :now',
  FilterExpression: '#status <> :pending',
  ExpressionAttributeNames: { '#open': OPEN_WORK_ATTRIBUTE, '#status': 'status' },
  ExpressionAttributeValues: { ':open': partition, ':now': now, ':pending': 'PENDING' },
});

/** Reads the partition's next entries after everything it has listed or passed over. */
async function readOn(read: PartitionRead, now: string, limit: number): Promise<void> {
  if (read.stop) read.position = read.stop;
  const page = await dynamo().send(
    new QueryCommand({
      ...overdueQuery(read.partition, now),
      Limit: limit,
      ExclusiveStartKey: read.position,
    }),
  );
  read.unlisted = page.Items ?? [];
  if (page.LastEvaluatedKey) read.stop = page.LastEvaluatedKey as IndexKey;
  else delete read.stop;
}

/** The partition whose next item comes first in the merge order. */
function earliest(reads: readonly PartitionRead[]): PartitionRead | undefined {
  let first: PartitionRead | undefined;
  for (const read of reads) {
    if (read.unlisted.length === 0) continue;
    if (!first || String(read.unlisted[0]!.dueBy) < String(first.unlisted[0]!.dueBy)) first = read;
  }
  return first;
}

/** Whether `next`'s item comes before anything `other` has past its stop (due-by, then rank). */
function comesBefore(next: PartitionRead, other: PartitionRead): boolean {
  const dueBy = String(next.unlisted[0]!.dueBy);
  const otherDueBy = other.stop!.dueBy!;
  return dueBy < otherDueBy || (dueBy === otherDueBy && next.rank < other.rank);
}

function indexKeyOf(item: Record<string, unknown>): IndexKey {
  return {
    pk: String(item.pk),
    sk: String(item.sk),
    [OPEN_WORK_ATTRIBUTE]: String(item[OPEN_WORK_ATTRIBUTE]),
    dueBy: String(item.dueBy),
  };
}

function toOverdue(item: Record<string, unknown>): OverdueFulfillmentOrder {
  return {
    fulfillmentOrderId: String(item.fulfillmentOrderId),
    orderId: String(item.orderId),
    locationId: String(item.locationId),
    kind: String(item.kind),
    status: String(item.status),
    dueBy: String(item.dueBy),
    ...(item.promisedBy !== undefined && { promisedBy: String(item.promisedBy) }),
    createdAt: String(item.createdAt),
  };
}

/**
 * The cursor: for each partition (by rank) its due-by, pk and sk, or TOP for one not read into
 * yet; the partition itself is implied by the rank, so a cursor can not point into another.
 */
const CURSOR_ATTRIBUTES = OPEN_WORK_PARTITIONS.flatMap((_, rank) => [`d${rank}`, `p${rank}`, `s${rank}`]);

function encodePositions(reads: readonly PartitionRead[]): string {
  return encodeCursor(
    Object.fromEntries(
      reads.flatMap((read) => {
        const at = read.unlisted.length === 0 && read.stop ? read.stop : read.position;
        return [
          [`d${read.rank}`, at?.dueBy ?? TOP],
          [`p${read.rank}`, at?.pk ?? TOP],
          [`s${read.rank}`, at?.sk ?? TOP],
        ];
      }),
    ),
  );
}

/**
 * Each partition's position from a cursor this query could have issued: a fulfillment order's
 * key inside the query's range (due-by before `now`), or TOP. Anything else is a 400.
 */
function decodePositions(cursor: string | undefined, now: string): (IndexKey | undefined)[] {
  const fields = decodeCursor(cursor, CURSOR_ATTRIBUTES, (fields) =>
    OPEN_WORK_PARTITIONS.every((_, rank) => {
      const [dueBy, pk, sk] = [fields[`d${rank}`]!, fields[`p${rank}`]!, fields[`s${rank}`]!];
      if (dueBy === TOP || pk === TOP || sk === TOP) return dueBy === TOP && pk === TOP && sk === TOP;
      return dueBy < now && pk.startsWith('ORDER#') && sk.startsWith('FO#');
    }),
  );
  return OPEN_WORK_PARTITIONS.map((partition, rank) =>
    fields && fields[`d${rank}`] !== TOP
      ? {
          pk: fields[`p${rank}`]!,
          sk: fields[`s${rank}`]!,
          [OPEN_WORK_ATTRIBUTE]: partition,
          dueBy: fields[`d${rank}`]!,
        }
      : undefined,
  );
}

/** How many open fulfillment orders are overdue at `now`: counted from the index's keys only. */
export async function countOverdueFulfillmentOrders(now: string): Promise<number> {
  const counts = await Promise.all(OPEN_WORK_PARTITIONS.map((partition) => countOn(partition, now)));
  return counts.reduce((sum, count) => sum + count, 0);
}

async function countOn(partition: string, now: string): Promise<number> {
  let count = 0;
  for await (const page of queryPages({ ...overdueQuery(partition, now), Select: 'COUNT' })) {
    count += page.Count ?? 0;
  }
  return count;
}
