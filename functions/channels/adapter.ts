import type { Channel } from '../domain/channel.js';
import type { Address, CanonicalOrder } from '../domain/order.js';

/**
 * The seam between channels and the OMS. One adapter per channel format: it checks that a
 * request really comes from the channel (each signs differently) and maps the channel's native
 * payload into the canonical order. Adding a channel means adding one adapter file and
 * registering it in ./index.ts (see docs/channels.md).
 */
export interface ChannelRequest {
  /** Header names lower-cased. */
  headers: Readonly<Record<string, string | undefined>>;
  /** The body exactly as received: signatures are computed over these bytes. */
  rawBody: string;
  /** The full URL the channel posted to (Square signs it with the body). */
  url: string;
}

export type AdapterResult =
  | {
      kind: 'order';
      order: CanonicalOrder;
      /** The channel's id for this delivery (e.g. X-Shopify-Event-Id), when it sends one. */
      deliveryId?: string;
      /** The native payload, kept with the order for audit. */
      raw?: unknown;
    }
  /** A well-formed request that carries no order to ingest (an activation ping, a topic we do not act on). */
  | { kind: 'ignored'; reason: string }
  /** The channel changed an order it sent before: canceled it, or gave it a new shipping address. */
  | {
      kind: 'change';
      externalId: string;
      change: ChannelOrderChange;
      deliveryId?: string;
    };

export type ChannelOrderChange =
  { type: 'cancel'; reason: string } | { type: 'shipping_address'; address: Address };

export interface ChannelAdapter {
  readonly format: string;
  /** Throws UnauthorizedError when the request is not signed with `secret`. */
  authenticate(request: ChannelRequest, secret: string, nowUnixSeconds: number): void;
  /**
   * Throws ValidationError naming the path in the native payload when it can not be mapped.
   * `channel` is the configured channel, for adapters that call the channel's API.
   */
  toCanonical(request: ChannelRequest, channel: Channel): Promise<AdapterResult>;
}
