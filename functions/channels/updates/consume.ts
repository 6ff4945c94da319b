import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import {
  IdempotencyAlreadyInProgressError,
  IdempotencyConfig,
  makeIdempotent,
} from '@aws-lambda-powertools/idempotency';
import type { BasePersistenceLayer } from '@aws-lambda-powertools/idempotency/persistence';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type { Rejection, UpdateKey } from '../../data/channel-updates-store.js';
import { logger, metrics } from '../../shared/observability.js';
import { ChannelRequestError } from '../clients/json-request.js';
import { parseChannelUpdate, type ChannelUpdate } from './events.js';
import type { UpdateOutcome } from './outcome.js';

/**
 * The channel-updates queue consumer. For each message, alone (partial batch responses):
 * 1. Parse the event; a message that is not one of the consumed events can never be delivered.
 * 2. On a redelivery, if the channel already refused this update for good, fail at once with
 *    the stored reason, without asking the channel again: the message is on its way to the
 *    dead-letter queue. A first delivery (a redriven message is one) always asks.
 * 3. Deliver the update once per (eventId, channelId): Powertools idempotency returns the first
 *    outcome to a duplicate, and a concurrent duplicate fails and comes back later.
 * 4. A failure that a later try can help (429, 5xx, timeout) fails the message, which SQS shows
 *    again after its visibility timeout, up to maxReceiveCount (lib/topology.ts). A refusal (4xx)
 *    is stored, logged with its reason and failed, so the message reaches the dead-letter queue.
 */
export interface ChannelUpdatesConsumerDeps {
  deliver(update: ChannelUpdate): Promise<UpdateOutcome>;
  persistenceStore: BasePersistenceLayer;
  findRejection(key: UpdateKey): Promise<Rejection | undefined>;
  recordRejection(key: UpdateKey, reason: string, now: Date): Promise<void>;
  now(): Date;
}

/** Records of delivered updates outlive any redelivery and any redrive an operator would do. */
const DELIVERED_FOR_SECONDS = 7 * 24 * 3600;

/** Failed on purpose so that SQS dead-letters the message; the reason is in the logs. */
export class UndeliverableUpdateError extends Error {
  override readonly name = 'UndeliverableUpdateError';
}

export function createChannelUpdatesConsumer(deps: ChannelUpdatesConsumerDeps) {
  const config = new IdempotencyConfig({
    eventKeyJmesPath: '[eventId, channelId]',
    expiresAfterSeconds: DELIVERED_FOR_SECONDS,
    throwOnNoIdempotencyKey: true,
  });
  const deliverOnce = makeIdempotent(
    (request: UpdateKey & { update: ChannelUpdate }) => deps.deliver(request.update),
    { persistenceStore: deps.persistenceStore, config },
  );
  async function deliverRecord(record: SQSRecord): Promise<UpdateOutcome> {
    const parsed = parseChannelUpdate(record.body);
    if ('invalid' in parsed) {
      logger.error('Channel update message is not an event this consumer knows; it will be dead-lettered', {
        messageId: record.messageId,
        reason: parsed.invalid,
      });
      countUpdate('ChannelUpdatesRejected');
      throw new UndeliverableUpdateError(
        `Message ${record.messageId} is not a channel update: ${parsed.invalid}`,
      );
    }
    const { update } = parsed;
    const key = { eventId: update.event.eventId, channelId: update.event.channelId };
    const context = { ...key, kind: update.kind, orderId: update.event.orderId, messageId: record.messageId };
    const receiveCount = Number(record.attributes.ApproximateReceiveCount ?? '1');
    if (receiveCount > 1) {
      const rejection = await deps.findRejection(key);
      if (rejection) {
        logger.error('Channel refused this update for good; failing it again so it is dead-lettered', {
          ...context,
          reason: rejection.reason,
          rejectedAt: rejection.rejectedAt,
          receiveCount,
        });
        throw new UndeliverableUpdateError(rejection.reason);
      }
    }
    try {
      const outcome = await deliverOnce({ ...key, update });
      logger.info('Channel update delivered', { ...context, ...outcome });
      countUpdate(OUTCOME_METRICS[outcome.outcome], key.channelId);
      return outcome;
    } catch (error) {
      if (error instanceof ChannelRequestError && !error.retryable) {
        await deps.recordRejection(key, error.message, deps.now());
        logger.error('Channel refused the update; it will be dead-lettered', {
          ...context,
          reason: error.message,
          status: error.status,
        });
        countUpdate('ChannelUpdatesRejected', key.channelId);
        throw new UndeliverableUpdateError(error.message);
      }
      if (error instanceof IdempotencyAlreadyInProgressError) {
        logger.info('The same update is being delivered by another invocation; retrying later', context);
      } else {
        logger.warn('Channel update failed; SQS will deliver it again', { ...context, receiveCount, error });
      }
      countUpdate('ChannelUpdatesRetried', key.channelId);
      throw error;
    }
  }

  return async function channelUpdates(event: SQSEvent, context: Context): Promise<SQSBatchResponse> {
    // The in-progress lock expires with the invocation, so a crash does not block the update for a week.
    config.registerLambdaContext(context);
    // One record after the other: a channel's rate limit is per store, and a duplicate in the
    // same batch then finds the first delivery's record instead of its in-progress lock.
    // A processor per invocation: it keeps the batch's state, and the local runtime runs several
    // invocations of one module at once (Lambda runs one per container).
    return processPartialResponse(event, deliverRecord, new BatchProcessor(EventType.SQS), {
      context,
      throwOnFullBatchFailure: false,
      processInParallel: false,
    });
  };
}

/** A metric of its own per update: one batch holds updates for several channels. */
function countUpdate(name: string, channelId?: string): void {
  const metric = metrics.singleMetric();
  if (channelId) metric.addDimension('channel', channelId);
  metric.addMetric(name, MetricUnit.Count, 1);
}

const OUTCOME_METRICS: Record<UpdateOutcome['outcome'], string> = {
  sent: 'ChannelUpdatesSent',
  already_done: 'ChannelUpdatesAlreadyDone',
  skipped: 'ChannelUpdatesSkipped',
};
