/**
 * The reporting time zone: report days, and the analytics partitions, are its calendar days.
 * A stage setting (`reportsTimeZone`, docs/configuration.md) rather than a Config item: the
 * aggregates are stored per day as facts arrive, so a change re-dates only what comes after it,
 * and should be a deliberate deploy, not an API call.
 */
export const REPORTS_TIME_ZONE_ENV = 'OMS_REPORTS_TIME_ZONE';

export function reportsTimeZone(): string {
  const timeZone = process.env[REPORTS_TIME_ZONE_ENV] || 'UTC';
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
  } catch {
    throw new Error(`${REPORTS_TIME_ZONE_ENV} "${timeZone}" is not an IANA time zone.`);
  }
  return timeZone;
}
