import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { ulid } from 'ulid';
import * as z from 'zod';
import { getChannel } from '../data/config-repository.js';
import {
  commitLink,
  findIdentityOwner,
  getCustomerProfile,
  getOrderForLinking,
} from '../data/customers-repository.js';
import { withObservability } from '../shared/middleware.js';
import { logger } from '../shared/observability.js';
import { linkOrder, type LinkOrderDeps } from './link-order.js';

/** The EventBridge envelope the bus rule LinkCustomers puts on the queue: the order, by id only. */
const LinkMessage = z.object({
  'detail-type': z.literal('OrderReceived'),
  detail: z.object({ orderId: z.string() }),
});

const deps: LinkOrderDeps = {
  getOrderForLinking,
  defaultCountryOf: async (channelId) => (await getChannel(channelId))?.defaultCountry,
  findIdentityOwner,
  getCustomerProfile,
  commitLink,
  newId: ulid,
  now: () => new Date(),
};

async function linkRecord(record: SQSRecord): Promise<void> {
  const { detail } = LinkMessage.parse(JSON.parse(record.body));
  const result = await linkOrder(deps, detail.orderId);
  // Ids and the outcome only: log lines never carry personal data (docs/privacy.md).
  logger.info('Order linked to its customer', { orderId: detail.orderId, ...result });
}

/**
 * Customers queue consumer: every received order is linked to the customer its email or phone
 * belongs to (link-order.ts). A redelivered message finds the order linked and does nothing; a
 * failure is retried alone (partial batch response), then dead-lettered.
 */
export async function linkCustomers(event: SQSEvent): Promise<SQSBatchResponse> {
  return processPartialResponse(event, linkRecord, new BatchProcessor(EventType.SQS), {
    throwOnFullBatchFailure: false,
  });
}

export const handler = withObservability(linkCustomers);
