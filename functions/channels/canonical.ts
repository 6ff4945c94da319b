import { CanonicalOrder } from '../domain/order.js';
import { OMS_SIGNATURE_HEADER, verifyOmsSignature } from '../domain/signature.js';
import { parseJson, parseOrThrow } from '../domain/validation.js';
import type { ChannelAdapter } from './adapter.js';

/** Channels that already speak the OMS canonical format (the retailer's own apps). */
export const canonicalAdapter: ChannelAdapter = {
  format: 'canonical',
  authenticate(request, secret, nowUnixSeconds) {
    verifyOmsSignature({
      header: request.headers[OMS_SIGNATURE_HEADER],
      rawBody: request.rawBody,
      secret,
      nowUnixSeconds,
    });
  },
  async toCanonical(request) {
    const order = parseOrThrow(CanonicalOrder, parseJson(request.rawBody), 'order');
    return { kind: 'order', order };
  },
};
