import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { ulid } from 'ulid';
import * as z from 'zod';
import { getCarrierServices, listLocations } from '../data/config-repository.js';
import {
  getStockItems,
  getStockLevels,
  releaseFromShards,
  reserveFromShards,
} from '../data/inventory-repository.js';
import { getOrder } from '../data/orders-repository.js';
import { getHotShards } from '../data/products-repository.js';
import * as routingRepository from '../data/routing-repository.js';
import { getActiveRuleSet } from '../data/rules-repository.js';
import { withObservability } from '../shared/middleware.js';
import { routeOrder, type RouteOrderDeps, type RouteRequest } from './route-order.js';

/** The EventBridge envelope the bus rule puts on the routing queue; details carry more than this. */
const RoutingMessage = z.discriminatedUnion('detail-type', [
  z.object({
    'detail-type': z.enum(['OrderReceived', 'BackorderRetry', 'PreorderReleased']),
    detail: z.object({ orderId: z.string() }),
  }),
  // Ops' re-route (POST /v1/orders/{orderId}/route), which may release a PARKED order.
  z.object({ 'detail-type': z.literal('OrderRerouteRequested'), detail: z.object({ orderId: z.string() }) }),
  z.object({
    // FulfillmentOrderRejected: a location's reject or short pick (functions/fulfillment), whose
    // units wait on the order (`pendingReroute`); FulfillmentOrderRerouteRequested: unstarted
    // work an address change moves (customer service).
    'detail-type': z.enum(['FulfillmentOrderRejected', 'FulfillmentOrderRerouteRequested']),
    detail: z.object({ orderId: z.string(), fulfillmentOrderId: z.string(), reason: z.string().optional() }),
  }),
]);

/** The router's production wiring; tests reuse it with the clock or the rules replaced. */
export const routerDeps: RouteOrderDeps = {
  ...routingRepository,
  getOrder,
  getActiveRuleSet: () => getActiveRuleSet(),
  listLocations,
  getCarrierServices: () => getCarrierServices(),
  getStockLevels,
  getHotShards,
  getStockItems,
  reserveFromShards,
  releaseFromShards,
  newId: ulid,
  now: () => new Date(),
};

async function routeRecord(record: SQSRecord): Promise<void> {
  const message = RoutingMessage.parse(JSON.parse(record.body));
  const request: RouteRequest =
    message['detail-type'] === 'FulfillmentOrderRejected' ||
    message['detail-type'] === 'FulfillmentOrderRerouteRequested'
      ? {
          kind: 'reroute_rejected',
          orderId: message.detail.orderId,
          fulfillmentOrderId: message.detail.fulfillmentOrderId,
          ...(message.detail.reason !== undefined && { reason: message.detail.reason }),
        }
      : {
          kind: 'route',
          orderId: message.detail.orderId,
          ...(message['detail-type'] === 'OrderRerouteRequested' && { byOps: true }),
        };
  await routeOrder(routerDeps, request);
}

/**
 * Routing queue consumer: a failed message is retried alone (partial batch response), then DLQ'd.
 * A processor per invocation: it keeps the batch's failures, and the local runtime runs batches
 * of one handler at once, where a shared one would mix theirs.
 */
export async function routeOrders(event: SQSEvent): Promise<SQSBatchResponse> {
  return processPartialResponse(event, routeRecord, new BatchProcessor(EventType.SQS), {
    throwOnFullBatchFailure: false,
  });
}

export const handler = withObservability(routeOrders);
