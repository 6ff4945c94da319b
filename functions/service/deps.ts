import type { Actor } from '../domain/access.js';
import type { Channel } from '../domain/channel.js';
import type { Movement } from '../domain/inventory/movement.js';
import type { Location } from '../domain/location.js';
import type { Order } from '../domain/order.js';
import type { Product, RuleSet } from '../domain/routing/index.js';
import type { StockLevel } from '../domain/stock.js';
import type { OrderAggregate, ServiceChange, ServiceChangeResult } from '../data/service-repository.js';
import type { ReturnAuthorization } from '../domain/service/records.js';

/**
 * What the customer-service use cases need from the outside, as one small interface: the
 * handlers pass the repositories (service-api.ts), the tests pass fakes or the real ones.
 */
export interface ServiceDeps {
  getOrderAggregate(orderId: string): Promise<OrderAggregate | undefined>;
  getReturnAuthorization(returnId: string): Promise<ReturnAuthorization | undefined>;
  getChannel(channelId: string): Promise<Channel | undefined>;
  commitServiceChange(change: ServiceChange): Promise<ServiceChangeResult>;
  locationExists(locationId: string): Promise<boolean>;
  /** Applies a stock movement once (a retry with the same id and payload is a replay). */
  recordMovement(movement: Movement, actor: Actor): Promise<unknown>;
  /**
   * Stores a new order (an exchange's replacement) once per (channel, externalId), as the ingest
   * does; the outbox announces it to the router. Answers the id of the order that holds the key.
   */
  createOrder(order: Order): Promise<{ orderId: string }>;
  routingSources(skus: readonly string[]): Promise<{
    ruleSet: RuleSet;
    locations: Location[];
    products: Record<string, Product>;
    stockLevels: StockLevel[];
  }>;
  newId(): string;
  now(): Date;
}

/**
 * Cancellations also change fulfillment orders: through the fulfillment side's own changes
 * (functions/data/fulfillment-changes.ts), which give the stock and capacity back with the
 * fulfillment order and the order's derived status in one transaction each.
 */
export interface CancelDeps extends ServiceDeps {
  /** Gives units of a fulfillment order no location has started back: it ends CANCELED once empty. */
  releaseLines(
    fulfillmentOrderId: string,
    release: { reason: string; lines: { lineId: string; quantity: number }[] },
    actor: Actor,
  ): Promise<void>;
  /** Asks the location of a started fulfillment order to cancel these units (it accepts or refuses). */
  requestCancel(
    fulfillmentOrderId: string,
    request: { reason: string; lines: { lineId: string; quantity: number }[] },
    actor: Actor,
  ): Promise<void>;
}

/** Who is acting, from the token, and what their role allows beyond the route's own check. */
export interface ServiceCaller {
  actor: Actor;
  /** Throws ForbiddenError when the caller may not act at these locations. */
  mayActAt(locationIds: readonly string[]): void;
}

/** A change that lost the race to another is decided again this many times, then answered 409. */
export const MAX_ATTEMPTS = 4;
