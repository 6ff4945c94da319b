import { createHash } from 'node:crypto';
import type { DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { analyticsRowsOf } from '../analytics/rows.js';
import { analyticsEnabled, exportRows, pseudonymKey } from '../analytics/firehose-export.js';
import type { AnalyticsRow } from '../analytics/schema.js';
import { listLocations } from '../data/config-repository.js';
import { countFacts, fulfillmentOrdersCreatedAt, getOrdersById, SHARDS } from '../data/reports-repository.js';
import { factsOf, type FactContext, type ItemChange } from '../domain/reports/facts.js';
import type { Fact } from '../domain/reports/model.js';
import { withObservability } from '../shared/middleware.js';
import { image } from '../shared/stream-images.js';
import { reportsTimeZone } from './settings.js';

const REPORTED = new Set(['Order', 'FulfillmentOrder', 'Refund', 'Return']);

/**
 * reports, on the Orders stream:
 * 1. decode the changes of orders, fulfillment orders, refunds and returns (others are skipped);
 * 2. read what the facts need besides the images, once per batch: the locations' types, the
 *    orders of refunds and returns, the fulfillment orders of first routing decisions;
 * 3. count the batch's facts into the day aggregates, each fact once (reports-repository.ts), on
 *    one shard chosen from the batch, so that concurrent stream shards rarely meet on an item;
 * 4. export the changes' analytics rows to their delivery streams.
 * A failure fails the whole batch: Lambda delivers it again, the facts already counted are
 * skipped by their markers and the rows exported again carry the same versions.
 */
export async function updateReports(event: DynamoDBStreamEvent): Promise<{ batchItemFailures: [] }> {
  const changes = event.Records.flatMap(changeOf);
  if (changes.length === 0) return { batchItemFailures: [] };
  const timeZone = reportsTimeZone();
  const context = await factContextFor(changes, timeZone);
  const facts: Fact[] = changes.flatMap((change) => factsOf(change, context));
  await countFacts(facts, shardOf(event.Records), new Date());
  if (analyticsEnabled()) {
    const key = await pseudonymKey();
    const rows: AnalyticsRow[] = changes.flatMap((change) =>
      analyticsRowsOf(change, { timeZone, pseudonymKey: key }),
    );
    await exportRows(rows);
  }
  return { batchItemFailures: [] };
}

function changeOf(record: DynamoDBRecord): ItemChange[] {
  const previous = image(record.dynamodb?.OldImage);
  const current = image(record.dynamodb?.NewImage);
  const entityType = (current ?? previous)?.entityType;
  if (typeof entityType !== 'string' || !REPORTED.has(entityType)) return [];
  return [{ entityType, previous, current } as ItemChange];
}

async function factContextFor(changes: readonly ItemChange[], timeZone: string): Promise<FactContext> {
  const orderIds = changes.flatMap((change) =>
    (change.entityType === 'Refund' || change.entityType === 'Return') && change.current
      ? [change.current.orderId]
      : [],
  );
  const firstRoutings = changes.flatMap((change) => {
    if (change.entityType !== 'Order' || !change.previous || !change.current) return [];
    const before = change.previous as { routing?: unknown };
    const after = change.current as { routing?: { decidedAt: string } };
    return !before.routing && after.routing
      ? [{ orderId: change.current.orderId, at: after.routing.decidedAt }]
      : [];
  });
  const [locations, orders, routed] = await Promise.all([
    listLocations(),
    orderIds.length > 0 ? getOrdersById(orderIds) : Promise.resolve(new Map()),
    Promise.all(
      firstRoutings.map(
        async ({ orderId, at }) => [orderId, await fulfillmentOrdersCreatedAt(orderId, at)] as const,
      ),
    ),
  ]);
  const types = new Map(locations.map((location) => [location.locationId, location.type]));
  const firstRouting = new Map(routed);
  return {
    timeZone,
    locationType: (locationId) => types.get(locationId),
    order: (orderId) => orders.get(orderId),
    firstRouting: (orderId) => firstRouting.get(orderId) ?? [],
  };
}

/** The same batch always lands on the same shard; different batches spread over all of them. */
function shardOf(records: readonly DynamoDBRecord[]): number {
  const first = records[0]?.dynamodb?.SequenceNumber ?? '';
  return createHash('sha256').update(first).digest().readUInt32BE(0) % SHARDS;
}

export const handler = withObservability(updateReports);
