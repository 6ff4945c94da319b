import type { EventBridgeClient, PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { EVENT_SOURCE } from '../domain/event-source.js';
import type { DomainEvent } from '../domain/events.js';
import { logger } from './observability.js';
import { traced } from './tracing.js';

/** PutEvents takes at most 10 entries a call. */
const MAX_ENTRIES_PER_CALL = 10;
/** Entries EventBridge refused (throttling, internal errors) are sent again this many times. */
const MAX_ATTEMPTS = 4;

export interface PendingEvent {
  /** What the event came from (a stream sequence number, a message id), reported back on failure. */
  recordId: string;
  domainEvent: DomainEvent;
}

/**
 * An EventBridge client made by the first publish, its SDK module imported then rather than with
 * the handler, for a function that publishes only some of the time (inventory-sync publishes when
 * a count changed): its module is about 20 ms of such a function's cold import
 * (docs/performance.md), and an invocation with nothing to publish never loads it.
 */
export function eventBridgeOnFirstUse(): () => Promise<EventBridgeClient> {
  let client: Promise<EventBridgeClient> | undefined;
  return () =>
    (client ??= import('@aws-sdk/client-eventbridge').then(({ EventBridgeClient }) =>
      traced(new EventBridgeClient({})),
    ));
}

/**
 * Publishes events in batches of ten and re-sends the entries EventBridge reports as failed
 * (a PutEvents call can succeed while some of its entries fail), with backoff. Returns the
 * events that still failed, so the caller can report partial batch failures.
 */
export async function publishEvents(
  client: EventBridgeClient,
  pending: PendingEvent[],
  sleep: (ms: number) => Promise<void> = (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
): Promise<PendingEvent[]> {
  if (pending.length === 0) return [];
  // The client's module is loaded by whoever made the client; this only looks the command up.
  const { PutEventsCommand } = await import('@aws-sdk/client-eventbridge');
  const busName = process.env.EVENT_BUS_NAME;
  let remaining = pending;
  for (let attempt = 1; remaining.length > 0 && attempt <= MAX_ATTEMPTS; attempt++) {
    if (attempt > 1) await sleep(50 * 2 ** attempt);
    const stillFailing: PendingEvent[] = [];
    for (let start = 0; start < remaining.length; start += MAX_ENTRIES_PER_CALL) {
      const chunk = remaining.slice(start, start + MAX_ENTRIES_PER_CALL);
      try {
        const { Entries = [] } = await client.send(
          new PutEventsCommand({ Entries: chunk.map((item) => toEntry(item.domainEvent, busName)) }),
        );
        chunk.forEach((item, index) => {
          if (!Entries[index] || Entries[index].ErrorCode) stillFailing.push(item);
        });
      } catch (error) {
        logger.warn('PutEvents call failed', { error: error as Error, attempt });
        stillFailing.push(...chunk);
      }
    }
    remaining = stillFailing;
  }
  return remaining;
}

function toEntry(event: DomainEvent, busName: string | undefined): PutEventsRequestEntry {
  return {
    Source: EVENT_SOURCE,
    DetailType: event.detailType,
    Detail: JSON.stringify(event.detail),
    ...(busName && { EventBusName: busName }),
  };
}
