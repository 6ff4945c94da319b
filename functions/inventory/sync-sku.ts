import {
  computeAggregate,
  knownChannelIds,
  type ChannelScope,
  type InventoryAggregate,
} from '../domain/inventory/aggregate.js';
import { backorderRetry, decideSync, withDecision, type Outbox } from '../domain/inventory/sync.js';
import type { InventoryProduct } from '../domain/inventory/product.js';
import {
  clearOutbox,
  findBackorderedOrderIds,
  getAggregateState,
  getStockItems,
  saveSync,
} from '../data/inventory-repository.js';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { PendingEvent } from '../shared/event-publisher.js';
import { metrics } from '../shared/observability.js';

/** What a sync needs besides the SKU's stock, loaded once per batch. */
export interface SyncContext {
  /** Publishes events and returns those that could not be published. */
  publish(pending: PendingEvent[]): Promise<PendingEvent[]>;
  locations: readonly ChannelScope[];
  configuredChannelIds: readonly string[];
  product(sku: string): Promise<InventoryProduct>;
  now(): string;
}

/** A concurrent sync of the same SKU (another stream shard) wrote first: recompute and try again. */
const MAX_ATTEMPTS = 5;

/**
 * Brings a SKU's derived counts up to date with its stock items:
 * 1. read the stored aggregate (first: a write after this read makes our save fail, never win);
 * 2. read every stock item of the SKU and recompute the aggregate from them;
 * 3. if a count changed, save the new aggregate with its events in its outbox (conditional on
 *    the version read in 1), plus the channel feed entries and the replenishment line;
 * 4. publish the outbox (and backorder retries), then clear it.
 * Recomputing from the items is what makes duplicates and replays harmless.
 */
export async function syncSku(sku: string, context: SyncContext): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    const { aggregate: previous, outbox: pending } = await getAggregateState(sku);
    const product = await context.product(sku);
    const levels = await getStockItems(sku, product.hot ? product.shards : 1);
    const next = computeAggregate({
      sku,
      levels,
      locations: context.locations,
      channelIds: knownChannelIds(context.configuredChannelIds, context.locations),
      reorderPoint: product.reorderPoint,
      channelBuffers: product.channelBuffers,
    });
    const decision = decideSync({ previous, next, product, levels, now: context.now() });
    if (!decision) return previous ? flush(previous, pending, context) : undefined;
    const outbox = withDecision(pending, decision);
    if (await saveSync(decision, outbox, previous?.version)) {
      // Counted when decided (saved once), not when published (an outbox may be published again).
      const stockOuts = decision.events.filter((event) => event.detailType === 'OutOfStock').length;
      if (stockOuts > 0) metrics.addMetric('StockOuts', MetricUnit.Count, stockOuts);
      return flush(decision.aggregate, outbox, context);
    }
    if (attempt >= MAX_ATTEMPTS)
      throw new Error(`The aggregate of "${sku}" kept changing; the record will be retried.`);
  }
}

async function flush(aggregate: InventoryAggregate, outbox: Outbox, context: SyncContext): Promise<void> {
  if (outbox.events.length === 0 && !outbox.retryBackorders) return;
  const retries = outbox.retryBackorders
    ? (await findBackorderedOrderIds(aggregate.sku)).map((orderId) => backorderRetry(orderId, aggregate))
    : [];
  const pending = [...outbox.events, ...retries].map((domainEvent) => ({
    recordId: aggregate.sku,
    domainEvent,
  }));
  const failed = await context.publish(pending);
  if (failed.length > 0) {
    metrics.addMetric('EventPublishFailures', MetricUnit.Count, failed.length);
    throw new Error(`${failed.length} event(s) of "${aggregate.sku}" were not published.`);
  }
  await clearOutbox(aggregate.sku, aggregate.version);
}
