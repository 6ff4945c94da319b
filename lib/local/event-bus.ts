import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { LoopbackServer } from './loopback-server.js';
import type { PutEventsRequestEntry, PutEventsResultEntry } from '@aws-sdk/client-eventbridge';
import { LOCAL_REGION } from './dynamodb-local.js';
import { matchesPattern, type EventPattern } from './event-pattern.js';
import type { LocalFaults } from './faults.js';
import { LOCAL_ACCOUNT } from './lambda.js';

/**
 * A local EventBridge bus. It answers PutEvents on its own loopback endpoint in the service's
 * JSON 1.1 protocol, so the unmodified SDK client of a function reaches it through
 * AWS_ENDPOINT_URL_EVENTBRIDGE, and it hands every event that matches a rule to that rule's
 * target, wrapped in the envelope EventBridge gives targets.
 */
export interface EventEnvelope {
  version: '0';
  id: string;
  'detail-type': string;
  source: string;
  account: string;
  time: string;
  region: string;
  resources: string[];
  detail: Record<string, unknown>;
}

export interface EventRoute {
  ruleId: string;
  pattern: EventPattern;
  deliver(event: EventEnvelope): void;
}

export interface PublishedEvent {
  event: EventEnvelope;
  /** Rules whose pattern matched, in EVENT_RULES order. */
  matchedRules: string[];
}

export interface LocalEventBusOptions {
  name: string;
  routes: EventRoute[];
  /** How many published events `recent()` keeps. */
  keep?: number;
  onPublished?: (published: PublishedEvent) => void;
  /** Injected faults: an entry may be refused as EventBridge refuses one under load. */
  faults?: Pick<LocalFaults, 'shouldFailPutEventsEntry'>;
}

/** PutEvents limits of the service. */
export const MAX_ENTRIES_PER_REQUEST = 10;
export const MAX_REQUEST_ENTRIES_BYTES = 256 * 1024;
/** EventBridge counts the timestamp of every entry as 14 bytes. */
const TIME_FIELD_BYTES = 14;

export class PutEventsValidationError extends Error {
  override readonly name = 'ValidationException';
}

export class LocalEventBus {
  readonly name: string;
  readonly arn: string;
  private readonly published: PublishedEvent[] = [];
  private readonly endpoint = new LoopbackServer((request, response) => this.serve(request, response));

  constructor(private readonly options: LocalEventBusOptions) {
    this.name = options.name;
    this.arn = `arn:aws:events:${LOCAL_REGION}:${LOCAL_ACCOUNT}:event-bus/${options.name}`;
  }

  /** PutEvents: each entry succeeds or fails on its own, as in the service. */
  putEvents(entries: PutEventsRequestEntry[]): { FailedEntryCount: number; Entries: PutEventsResultEntry[] } {
    if (entries.length === 0 || entries.length > MAX_ENTRIES_PER_REQUEST) {
      throw new PutEventsValidationError(
        `PutEvents takes 1 to ${MAX_ENTRIES_PER_REQUEST} entries, got ${entries.length}.`,
      );
    }
    const size = entries.reduce((total, entry) => total + entrySize(entry), 0);
    if (size > MAX_REQUEST_ENTRIES_BYTES) {
      throw new PutEventsValidationError(
        `Total size of the entries (${size} bytes) is over the limit of 256 KB.`,
      );
    }
    const results = entries.map((entry) =>
      this.options.faults?.shouldFailPutEventsEntry(entry.DetailType)
        ? { ErrorCode: 'InternalFailure', ErrorMessage: 'Injected fault: the entry was not published.' }
        : this.publish(entry),
    );
    return { FailedEntryCount: results.filter((result) => result.ErrorCode).length, Entries: results };
  }

  recent(): PublishedEvent[] {
    return [...this.published];
  }

  /** Serves PutEvents on a loopback port; returns the endpoint URL for AWS_ENDPOINT_URL_EVENTBRIDGE. */
  listen(port = 0): Promise<string> {
    return this.endpoint.listen(port);
  }

  close(): Promise<void> {
    return this.endpoint.close();
  }

  private publish(entry: PutEventsRequestEntry): PutEventsResultEntry {
    const busName = entry.EventBusName ?? 'default';
    if (busName !== this.name && busName !== this.arn) {
      return { ErrorCode: 'ResourceNotFoundException', ErrorMessage: `Event bus ${busName} does not exist.` };
    }
    if (!entry.Source || !entry.DetailType || !entry.Detail) {
      return { ErrorCode: 'InvalidArgument', ErrorMessage: 'Source, DetailType and Detail are required.' };
    }
    if (entry.Source.startsWith('aws.')) {
      return {
        ErrorCode: 'NotAuthorizedForSourceException',
        ErrorMessage: 'Sources starting with aws. are reserved.',
      };
    }
    const detail = parseDetail(entry.Detail);
    if (!detail) return { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is not a valid JSON object.' };

    const event: EventEnvelope = {
      version: '0',
      id: randomUUID(),
      'detail-type': entry.DetailType,
      source: entry.Source,
      account: LOCAL_ACCOUNT,
      time: (entry.Time ?? new Date()).toISOString().replace(/\.\d{3}Z$/, 'Z'),
      region: LOCAL_REGION,
      resources: entry.Resources ?? [],
      detail,
    };
    const matched = this.options.routes.filter((route) => matchesPattern(route.pattern, event));
    for (const route of matched) route.deliver(event);
    const published = { event, matchedRules: matched.map((route) => route.ruleId) };
    this.published.push(published);
    if (this.published.length > (this.options.keep ?? 100)) this.published.shift();
    this.options.onPublished?.(published);
    return { EventId: event.id };
  }

  private async serve(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const target = request.headers['x-amz-target'];
    try {
      if (request.method !== 'POST' || target !== 'AWSEvents.PutEvents') {
        return reply(response, 400, {
          __type: 'UnknownOperationException',
          message: `Only PutEvents is served locally.`,
        });
      }
      const body = JSON.parse(await readBody(request)) as { Entries?: WireEntry[] };
      const entries = (body.Entries ?? []).map(fromWire);
      reply(response, 200, this.putEvents(entries));
    } catch (error) {
      const type = error instanceof PutEventsValidationError ? error.name : 'SerializationException';
      reply(response, 400, { __type: type, message: (error as Error).message });
    }
  }
}

/** On the wire (JSON 1.1), Time is epoch seconds. */
type WireEntry = Omit<PutEventsRequestEntry, 'Time'> & { Time?: number };

function fromWire({ Time, ...entry }: WireEntry): PutEventsRequestEntry {
  return { ...entry, ...(Time !== undefined && { Time: new Date(Time * 1000) }) };
}

function entrySize(entry: PutEventsRequestEntry): number {
  const texts = [entry.Source, entry.DetailType, entry.Detail, ...(entry.Resources ?? [])];
  return TIME_FIELD_BYTES + texts.reduce((total, text) => total + Buffer.byteLength(text ?? '', 'utf8'), 0);
}

function parseDetail(detail: string): Record<string, unknown> | undefined {
  try {
    const parsed: unknown = JSON.parse(detail);
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/** A request body, refused past a limit well above what a valid PutEvents call can carry. */
async function readBody(
  request: IncomingMessage,
  limitBytes = 4 * MAX_REQUEST_ENTRIES_BYTES,
): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limitBytes) throw new PutEventsValidationError('Request body is too large.');
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function reply(response: ServerResponse, statusCode: number, body: unknown): void {
  response.writeHead(statusCode, { 'content-type': 'application/x-amz-json-1.1' }).end(JSON.stringify(body));
}
