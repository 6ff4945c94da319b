import { ConflictError } from '../domain/errors.js';
import { newOrder } from '../domain/new-order.js';
import type { CanonicalOrder, Order } from '../domain/order.js';
import type { CreateOrderResult, ReceivedPayload } from '../data/orders-repository.js';

export interface ReceiveOrderDeps {
  createOrder(order: Order, received?: ReceivedPayload): Promise<CreateOrderResult>;
  newId(): string;
  now(): Date;
}

export type ReceiveOrderResult = { orderId: string; created: boolean; order?: Order };

/**
 * Receives a validated order from a channel:
 * 1. builds the OMS record (status RECEIVED, totals reconciled, customer key, payload hash);
 * 2. stores it together with its (channel, externalId) key and the payload as received, once;
 * 3. a repeated delivery (same key, or same channel delivery id) returns the order already
 *    stored; the same key with a different payload is a conflict the channel must resolve
 *    (ConflictError).
 * The OrderReceived event is not sent here: the Orders stream outbox publishes it.
 */
export async function receiveOrder(
  deps: ReceiveOrderDeps,
  input: {
    channelId: string;
    canonical: CanonicalOrder;
    defaultCountry?: string;
    received?: ReceivedPayload;
  },
): Promise<ReceiveOrderResult> {
  const order = newOrder({
    canonical: input.canonical,
    channelId: input.channelId,
    orderId: deps.newId(),
    now: deps.now().toISOString(),
    ...(input.defaultCountry && { defaultCountry: input.defaultCountry }),
  });
  const result = await deps.createOrder(order, input.received);
  if (result.created) return { orderId: order.orderId, created: true, order };
  if ('redelivery' in result) return { orderId: result.redelivery.orderId, created: false };
  if (result.existing.payloadHash !== order.payloadHash) {
    throw new ConflictError(
      `Order ${input.canonical.externalId} of channel ${input.channelId} was already received with different content.`,
      { orderId: result.existing.orderId, externalId: input.canonical.externalId },
    );
  }
  return { orderId: result.existing.orderId, created: false };
}
