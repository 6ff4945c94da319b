import { ConflictError, NotFoundError } from '../domain/errors.js';
import { contentHash } from '../domain/hash.js';
import { CanonicalOrder, type Order } from '../domain/order.js';
import { reconcileTotals } from '../domain/totals.js';
import { DEFAULT_RETURN_WINDOW_DAYS, authorizeReturn, receiveReturn } from '../domain/service/returns.js';
import { lifecycleOf } from '../domain/service/fulfillment-view.js';
import { refundFor } from '../domain/service/refunds.js';
import {
  byActor,
  type CreateReturnBody,
  type ReceiveReturnBody,
  type ReturnAuthorization,
  type StoredRefund,
} from '../domain/service/records.js';
import { MAX_ATTEMPTS, type ServiceCaller, type ServiceDeps } from './deps.js';

/** Roles that may take a return past the channel's window. */
const WINDOW_OVERRIDERS = ['customer_service', 'admin'];

/**
 * Authorizes a return of delivered or picked-up units, whatever channel sold them:
 * 1. loads the order with its fulfillment orders and earlier returns (404);
 * 2. checks the units and the channel's return window (returns.ts: 400, 409, 422, or 403 for an
 *    override by someone who may not);
 * 3. stores the authorization with the order's version moved on, so two agents authorizing at
 *    once can not both take the same units; the loser decides again.
 */
export async function createReturn(
  deps: ServiceDeps,
  body: CreateReturnBody,
  caller: ServiceCaller,
): Promise<ReturnAuthorization> {
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    const aggregate = await deps.getOrderAggregate(body.orderId);
    if (!aggregate) throw new NotFoundError(`There is no order "${body.orderId}".`);
    const channel = await deps.getChannel(aggregate.order.channelId);
    const now = deps.now().toISOString();
    const authorization = authorizeReturn(
      aggregate.order,
      aggregate.fulfillmentOrders.map(lifecycleOf),
      aggregate.returns,
      body,
      {
        returnId: deps.newId(),
        now,
        by: byActor(caller.actor),
        returnWindowDays: channel?.returnWindowDays ?? DEFAULT_RETURN_WINDOW_DAYS,
        mayOverrideWindow: WINDOW_OVERRIDERS.includes(caller.actor.role),
      },
    );
    const result = await deps.commitServiceChange({
      order: aggregate.order,
      now,
      returnAuthorization: { record: authorization },
    });
    if (result === 'ok') return authorization;
  }
  throw new ConflictError(`Order ${body.orderId} kept changing; try again.`);
}

/**
 * Receives returned units at any location ("buy online, return in store"):
 * 1. loads the return (404); the caller must be allowed at the location (403), which must exist (404);
 * 2. checks the units against what the return still expects (409);
 * 3. puts each line's resellable units back into that location's stock with a receipt movement
 *    (on-hand up, so availability and the channels' counts follow through the Inventory stream);
 *    the movement id is derived from the return and the receipt's number, so a retry after a
 *    crash applies it once; damaged units are written off (recorded on the receipt, never stocked);
 * 4. once every unit is back, an exchange's replacement lines become a linked new order, which
 *    the outbox announces and the router routes like any other;
 * 5. records the refund of the units received (none for an exchange: the replacement takes their
 *    place) and the receipt, with the order's version moved on.
 */
export async function receiveReturnedGoods(
  deps: ServiceDeps,
  returnId: string,
  body: ReceiveReturnBody,
  caller: ServiceCaller,
): Promise<{ authorization: ReturnAuthorization; refund?: StoredRefund }> {
  caller.mayActAt([body.locationId]);
  if (!(await deps.locationExists(body.locationId)))
    throw new NotFoundError(`There is no location "${body.locationId}".`);
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    const stored = await deps.getReturnAuthorization(returnId);
    if (!stored) throw new NotFoundError(`There is no return "${returnId}".`);
    const aggregate = await deps.getOrderAggregate(stored.orderId);
    if (!aggregate) throw new NotFoundError(`There is no order "${stored.orderId}".`);
    const now = deps.now().toISOString();
    const by = byActor(caller.actor);
    const received = receiveReturn(stored, body, { receiptId: `R${stored.receipts.length + 1}`, now, by });
    // Decided before anything is written: a refund that can not be recorded stops the receipt here.
    const refund = stored.replacements
      ? undefined
      : refundFor({
          order: aggregate.order,
          cause: 'return',
          sourceId: returnId,
          lines: received.receipt.lines,
          previous: aggregate.refunds,
          shipping: false,
          refundId: deps.newId(),
          now,
          by,
        });
    for (const line of received.receipt.lines) {
      if (!line.movementId) continue;
      await deps.recordMovement(
        {
          type: 'receipt',
          movementId: line.movementId,
          who: caller.actor.sub || caller.actor.role,
          sku: line.sku,
          locationId: body.locationId,
          quantity: line.quantity,
          reference: `return ${returnId}`,
        },
        caller.actor,
      );
    }
    let authorization = received.authorization;
    if (authorization.status === 'RECEIVED' && authorization.replacements && !authorization.exchangeOrderId) {
      const { orderId } = await deps.createOrder(
        replacementOrder(aggregate.order, authorization, { orderId: deps.newId(), now }),
      );
      authorization = { ...authorization, exchangeOrderId: orderId };
    }
    if (refund) {
      authorization = {
        ...authorization,
        receipts: authorization.receipts.map((receipt) =>
          receipt.receiptId === received.receipt.receiptId
            ? { ...receipt, refundId: refund.refundId }
            : receipt,
        ),
      };
    }
    const result = await deps.commitServiceChange({
      order: aggregate.order,
      now,
      returnAuthorization: { record: authorization, expectedVersion: stored.version },
      ...(refund && { refund }),
    });
    if (result === 'ok') return { authorization, ...(refund && { refund }) };
  }
  throw new ConflictError(`Return ${returnId} kept changing; try again.`);
}

/**
 * The exchange's new order: the replacement lines, at no charge, to the original customer and
 * address, as the ingest would store it (status RECEIVED, totals reconciled, payload hashed), so
 * that the outbox announces it and the router routes it like any other. The customer key is the
 * original order's: it is the same customer.
 */
function replacementOrder(
  order: Order,
  authorization: ReturnAuthorization,
  ids: { orderId: string; now: string },
): Order {
  const canonical = CanonicalOrder.parse({
    externalId: `EX-${authorization.returnId}`,
    placedAt: ids.now,
    currency: order.currency,
    ...(order.customer && { customer: order.customer }),
    ...(order.shippingAddress && { shippingAddress: order.shippingAddress }),
    ...(order.billingAddress && { billingAddress: order.billingAddress }),
    fulfillment: order.fulfillment,
    lines: (authorization.replacements ?? []).map((line, index) => ({
      lineId: `X${index + 1}`,
      sku: line.sku,
      quantity: line.quantity,
      unitPrice: 0,
    })),
    tags: ['exchange'],
    note: `Exchange for order ${order.orderId}, return ${authorization.returnId}.`,
  });
  return {
    ...canonical,
    orderId: ids.orderId,
    channelId: order.channelId,
    status: 'RECEIVED',
    receivedAt: ids.now,
    updatedAt: ids.now,
    version: 1,
    payloadHash: contentHash(canonical),
    reconciliation: reconcileTotals(canonical),
    ...(order.customerKey !== undefined && { customerKey: order.customerKey }),
  };
}
