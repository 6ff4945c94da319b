import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { OrderStatus } from '../domain/order.js';
import { PLACED_DAY_SHARDS, placedDayPartition } from '../domain/order-index.js';
import { previousDay, toOrderSummary, type OrderSummary, type SearchWindow } from '../domain/order-search.js';
import { ORDERS_TABLE } from '../../lib/tables.js';
import { decodeCursor, encodeCursor } from './cursors.js';
import { dynamo, tableName } from './dynamo.js';
import { PLACED_DAY_INDEX, toOrder } from './order-items.js';

export interface OrderSearch {
  window: SearchWindow;
  limit: number;
  status?: OrderStatus;
  channelId?: string;
  /** customerKey() of the email or phone asked for. */
  customerKey?: string;
  cursor?: string;
}

export interface OrderPage {
  orders: OrderSummary[];
  /** Absent on the last page. */
  next?: string;
}

/**
 * Queries one request may make before it answers with what it found and a cursor: enough for the
 * default window's 31 days of PLACED_DAY_SHARDS shards in one request (an empty partition costs
 * one read unit and a few milliseconds, the shards of a day are read in parallel); a longer
 * window, or filters that match few orders among many, go on over several pages.
 */
const MAX_QUERIES = 32 * PLACED_DAY_SHARDS;

/** Sorts after every character of a placed-day sort key: the top of a day (`<day>~`). */
const TOP = '~';

/**
 * Orders placed in the window, newest first, narrowed by status and channel (filters: each page
 * reads a bounded number of index entries whatever they match). A customer's orders come from
 * the byCustomer index; all others from the placed-day index (docs/architecture.md).
 */
export async function findOrders(search: OrderSearch): Promise<OrderPage> {
  return search.customerKey !== undefined
    ? findByCustomer(search, search.customerKey)
    : findByPlacedDay(search);
}

/**
 * The placed-day index holds each UTC day in PLACED_DAY_SHARDS partitions. A page walks the days
 * back from a position (a sort key, exclusive; the cursor) and reads every shard of a day from
 * there, a few entries each, in parallel. Each shard's entries come newest first, so everything
 * above the highest point where a shard stopped early is known from all shards: that part is
 * merged, and the next round starts at that point. A day no shard has more of gives way to the
 * day before, down to the window's start.
 */
async function findByPlacedDay(search: OrderSearch): Promise<OrderPage> {
  const lower = search.window.from;
  const firstDay = lower.slice(0, 10);
  let position = placedPosition(search);
  const found: Record<string, unknown>[] = [];
  for (let queries = 0; queries < MAX_QUERIES; queries += PLACED_DAY_SHARDS) {
    const day = position.slice(0, 10);
    if (day < firstDay) return pageOf(found);
    const need = search.limit - found.length;
    const perShard = Math.ceil((2 * need) / PLACED_DAY_SHARDS) + 1;
    const reads = await Promise.all(
      Array.from({ length: PLACED_DAY_SHARDS }, (_, shard) =>
        queryShard(placedDayPartition(day, shard), position, perShard, search),
      ),
    );
    const stops = reads.flatMap((read) =>
      read.stoppedAt !== undefined && read.stoppedAt >= lower ? [read.stoppedAt] : [],
    );
    const boundary = stops.length > 0 ? stops.reduce((high, stop) => (stop > high ? stop : high)) : undefined;
    const known = reads
      .flatMap((read) => read.items)
      .filter((item) => sortKeyOf(item) >= lower && (boundary === undefined || sortKeyOf(item) >= boundary))
      .sort((a, b) => (sortKeyOf(a) < sortKeyOf(b) ? 1 : -1));
    if (known.length >= need) {
      found.push(...known.slice(0, need));
      const more = known.length > need || boundary !== undefined || day > firstDay;
      return pageOf(found, more ? sortKeyOf(found.at(-1)!) : undefined);
    }
    found.push(...known);
    position = boundary ?? `${previousDay(day)}${TOP}`;
  }
  return pageOf(found, position.slice(0, 10) < firstDay ? undefined : position);
}

