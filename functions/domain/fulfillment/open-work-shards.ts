import { shardOf } from '../shards.js';

/**
 * The partitions of the SLA's sparse index `openWorkByDueBy` (lib/tables.ts, docs/scale.md "Hot
 * keys"). One index partition takes about 1,000 write units a second, and a fulfillment order
 * writes its index entry about 5 times while it is open (created, accepted, picked, packed, and
 * the removal when it ships), each under 1 KB: 5 units per fulfillment order. At the 1,000
 * orders a second of issue #13 that is 5,000 writes a second, which 8 partitions take at 62 % of
 * their limit; they saturate at 1,600 single-shipment orders a second, above the table's own
 * write quota (bin/scale-model.ts). Orders split over locations write once per fulfillment order:
 * raise the count if they become the rule.
 */
export const OPEN_WORK_SHARDS = 8;

/**
 * The one partition every open fulfillment order shared before the index was sharded. Items
 * written then keep it until their next write (no backfill runs), so the readers read it too.
 */
export const LEGACY_OPEN_WORK_PARTITION = 'OPEN';

export const openWorkPartition = (shard: number) => `OPEN#${shard}`;

/** A fulfillment order's partition: stable, so every writer of the order puts it in the same one. */
export const openWorkPartitionOf = (fulfillmentOrderId: string) =>
  openWorkPartition(shardOf(fulfillmentOrderId, OPEN_WORK_SHARDS));

/** Every partition the readers merge, the legacy one last. */
export const OPEN_WORK_PARTITIONS: readonly string[] = [
  ...Array.from({ length: OPEN_WORK_SHARDS }, (_, shard) => openWorkPartition(shard)),
  LEGACY_OPEN_WORK_PARTITION,
];
