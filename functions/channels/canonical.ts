import { CanonicalOrder } from '../domain/order.js';
import { OMS_SIGNATURE_HEADER, verifyOmsSignature } from '../domain/signature.js';
import { parseJson, parseOrThrow } from '../domain/validation.js';
import type { ChannelAdapter, ChannelRequest } from './adapter.js';

/** The OMS's own signature, also used by channels whose payloads reach us through our tools. */
export function verifyOmsSignedRequest(
  request: ChannelRequest,
  secret: string,
  nowUnixSeconds: number,
): void {
  verifyOmsSignature({
    header: request.headers[OMS_SIGNATURE_HEADER],
    rawBody: request.rawBody,
    secret,
    nowUnixSeconds,
  });
}

/** Channels that already speak the OMS canonical format (the retailer's own apps). */
export const canonicalAdapter: ChannelAdapter = {
  format: 'canonical',
  authenticate: verifyOmsSignedRequest,
  async toCanonical(request) {
    const order = parseOrThrow(CanonicalOrder, parseJson(request.rawBody), 'order');
    return { kind: 'order', order };
  },
};
