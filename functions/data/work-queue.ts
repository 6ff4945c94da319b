import type { FulfillmentOrderState } from '../domain/fulfillment/model.js';
import { workLocationOf } from '../domain/fulfillment/progress.js';

/**
 * The work-queue index of the Orders table (`byWorkQueue`, lib/tables.ts): a fulfillment order
 * is listed under `<locationId>#<status>` (the location whose turn it is), oldest first by
 * `<createdAt>#<fulfillmentOrderId>`. Every writer of a fulfillment order (the router, the
 * fulfillment actions) sets these with the status, so a queue is one Query and never a filter.
 * A PENDING fulfillment order gets none: it is in no queue until its commit holds.
 */
export const WORK_QUEUE_INDEX = 'byWorkQueue';

export function workQueueAttributes(
  fo: Pick<
    FulfillmentOrderState,
    'kind' | 'locationId' | 'transferTo' | 'fulfillmentOrderId' | 'createdAt'
  > & {
    status: FulfillmentOrderState['status'];
  },
): { workQueue?: string; workSince?: string } {
  const location = workLocationOf(fo);
  if (location === undefined) return {};
  return { workQueue: `${location}#${fo.status}`, workSince: `${fo.createdAt}#${fo.fulfillmentOrderId}` };
}

/** The queue a PENDING fulfillment order joins once announced (routing-repository.ts, step 5). */
export function announcedWorkQueue(
  fo: Pick<FulfillmentOrderState, 'kind' | 'locationId' | 'transferTo' | 'fulfillmentOrderId' | 'createdAt'>,
): { pendingWorkQueue: string; workSince: string } {
  const attributes = workQueueAttributes({ ...fo, status: 'CREATED' });
  return { pendingWorkQueue: attributes.workQueue!, workSince: attributes.workSince! };
}
