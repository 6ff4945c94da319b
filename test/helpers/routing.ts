import type { SQSBatchResponse } from 'aws-lambda';
import { ulid } from 'ulid';
import { createOrder } from '../../functions/data/orders-repository.js';
import type { CanonicalOrderInput, Order } from '../../functions/domain/order.js';
import type { RoutingPlan } from '../../functions/domain/routing/index.js';
import { routeOrders } from '../../functions/routing/route-orders.js';
import { anOrder } from './records.js';
import { aRoutingMessage, anSqsEvent } from './routing-messages.js';

/**
 * Arrangements for the router's integration tests on DynamoDB Local: orders stored the way
 * ingest stores them, and messages delivered the way the routing queue delivers them.
 */

export interface StoredOrderArgs {
  lines: { sku: string; quantity: number }[];
  channelId?: string;
  placedAt?: string;
  customer?: CanonicalOrderInput['customer'];
  shippingAddress?: CanonicalOrderInput['shippingAddress'];
}

/** A RECEIVED order for these lines (to the Lisbon customer of the contract example), stored by createOrder. */
export async function aStoredOrder(args: StoredOrderArgs): Promise<Order> {
  const orderId = ulid();
  const order = anOrder(
    { orderId, ...(args.channelId && { channelId: args.channelId }) },
    {
      externalId: `EXT-${orderId}`,
      lines: args.lines.map((line, index) => ({ lineId: String(index + 1), unitPrice: 1000, ...line })),
      totals: undefined,
      ...(args.placedAt && { placedAt: args.placedAt }),
      ...(args.customer && { customer: args.customer }),
      ...(args.shippingAddress && { shippingAddress: args.shippingAddress }),
    },
  );
  const result = await createOrder(order);
  if (!result.created) throw new Error(`order ${orderId} was not created: ${JSON.stringify(result)}`);
  return order;
}

/** `count` stored orders of the same lines, a few at a time, as channels would send them. */
export async function storedOrders(count: number, args: StoredOrderArgs, inParallel = 20): Promise<Order[]> {
  const orders: Order[] = [];
  while (orders.length < count) {
    const wave = Math.min(inParallel, count - orders.length);
    orders.push(...(await Promise.all(Array.from({ length: wave }, () => aStoredOrder(args)))));
  }
  return orders;
}

/** For commits that exercise reservations alone: the plan only feeds the order's routing record. */
export function aPlanWithoutShipments(): RoutingPlan {
  return {
    outcome: 'routed',
    ruleSetId: 'test',
    ruleSetVersion: 1,
    fulfillmentOrders: [],
    unplaced: [],
    explanation: { strategiesTried: [], candidates: [], decision: [] },
  };
}

/**
 * Runs `attempt` again when it throws, as the queue delivers a message again when routing threw
 * (TransactionConflict retries spent), up to `deliveries` times; counts the redeliveries.
 */
export async function routeAsTheQueueWould<T>(
  attempt: () => Promise<T>,
  counter: { redeliveries: number } = { redeliveries: 0 },
  deliveries = 10,
): Promise<T> {
  for (let delivery = 1; ; delivery++) {
    try {
      return await attempt();
    } catch (error) {
      if (delivery >= deliveries) throw error;
      counter.redeliveries += 1;
    }
  }
}

/** The routing queue's messages, by kind, as the bus rule puts them there. */
export const routingMessages = {
  orderReceived: (orderId: string) => aRoutingMessage('OrderReceived', { version: '1', orderId }, ulid()),
  backorderRetry: (orderId: string, sku: string) =>
    aRoutingMessage('BackorderRetry', { version: '1', orderId, sku }, ulid()),
  fulfillmentOrderRejected: (orderId: string, fulfillmentOrderId: string, reason?: string) =>
    aRoutingMessage(
      'FulfillmentOrderRejected',
      { version: '1', orderId, fulfillmentOrderId, ...(reason && { reason }) },
      ulid(),
    ),
};

/** Delivers messages in one batch to the router's queue consumer, the production handler's code. */
export function deliverToRouter(
  ...messages: ReturnType<typeof aRoutingMessage>[]
): Promise<SQSBatchResponse> {
  return routeOrders(anSqsEvent(...messages));
}
