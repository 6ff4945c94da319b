import type { ChannelAdapter, ChannelOrderChange, ChannelRequest } from '../channels/adapter.js';
import type { Channel } from '../domain/channel.js';
import { NotFoundError } from '../domain/errors.js';
import { identifier, MAX_KEY_IDENTIFIER } from '../domain/text.js';
import { parseOrThrow } from '../domain/validation.js';
import { receiveOrder, type ReceiveOrderDeps } from './receive-order.js';

export interface IngestDeps extends ReceiveOrderDeps {
  getChannel(channelId: string): Promise<Channel | undefined>;
  adapterFor(format: string): ChannelAdapter | undefined;
  resolveSecret(name: string): Promise<string | undefined>;
  /** Takes a channel's change to an order it sent before (functions/service/accept-channel-change.ts). */
  applyChannelChange(args: {
    channelId: string;
    externalId: string;
    change: ChannelOrderChange;
    deliveryId?: string;
  }): Promise<IngestResult>;
}

export type IngestResult =
  | { kind: 'ignored'; reason: string }
  | { kind: 'order'; orderId: string; created: boolean }
  /** CHANGE_ACCEPTED: taken off the webhook, applied from a queue; the others: applied. */
  | { kind: 'changed'; orderId: string; status: 'CHANGE_ACCEPTED' | 'CANCELED' | 'ADDRESS_CHANGED' };

/**
 * Takes a request a channel posted:
 * 1. finds the channel (404 when unknown or inactive) and its adapter and signing secret;
 * 2. authenticates the request the channel's way (401) before reading anything from it;
 * 3. maps the native payload to the canonical order (400 naming the native path), or answers
 *    that there is nothing to ingest (an activation ping, a topic we do not act on);
 * 4. stores the order once, with the payload as received and the channel's delivery id;
 *    a change to an order sent before (a cancellation, a new address) is applied to it instead.
 */
export async function ingestChannelRequest(
  deps: IngestDeps,
  input: { channelId: string; request: ChannelRequest },
): Promise<IngestResult> {
  const channel = await deps.getChannel(input.channelId);
  if (!channel?.active) throw new NotFoundError(`There is no active channel "${input.channelId}".`);
  const adapter = deps.adapterFor(channel.format);
  const secret = await deps.resolveSecret(channel.secretName);
  if (!adapter || !secret)
    throw new Error(`Channel ${channel.channelId} is misconfigured (format or secret missing).`);

  adapter.authenticate(input.request, secret, Math.floor(deps.now().getTime() / 1000));
  const mapped = await adapter.toCanonical(input.request, channel);
  if (mapped.kind === 'ignored') return mapped;
  if (mapped.kind === 'change') {
    return deps.applyChannelChange({
      channelId: channel.channelId,
      externalId: mapped.externalId,
      change: mapped.change,
      ...(mapped.deliveryId !== undefined && { deliveryId: mapped.deliveryId }),
    });
  }

  // A delivery id keys an item of its own; a header or payload field can be of any length.
  const deliveryId =
    mapped.deliveryId === undefined
      ? undefined
      : parseOrThrow(identifier(MAX_KEY_IDENTIFIER), mapped.deliveryId, 'channel delivery id', 'deliveryId');
  const result = await receiveOrder(deps, {
    channelId: channel.channelId,
    canonical: mapped.order,
    received: { rawBody: input.request.rawBody, format: channel.format, ...(deliveryId && { deliveryId }) },
    ...(channel.defaultCountry && { defaultCountry: channel.defaultCountry }),
  });
  return { kind: 'order', orderId: result.orderId, created: result.created };
}
