import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { getProducts } from '../data/routing-repository.js';
import { listWaitingPreorders } from '../data/preorders-repository.js';
import type { DomainEvent } from '../domain/events.js';
import type { Product } from '../domain/routing/index.js';
import { preorderSkus, releasedPreorders, type WaitingPreorder } from '../domain/routing/rerouting.js';
import { publishEvents } from '../shared/event-publisher.js';
import { withObservability } from '../shared/middleware.js';
import { logger } from '../shared/observability.js';
import { traced } from '../shared/tracing.js';

export interface ReleaseDeps {
  listWaitingPreorders(): Promise<WaitingPreorder[]>;
  getProducts(skus: readonly string[]): Promise<Record<string, Product>>;
  /** Publishes the events; answers those the bus did not take. */
  publish(events: DomainEvent[]): Promise<DomainEvent[]>;
  now(): Date;
}

export interface ReleaseReport {
  waiting: number;
  released: string[];
}

/**
 * The hourly release of pre-orders (schedule ReleasePreorders):
 * 1. reads the orders waiting with pre-order lines (BACKORDERED or PARTIALLY_ROUTED);
 * 2. reads their products, and keeps the orders with a line whose release date has come;
 * 3. publishes PreorderReleased for each, which the RouteOrders rule puts on the routing queue:
 *    the router routes the released lines (a partial retry for a PARTIALLY_ROUTED order).
 * An event the bus refuses fails the run, and the next hour's run finds the order again; an order
 * released twice is routed once (its version).
 */
export async function releasePreorders(deps: ReleaseDeps): Promise<ReleaseReport> {
  const waiting = await deps.listWaitingPreorders();
  const skus = [...new Set(waiting.flatMap((order) => preorderSkus(order.unplaced)))];
  if (skus.length === 0) return { waiting: waiting.length, released: [] };
  const products = await deps.getProducts(skus);
  const events = releasedPreorders(waiting, products, deps.now().toISOString());
  const failed = events.length > 0 ? await deps.publish(events) : [];
  if (failed.length > 0) {
    throw new Error(`${failed.length} of ${events.length} PreorderReleased events were not published.`);
  }
  const released = events.map((event) => event.detail.orderId);
  logger.info('Pre-orders released', { waiting: waiting.length, released });
  return { waiting: waiting.length, released };
}

const eventBridge = traced(new EventBridgeClient({}));

export const releaseDeps: ReleaseDeps = {
  listWaitingPreorders,
  getProducts,
  publish: async (events) =>
    (
      await publishEvents(
        eventBridge,
        events.map((domainEvent) => ({ recordId: domainEvent.detail.eventId, domainEvent })),
      )
    ).map((pending) => pending.domainEvent),
  now: () => new Date(),
};

export const handler = withObservability(() => releasePreorders(releaseDeps));
