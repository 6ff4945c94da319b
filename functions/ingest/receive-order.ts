import { ConflictError } from '../domain/errors.js';
import { newOrder } from '../domain/new-order.js';
import type { CanonicalOrder, Order } from '../domain/order.js';
import type { CreateOrderResult } from '../data/orders-repository.js';

export interface ReceiveOrderDeps {
  createOrder(order: Order): Promise<CreateOrderResult>;
  newId(): string;
  now(): Date;
}

export type ReceiveOrderResult = { orderId: string; created: boolean; order?: Order };

/**
 * Receives a validated order from a channel:
 * 1. builds the OMS record (status RECEIVED, totals reconciled, customer key, payload hash);
 * 2. stores it together with its (channel, externalId) key, once;
 * 3. a repeated delivery returns the order that holds the key; the same key with a different
 *    payload is a conflict the channel must resolve (ConflictError).
 * The OrderReceived event is not sent here: the Orders stream outbox publishes it.
 */
export async function receiveOrder(
  deps: ReceiveOrderDeps,
  input: { channelId: string; canonical: CanonicalOrder; defaultCountry?: string },
): Promise<ReceiveOrderResult> {
  const order = newOrder({
    canonical: input.canonical,
    channelId: input.channelId,
    orderId: deps.newId(),
    now: deps.now().toISOString(),
    ...(input.defaultCountry && { defaultCountry: input.defaultCountry }),
  });
  const result = await deps.createOrder(order);
  if (result.created) return { orderId: order.orderId, created: true, order };
  if (result.existing.payloadHash !== order.payloadHash) {
    throw new ConflictError(
      `Order ${input.canonical.externalId} of channel ${input.channelId} was already received with different content.`,
      { orderId: result.existing.orderId, externalId: input.canonical.externalId },
    );
  }
  return { orderId: result.existing.orderId, created: false };
}
