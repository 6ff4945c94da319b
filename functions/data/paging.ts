import {
  paginateQuery,
  paginateScan,
  type QueryCommandInput,
  type QueryCommandOutput,
  type ScanCommandInput,
  type ScanCommandOutput,
} from '@aws-sdk/lib-dynamodb';
import { dynamo } from './dynamo.js';

/**
 * Reads that go on to the end of a Query or Scan, page after page, through the SDK's own
 * paginators (each page starts at the last one's LastEvaluatedKey; the next is read only once
 * the caller has taken the last). A listing the API pages with a cursor reads ONE page and hands
 * its LastEvaluatedKey back (functions/data/cursors.ts): it does not come here.
 *
 * The paginator writes each page's start key and page size into the input it is given, so it is
 * given a copy: a caller's input stays as the caller wrote it.
 */
export function queryPages(input: QueryCommandInput): AsyncIterable<QueryCommandOutput> {
  return paginateQuery({ client: dynamo() }, { ...input });
}

export function scanPages(input: ScanCommandInput): AsyncIterable<ScanCommandOutput> {
  return paginateScan({ client: dynamo() }, { ...input });
}

/** Every item the Query matches, in the order DynamoDB returns them. */
export async function queryAll(input: QueryCommandInput): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  for await (const page of queryPages(input)) items.push(...(page.Items ?? []));
  return items;
}
