import {
  PutEventsCommand,
  type EventBridgeClient,
  type PutEventsRequestEntry,
} from '@aws-sdk/client-eventbridge';
import { EVENT_SOURCE, type DomainEvent } from '../domain/events.js';
import { logger } from './observability.js';

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
 * Publishes events in batches of ten and re-sends the entries EventBridge reports as failed
 * (a PutEvents call can succeed while some of its entries fail), with backoff. Returns the
 * events that still failed, so the caller can report partial batch failures.
 */
export async function publishEvents(
  client: EventBridgeClient,
  pending: PendingEvent[],
  sleep: (ms: number) => Promise<void> = (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
): Promise<PendingEvent[]> {
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