/** Where a page starts: the cursor's position, else the top of the window. */
function placedPosition(search: OrderSearch): string {
  const { from, to } = search.window;
  const top = `${to}#${TOP}`;
  const key = decodeCursor(search.cursor, ['placedSort'], ({ placedSort }) => {
    const day = placedSort!.slice(0, 10);
    return (
      /^\d{4}-\d{2}-\d{2}(~|T\S+#\S+)$/.test(placedSort!) && day >= from.slice(0, 10) && placedSort! <= top
    );
  });
  return key?.placedSort ?? top;
}

async function queryShard(
  partition: string,
  before: string,
  limit: number,
  search: OrderSearch,
): Promise<{ items: Record<string, unknown>[]; stoppedAt?: string }> {
  const filter = filterOf(search);
  const page = await dynamo().send(
    new QueryCommand({
      TableName: tableName(ORDERS_TABLE.envVar),
      IndexName: PLACED_DAY_INDEX,
      KeyConditionExpression: 'placedDay = :day AND placedSort < :before',
      ScanIndexForward: false,
      Limit: limit,
      ...(filter.expression && { FilterExpression: filter.expression }),
      ...(Object.keys(filter.names).length > 0 && { ExpressionAttributeNames: filter.names }),
      ExpressionAttributeValues: { ':day': partition, ':before': before, ...filter.values },
    }),
  );
  const stoppedAt = page.LastEvaluatedKey?.placedSort;
  return { items: page.Items ?? [], ...(typeof stoppedAt === 'string' && { stoppedAt }) };
}

const BY_CUSTOMER_KEY = ['pk', 'sk', 'customerKey', 'placedAt'] as const;

/**
 * A customer's orders from the byCustomer index, newest first. placedAt keeps each channel's UTC
 * offset, so the index range is a day wider on each side and the window is applied on the parsed
 * instants; a page may hold fewer orders than the limit, `next` goes on.
 */
async function findByCustomer(search: OrderSearch, customerKey: string): Promise<OrderPage> {
  const { from, to } = search.window;
  const low = new Date(Date.parse(from) - 86_400_000).toISOString();
  const high = new Date(Date.parse(to) + 86_400_000).toISOString();
  const filter = filterOf(search, ['entityType = :order']);
  let start = decodeCursor(
    search.cursor,
    BY_CUSTOMER_KEY,
    (key) =>
      key.customerKey === customerKey &&
      key.placedAt! >= low &&
      key.placedAt! <= high &&
      key.pk!.startsWith('ORDER#') &&
      key.sk === 'ORDER',
  ) as Record<string, unknown> | undefined;
  const found: Record<string, unknown>[] = [];
  for (let queries = 0; queries < MAX_QUERIES && found.length < search.limit; queries++) {
    const page = await dynamo().send(
      new QueryCommand({
        TableName: tableName(ORDERS_TABLE.envVar),
        IndexName: 'byCustomer',
        KeyConditionExpression: 'customerKey = :customer AND placedAt BETWEEN :low AND :high',
        ScanIndexForward: false,
        Limit: search.limit - found.length,
        FilterExpression: filter.expression,
        ...(Object.keys(filter.names).length > 0 && { ExpressionAttributeNames: filter.names }),
        ExpressionAttributeValues: {
          ':customer': customerKey,
          ':low': low,
          ':high': high,
          ':order': 'Order',
          ...filter.values,
        },
        ExclusiveStartKey: start,
      }),
    );
    found.push(
      ...(page.Items ?? []).filter((item) => {
        const placed = Date.parse(String(item.placedAt));
        return placed >= Date.parse(from) && placed <= Date.parse(to);
      }),
    );
    start = page.LastEvaluatedKey;
    if (!start) break;
  }
  return {
    orders: found.map((item) => toOrderSummary(toOrder(item))),
    ...(start && { next: encodeCursor(start) }),
  };
}

function filterOf(search: OrderSearch, always: readonly string[] = []) {
  const conditions = [...always];
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  if (search.status !== undefined) {
    conditions.push('#status = :status');
    names['#status'] = 'status';
    values[':status'] = search.status;
  }
  if (search.channelId !== undefined) {
    conditions.push('channelId = :channel');
    values[':channel'] = search.channelId;
  }
  return { expression: conditions.join(' AND '), names, values };
}

function sortKeyOf(item: Record<string, unknown>): string {
  return String(item.placedSort);
}

function pageOf(found: readonly Record<string, unknown>[], position?: string): OrderPage {
  return {
    orders: found.map((item) => toOrderSummary(toOrder(item))),
    ...(position !== undefined && { next: encodeCursor({ placedSort: position }) }),
  };
}
