import type { ChannelOrderChange } from '../channels/adapter.js';
import { contentHash } from '../domain/hash.js';
import type { IngestResult } from '../ingest/ingest-channel-request.js';
import type { ChannelChangeRecord } from '../data/service-repository.js';

export interface AcceptChannelChangeDeps {
  findOrderId(channelId: string, externalId: string): Promise<string | undefined>;
  recordChannelChange(record: ChannelChangeRecord, changeKey: string): Promise<'recorded' | 'duplicate'>;
  now(): Date;
}

/**
 * Takes a channel's change to an order it sent before (Shopify orders/cancelled, orders/updated)
 * off the webhook, so the channel is answered at once and the change is applied with retries:
 * 1. an order the OMS never received is ignored (200, so the channel stops retrying);
 * 2. the change is stored once per delivery (a redelivery is ignored); the outbox announces it
 *    (ChannelOrderChangeReceived) and apply-channel-changes applies it from its queue.
 */
export async function acceptChannelChange(
  deps: AcceptChannelChangeDeps,
  args: { channelId: string; externalId: string; change: ChannelOrderChange; deliveryId?: string },
): Promise<IngestResult> {
  const orderId = await deps.findOrderId(args.channelId, args.externalId);
  if (!orderId)
    return {
      kind: 'ignored',
      reason: `No order ${args.externalId} of channel ${args.channelId} was received.`,
    };
  const changeKey = args.deliveryId ?? contentHash(args.change);
  const stored = await deps.recordChannelChange(
    {
      orderId,
      channelId: args.channelId,
      externalId: args.externalId,
      change: args.change,
      ...(args.deliveryId !== undefined && { deliveryId: args.deliveryId }),
      receivedAt: deps.now().toISOString(),
    },
    changeKey,
  );
  if (stored === 'duplicate') return { kind: 'ignored', reason: 'This change was received before.' };
  return { kind: 'changed', orderId, status: 'CHANGE_ACCEPTED' };
}
