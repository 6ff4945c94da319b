import { FirehoseClient, PutRecordBatchCommand } from '@aws-sdk/client-firehose';
import { resolveSecret } from '../shared/secrets.js';
import { traced } from '../shared/tracing.js';
import {
  ANALYTICS_PSEUDONYM_SECRET_ENV,
  ANALYTICS_STREAM_PREFIX_ENV,
  deliveryStreamName,
  type AnalyticsRow,
  type AnalyticsTableName,
} from './schema.js';

/**
 * Hands analytics rows to their tables' Firehose delivery streams, which convert them to
 * Parquet (AWS) or the local stand-in does (lib/local/firehose.ts). Firehose delivers at least
 * once, and a retried stream batch exports its rows again: every row carries its item's
 * `version`, so queries take the latest version per id (docs/reports.md).
 */

/** PutRecordBatch takes at most 500 records (and 4 MiB) a call. */
const MAX_RECORDS_PER_CALL = 500;
const MAX_ATTEMPTS = 5;

let firehose: FirehoseClient | undefined;

/** Whether this deployment exports (a stack without the analytics construct does not). */
export function analyticsEnabled(): boolean {
  return Boolean(process.env[ANALYTICS_STREAM_PREFIX_ENV]);
}

export async function pseudonymKey(): Promise<string> {
  const name = process.env[ANALYTICS_PSEUDONYM_SECRET_ENV];
  const key = name ? await resolveSecret(name) : undefined;
  if (!key)
    throw new Error(`The analytics pseudonym key (${ANALYTICS_PSEUDONYM_SECRET_ENV}) can not be read.`);
  return key;
}

export async function exportRows(rows: readonly AnalyticsRow[]): Promise<void> {
  const prefix = process.env[ANALYTICS_STREAM_PREFIX_ENV];
  if (!prefix || rows.length === 0) return;
  firehose ??= traced(new FirehoseClient({}));
  const byTable = new Map<AnalyticsTableName, AnalyticsRow[]>();
  for (const row of rows) byTable.set(row.table, [...(byTable.get(row.table) ?? []), row]);
  for (const [table, tableRows] of byTable) {
    for (let start = 0; start < tableRows.length; start += MAX_RECORDS_PER_CALL) {
      await putAll(deliveryStreamName(prefix, table), tableRows.slice(start, start + MAX_RECORDS_PER_CALL));
    }
  }
}

/** Sends the records, again those Firehose refused, until every one is taken or attempts run out. */
async function putAll(stream: string, rows: AnalyticsRow[]): Promise<void> {
  let pending = rows.map((row) => ({ Data: new TextEncoder().encode(`${JSON.stringify(row.values)}\n`) }));
  for (let attempt = 1; pending.length > 0; attempt++) {
    const result = await firehose!.send(
      new PutRecordBatchCommand({ DeliveryStreamName: stream, Records: pending }),
    );
    if (!result.FailedPutCount) return;
    pending = pending.filter((_, index) => result.RequestResponses?.[index]?.ErrorCode);
    if (attempt >= MAX_ATTEMPTS)
      throw new Error(`${pending.length} analytics record(s) were refused by ${stream}.`);
    await new Promise((resolve) => setTimeout(resolve, 100 * 2 ** attempt));
  }
}
