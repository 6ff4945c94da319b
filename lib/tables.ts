import { SUMMARY_ATTRIBUTES } from '../functions/domain/order-index.js';

/**
 * The tables, defined once as plain data: the CDK stack (lib/stateful.ts) and the local runtime
 * (lib/local/dynamodb.ts) both build their tables from this list, so what runs on a laptop has
 * the same keys, indexes and streams as what runs in AWS. No CDK import here on purpose: the
 * local runtime must not pay for loading aws-cdk-lib.
 */
export interface KeyAttribute {
  name: string;
  type: 'S' | 'N';
}

export interface TableDefinition {
  /** Logical name, also the construct id in CDK. */
  id: 'Orders' | 'Inventory' | 'Config' | 'Idempotency' | 'Reports';
  /** Environment variable through which functions receive the physical table name. */
  envVar: string;
  partitionKey: KeyAttribute;
  sortKey?: KeyAttribute;
  globalSecondaryIndexes?: {
    indexName: string;
    partitionKey: KeyAttribute;
    sortKey?: KeyAttribute;
    /** Non-key attributes the index holds (INCLUDE); absent, it holds every attribute (ALL). */
    projectedAttributes?: readonly string[];
  }[];
  stream?: 'NEW_AND_OLD_IMAGES';
  timeToLiveAttribute?: string;
}

const pk: KeyAttribute = { name: 'pk', type: 'S' };
const sk: KeyAttribute = { name: 'sk', type: 'S' };

export const ORDERS_TABLE: TableDefinition = {
  id: 'Orders',
  envVar: 'ORDERS_TABLE',
  partitionKey: pk,
  sortKey: sk,
  globalSecondaryIndexes: [
    // Orders by customer across channels, newest first (one view of the customer).
    {
      indexName: 'byCustomer',
      partitionKey: { name: 'customerKey', type: 'S' },
      sortKey: { name: 'placedAt', type: 'S' },
    },
    // Orders waiting for stock, for the backorder retry: sparse, only BACKORDERED and
    // PARTIALLY_ROUTED orders carry `backorderShard` (functions/data/order-items.ts), spread over
    // a few partitions so that a sold-out flash sale's backorders do not pile onto one.
    {
      indexName: 'backordersWaiting',
      partitionKey: { name: 'backorderShard', type: 'S' },
      sortKey: { name: 'updatedAt', type: 'S' },
    },
    // Orders by the UTC day they were placed, newest first (GET /v1/orders): a partition per day
    // and shard (`ORDERS#<day>#<n>`), so that no key takes every new order. It holds what a
    // summary shows, so that writes of anything else on the order do not write it.
    {
      indexName: 'byPlacedDay',
      partitionKey: { name: 'placedDay', type: 'S' },
      sortKey: { name: 'placedSort', type: 'S' },
      projectedAttributes: SUMMARY_ATTRIBUTES,
    },
    // A fulfillment order by its id alone (GET /v1/fulfillment-orders/{id} and its actions).
    { indexName: 'byFulfillmentOrder', partitionKey: { name: 'fulfillmentOrderId', type: 'S' } },
    // A location's work in one status, oldest first (functions/data/work-queue.ts). Sparse:
    // PENDING fulfillment orders carry no workQueue. CloudFormation adds one index per stack
    // update to an existing table: deploy these in separate updates (docs/deploy.md).
    {
      indexName: 'byWorkQueue',
      partitionKey: { name: 'workQueue', type: 'S' },
      sortKey: { name: 'workSince', type: 'S' },
    },
    // Open fulfillment work by due-by, oldest first: sparse, only items carrying `openWork`
    // (set while a location still owes the work, removed when it leaves), for the SLA listing.
    // A third index: one more stack update on an existing table (docs/deploy.md).
    {
      indexName: 'openWorkByDueBy',
      partitionKey: { name: 'openWork', type: 'S' },
      sortKey: { name: 'dueBy', type: 'S' },
    },
  ],
  stream: 'NEW_AND_OLD_IMAGES',
  // Raw channel payloads and channel delivery keys expire (functions/data/retention.ts).
  timeToLiveAttribute: 'expiration',
};

export const INVENTORY_TABLE: TableDefinition = {
  id: 'Inventory',
  envVar: 'INVENTORY_TABLE',
  partitionKey: pk,
  sortKey: sk,
  globalSecondaryIndexes: [
    // Stock per location, for GET /v1/locations/{id}/inventory.
    {
      indexName: 'byLocation',
      partitionKey: { name: 'locationId', type: 'S' },
      sortKey: { name: 'sku', type: 'S' },
    },
  ],
  stream: 'NEW_AND_OLD_IMAGES',
};

export const CONFIG_TABLE: TableDefinition = {
  id: 'Config',
  envVar: 'CONFIG_TABLE',
  partitionKey: pk,
  sortKey: sk,
};

/** The Powertools idempotency persistence layer's default attribute names. */
export const IDEMPOTENCY_TABLE: TableDefinition = {
  id: 'Idempotency',
  envVar: 'IDEMPOTENCY_TABLE',
  partitionKey: { name: 'id', type: 'S' },
  timeToLiveAttribute: 'expiration',
};

/**
 * Report aggregates per day (sharded) and the markers of the facts counted into them
 * (functions/data/reports-repository.ts). No stream: nothing reacts to a report changing. The
 * markers expire once no replay can bring their record back (`expiresAt`).
 */
export const REPORTS_TABLE: TableDefinition = {
  id: 'Reports',
  envVar: 'REPORTS_TABLE',
  partitionKey: pk,
  sortKey: sk,
  timeToLiveAttribute: 'expiresAt',
};

export const TABLES: readonly TableDefinition[] = [
  ORDERS_TABLE,
  INVENTORY_TABLE,
  CONFIG_TABLE,
  IDEMPOTENCY_TABLE,
  REPORTS_TABLE,
];
