import { describe, expect, it } from 'vitest';
import {
  DEFAULT_PAYLOAD_RETENTION_DAYS,
  payloadExpiration,
  payloadRetentionDays,
} from '../../../functions/data/retention.js';

const receivedAt = '2026-11-22T10:00:00.000Z';
const epoch = Date.parse(receivedAt) / 1000;

describe('the retention of raw channel payloads and delivery keys', () => {
  it('expires them the configured number of days after they were received, in epoch seconds', () => {
    expect(payloadExpiration(receivedAt, { PAYLOAD_RETENTION_DAYS: '30' })).toBe(epoch + 30 * 86_400);
  });

  it(`keeps them ${DEFAULT_PAYLOAD_RETENTION_DAYS} days when the stage sets no period`, () => {
    expect(payloadRetentionDays({})).toBe(90);
    expect(payloadExpiration(receivedAt, {})).toBe(epoch + 90 * 86_400);
  });

  it('refuses a period that is not a whole number of days, naming the variable', () => {
    expect(() => payloadRetentionDays({ PAYLOAD_RETENTION_DAYS: '0' })).toThrow(/PAYLOAD_RETENTION_DAYS/);
    expect(() => payloadRetentionDays({ PAYLOAD_RETENTION_DAYS: '1.5' })).toThrow(/whole number/);
  });
});
