/**
 * How long the raw channel payloads (ORDER#<id> / RAW) and the channel delivery ids that
 * deduplicate webhooks (CHANNEL#<id>#DELIVERY#<delivery> / KEY) are kept: DynamoDB's TTL deletes
 * them once `expiration` (epoch seconds, the Orders table's TTL attribute) has passed. The stage
 * sets the period (cdk.json `payloadRetentionDays`, docs/configuration.md); the functions that
 * write them receive it in PAYLOAD_RETENTION_DAYS.
 */
export const PAYLOAD_RETENTION_ENV = 'PAYLOAD_RETENTION_DAYS';
export const DEFAULT_PAYLOAD_RETENTION_DAYS = 90;

/** The TTL attribute of the Orders table (lib/tables.ts), as the Idempotency table names it too. */
export const EXPIRATION_ATTRIBUTE = 'expiration';

const DAY_SECONDS = 24 * 3600;

export function payloadRetentionDays(environment: NodeJS.ProcessEnv = process.env): number {
  const text = environment[PAYLOAD_RETENTION_ENV];
  if (text === undefined || text === '') return DEFAULT_PAYLOAD_RETENTION_DAYS;
  const days = Number(text);
  if (!Number.isInteger(days) || days < 1) {
    throw new Error(`${PAYLOAD_RETENTION_ENV} must be a whole number of days, at least 1; it is "${text}".`);
  }
  return days;
}

/** When an item received at `receivedAt` (ISO 8601) expires, in epoch seconds. */
export function payloadExpiration(receivedAt: string, environment: NodeJS.ProcessEnv = process.env): number {
  return Math.floor(Date.parse(receivedAt) / 1000) + payloadRetentionDays(environment) * DAY_SECONDS;
}
