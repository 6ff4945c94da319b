import type { ChannelOrderChange } from '../channels/adapter.js';
import { ConflictError } from '../domain/errors.js';
import { contentHash } from '../domain/hash.js';
import type { ChangedBy } from '../domain/service/records.js';
import type { IngestResult } from '../ingest/ingest-channel-request.js';
import { cancelOrder } from './cancel-order.js';
import { changeShippingAddress } from './change-address.js';
import type { CancelDeps } from './deps.js';

export interface ChannelChangeDeps extends CancelDeps {
  findOrderId(channelId: string, externalId: string): Promise<string | undefined>;
}

/**
 * Applies a change a channel sent for an order it sent before (Shopify orders/cancelled and
 * orders/updated), as customer service would, recorded as the channel's:
 * 1. an order the OMS never received is ignored (200, so the channel stops retrying);
 * 2. a cancellation cancels every unit not canceled yet (cancel-order.ts); one already canceled,
 *    or one whose goods have left, is answered "ignored" with the reason, so that a redelivery
 *    has no second effect and the channel is not told to retry what can not happen;
 * 3. an update applies its shipping address only when it differs from the order's (most updates
 *    are about something else), and not once anything has shipped.
 */
export async function applyChannelChange(
  deps: ChannelChangeDeps,
  args: { channelId: string; externalId: string; change: ChannelOrderChange; deliveryId?: string },
): Promise<IngestResult> {
  const orderId = await deps.findOrderId(args.channelId, args.externalId);
  if (!orderId)
    return {
      kind: 'ignored',
      reason: `No order ${args.externalId} of channel ${args.channelId} was received.`,
    };
  const by: ChangedBy = {
    type: 'channel',
    channelId: args.channelId,
    ...(args.deliveryId !== undefined && { deliveryId: args.deliveryId }),
  };
  try {
    if (args.change.type === 'cancel') {
      await cancelOrder(deps, orderId, { reason: args.change.reason }, by);
      return { kind: 'changed', orderId, status: 'CANCELED' };
    }
    const aggregate = await deps.getOrderAggregate(orderId);
    const current = aggregate?.order.shippingAddress;
    if (current && contentHash(current) === contentHash(args.change.address))
      return { kind: 'ignored', reason: 'The shipping address is unchanged.' };
    await changeShippingAddress(
      deps,
      orderId,
      { address: args.change.address, reason: 'changed in the channel' },
      by,
    );
    return { kind: 'changed', orderId, status: 'ADDRESS_CHANGED' };
  } catch (error) {
    if (error instanceof ConflictError) return { kind: 'ignored', reason: error.message };
    throw error;
  }
}
