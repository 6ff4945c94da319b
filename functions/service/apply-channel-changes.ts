import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import * as z from 'zod';
import { findChannelOrderKey } from '../data/orders-repository.js';
import { Address } from '../domain/order.js';
import { withObservability } from '../shared/middleware.js';
import { logger } from '../shared/observability.js';
import { applyChannelChange } from './channel-changes.js';
import { serviceDeps } from './service-deps.js';

/** The EventBridge envelope the bus rule ChannelChanges puts on the queue. */
const ChannelChangeMessage = z.object({
  'detail-type': z.literal('ChannelOrderChangeReceived'),
  detail: z.object({
    channelId: z.string(),
    externalId: z.string(),
    change: z.discriminatedUnion('type', [
      z.object({ type: z.literal('cancel'), reason: z.string() }),
      z.object({ type: z.literal('shipping_address'), address: Address }),
    ]),
    deliveryId: z.string().optional(),
  }),
});

const deps = {
  ...serviceDeps,
  findOrderId: async (channelId: string, externalId: string) =>
    (await findChannelOrderKey(channelId, externalId))?.orderId,
};

const processor = new BatchProcessor(EventType.SQS);

async function applyRecord(record: SQSRecord): Promise<void> {
  const { detail } = ChannelChangeMessage.parse(JSON.parse(record.body));
  const result = await applyChannelChange(deps, {
    channelId: detail.channelId,
    externalId: detail.externalId,
    change: detail.change,
    ...(detail.deliveryId !== undefined && { deliveryId: detail.deliveryId }),
  });
  logger.info('Channel change applied', { ...result, channelId: detail.channelId });
}

/**
 * Channel-changes queue consumer: each change is applied as customer service would apply it,
 * recorded as the channel's (channel-changes.ts). One the order can not take any more is logged
 * and dropped; a failure is retried alone (partial batch response), then dead-lettered.
 */
export async function applyChannelChanges(event: SQSEvent): Promise<SQSBatchResponse> {
  return processPartialResponse(event, applyRecord, processor, { throwOnFullBatchFailure: false });
}

export const handler = withObservability(applyChannelChanges);
