import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { UnauthorizedError } from '../../../functions/domain/errors.js';
import {
  SIGNATURE_TOLERANCE_SECONDS,
  signOmsPayload,
  verifyOmsSignature,
} from '../../../functions/domain/signature.js';

const SECRET = 'whsec-test';
const NOW = 1_795_000_000;
const BODY = JSON.stringify({ externalId: 'W-1001', currency: 'EUR' });

/** Verifies like the canonical adapter does, with the clock at NOW unless said otherwise. */
function verify(
  header: string | undefined,
  overrides: { rawBody?: string; secret?: string; now?: number } = {},
) {
  verifyOmsSignature({
    header,
    rawBody: overrides.rawBody ?? BODY,
    secret: overrides.secret ?? SECRET,
    nowUnixSeconds: overrides.now ?? NOW,
  });
}

const v1Of = (header: string) => header.split('v1=')[1]!;

describe('signOmsPayload', () => {
  it('signs "<t>.<raw body>" with HMAC-SHA256 as hex, prefixed by the timestamp', () => {
    const expected = createHmac('sha256', SECRET).update(`${NOW}.${BODY}`).digest('hex');

    expect(signOmsPayload(SECRET, BODY, NOW)).toBe(`t=${NOW},v1=${expected}`);
  });
});

describe('verifyOmsSignature', () => {
  it('accepts a body signed with the secret just now', () => {
    expect(() => verify(signOmsPayload(SECRET, BODY, NOW))).not.toThrow();
  });

  it('accepts a header with spaces after the commas', () => {
    expect(() => verify(signOmsPayload(SECRET, BODY, NOW).replace(',', ', '))).not.toThrow();
  });

  it(`accepts signatures up to ${SIGNATURE_TOLERANCE_SECONDS} s old or early, and not one second more`, () => {
    const tolerance = SIGNATURE_TOLERANCE_SECONDS;

    expect(() => verify(signOmsPayload(SECRET, BODY, NOW - tolerance))).not.toThrow();
    expect(() => verify(signOmsPayload(SECRET, BODY, NOW + tolerance))).not.toThrow();
    expect(() => verify(signOmsPayload(SECRET, BODY, NOW - tolerance - 1))).toThrow(/window/);
    expect(() => verify(signOmsPayload(SECRET, BODY, NOW + tolerance + 1))).toThrow(/window/);
  });

  it('accepts any of several v1 values, so a secret can be rotated without downtime', () => {
    const withOldSecret = v1Of(signOmsPayload('old-secret', BODY, NOW));
    const withNewSecret = v1Of(signOmsPayload(SECRET, BODY, NOW));

    expect(() => verify(`t=${NOW},v1=${withOldSecret},v1=${withNewSecret}`)).not.toThrow();
    expect(() => verify(`t=${NOW},v1=${withNewSecret},v1=${withOldSecret}`)).not.toThrow();
    expect(() => verify(`t=${NOW},v1=${withOldSecret}`)).toThrow(/does not match/);
  });

  it('rejects a body changed after signing', () => {
    const header = signOmsPayload(SECRET, BODY, NOW);

    expect(() => verify(header, { rawBody: BODY.replace('W-1001', 'W-1002') })).toThrow(UnauthorizedError);
  });

  it('rejects a signature made with another secret', () => {
    expect(() => verify(signOmsPayload('not-the-secret', BODY, NOW))).toThrow(/does not match/);
  });

  it('rejects a signature whose timestamp was changed to look fresh', () => {
    const stale = signOmsPayload(SECRET, BODY, NOW - 3600);

    expect(() => verify(stale.replace(`t=${NOW - 3600}`, `t=${NOW}`))).toThrow(/does not match/);
  });

  it('rejects a missing header', () => {
    expect(() => verify(undefined)).toThrow(/Missing x-oms-signature/);
    expect(() => verify('')).toThrow(UnauthorizedError);
  });

  it.each([
    ['no timestamp', `v1=${'a'.repeat(64)}`],
    ['no v1', `t=${NOW}`],
    ['an empty v1', `t=${NOW},v1=`],
    ['a timestamp that is not a number', `t=soon,v1=${'a'.repeat(64)}`],
    ['a negative timestamp', `t=-${NOW},v1=${'a'.repeat(64)}`],
    ['only a v0 signature', `t=${NOW},v0=${'a'.repeat(64)}`],
  ])('rejects a header with %s as malformed', (_case, header) => {
    expect(() => verify(header)).toThrow(/Malformed/);
  });

  it('rejects a v1 value that is not hex of the right length', () => {
    const digest = v1Of(signOmsPayload(SECRET, BODY, NOW));

    expect(() => verify(`t=${NOW},v1=${digest.slice(0, 62)}`)).toThrow(UnauthorizedError);
    expect(() => verify(`t=${NOW},v1=${digest}${digest}`)).toThrow(UnauthorizedError);
    expect(() => verify(`t=${NOW},v1=not-hex`)).toThrow(UnauthorizedError);
  });

  // Buffer.from(value, 'hex') stops at the first non-hex character and drops a trailing odd
  // nibble, so the valid digest followed by anything at all is taken for the digest itself.
  it.each([
    ['an extra hex digit', '0'],
    ['trailing characters', 'zz'],
  ])('rejects the valid digest followed by %s', (_case, suffix) => {
    const digest = v1Of(signOmsPayload(SECRET, BODY, NOW));

    expect(() => verify(`t=${NOW},v1=${digest}${suffix}`)).toThrow(UnauthorizedError);
  });
});
