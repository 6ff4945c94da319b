import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import * as z from 'zod';
import type { ChannelOrderChange } from '../channels/adapter.js';
import { findChannelOrderKey } from '../data/orders-repository.js';
import { getChannelChange } from '../data/service-repository.js';
import { Address } from '../domain/order.js';
import { withObservability } from '../shared/middleware.js';
import { logger } from '../shared/observability.js';
import { applyChannelChange } from './channel-changes.js';
import { serviceDeps } from './service-deps.js';

/**
 * The EventBridge envelope the bus rule ChannelChanges puts on the queue. An address change names
 * the stored change (`changeKey`), which holds the address: events carry no personal data.
 */
const ChannelChangeMessage = z.object({
  'detail-type': z.literal('ChannelOrderChangeReceived'),
  detail: z.object({
    orderId: z.string(),
    channelId: z.string(),
    externalId: z.string(),
    changeKey: z.string(),
    change: z.discriminatedUnion('type', [
      z.object({ type: z.literal('cancel'), reason: z.string() }),
      z.object({ type: z.literal('shipping_address') }),
    ]),
    deliveryId: z.string().optional(),
  }),
});

const deps = {
  ...serviceDeps,
  findOrderId: async (channelId: string, externalId: string) =>
    (await findChannelOrderKey(channelId, externalId))?.orderId,
};

async function changeOf(detail: z.infer<typeof ChannelChangeMessage>['detail']): Promise<ChannelOrderChange> {
  if (detail.change.type === 'cancel') return detail.change;
  const stored = await getChannelChange(detail.orderId, detail.changeKey);
  if (!stored) throw new Error(`The change ${detail.changeKey} of order ${detail.orderId} is not stored.`);
  return {
    type: 'shipping_address',
    address: Address.parse((stored.change as { address: unknown }).address),
  };
}

const processor = new BatchProcessor(EventType.SQS);

async function applyRecord(record: SQSRecord): Promise<void> {
  const { detail } = ChannelChangeMessage.parse(JSON.parse(record.body));
  const result = await applyChannelChange(deps, {
    channelId: detail.channelId,
    externalId: detail.externalId,
    change: await changeOf(detail),
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
