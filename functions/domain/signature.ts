import { createHmac, timingSafeEqual } from 'node:crypto';
import { UnauthorizedError } from './errors.js';

/**
 * The OMS's own webhook signature for channels that post canonical orders:
 * `x-oms-signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>`.
 * Signing the timestamp with the body stops replays outside the tolerance window; several v1
 * values may be sent while a secret is being rotated (the Stripe convention).
 */
export const OMS_SIGNATURE_HEADER = 'x-oms-signature';
export const SIGNATURE_TOLERANCE_SECONDS = 300;

export function signOmsPayload(secret: string, rawBody: string, unixSeconds: number): string {
  const digest = createHmac('sha256', secret).update(`${unixSeconds}.${rawBody}`).digest('hex');
  return `t=${unixSeconds},v1=${digest}`;
}

export interface SignatureCheck {
  header: string | undefined;
  rawBody: string;
  secret: string;
  nowUnixSeconds: number;
  toleranceSeconds?: number;
}

export function verifyOmsSignature(args: SignatureCheck): void {
  verifyTimestampedSignature({ ...args, headerName: OMS_SIGNATURE_HEADER });
}

/**
 * The `t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>` scheme, which the OMS
 * uses for its own channels and Shippo for its webhooks; `headerName` only names the header in
 * the errors. One implementation, so a fix (a timing leak, a parsing gap) reaches both.
 */
export function verifyTimestampedSignature(args: SignatureCheck & { headerName: string }): void {
  const { header, rawBody, secret, nowUnixSeconds, headerName } = args;
  const toleranceSeconds = args.toleranceSeconds ?? SIGNATURE_TOLERANCE_SECONDS;
  if (!header) throw new UnauthorizedError(`Missing ${headerName} header.`);

  const parts = header.split(',').map((part) => part.trim().split('=', 2) as [string, string | undefined]);
  const timestamp = parts.find(([key]) => key === 't')?.[1];
  const candidates = parts
    .filter(([key, value]) => key === 'v1' && value !== undefined && /^[0-9a-f]{64}$/i.test(value))
    .map(([, value]) => value as string);
  if (!timestamp || !/^\d+$/.test(timestamp) || candidates.length === 0) {
    throw new UnauthorizedError(`Malformed ${headerName} header: expected t=<unix seconds>,v1=<hex>.`);
  }
  if (Math.abs(nowUnixSeconds - Number(timestamp)) > toleranceSeconds) {
    throw new UnauthorizedError(`Signature timestamp is outside the ±${toleranceSeconds} s window.`);
  }

  const expected = createHmac('sha256', secret).update(`${timestamp}.${rawBody}`).digest();
  const matches = candidates.some((candidate) => {
    const given = Buffer.from(candidate, 'hex');
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
  if (!matches) throw new UnauthorizedError('Signature does not match the body.');
}
