import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { getOrder } from '../data/orders-repository.js';
import type { Actor } from '../domain/access.js';
import { DomainError, NotFoundError } from '../domain/errors.js';
import type { DomainEvent } from '../domain/events.js';
import { rerouteRequest, type ReroutableOrder } from '../domain/routing/rerouting.js';
import { actorFrom, authorizeResource } from '../shared/access.js';
import { publishEvents } from '../shared/event-publisher.js';
import { errorResponse, json, pathParameter, type HttpResponse } from '../shared/http.js';
import { withApiAccess } from '../shared/middleware.js';
import { traced } from '../shared/tracing.js';

/** The bus did not take the request: nothing changed, the caller may ask again. */
export class RerouteNotSentError extends DomainError {
  readonly kind = 'unavailable';
  constructor(orderId: string) {
    super(`The re-route of order ${orderId} could not be sent to the router; nothing changed, try again.`);
    this.name = 'RerouteNotSentError';
  }
}

export interface RerouteDeps {
  getOrder(orderId: string): Promise<(ReroutableOrder & { channelId: string }) | undefined>;
  /** Publishes the event; answers whether the bus took it. */
  publish(event: DomainEvent): Promise<boolean>;
  now(): Date;
}

/**
 * Sends a PARKED, BACKORDERED or PARTIALLY_ROUTED order back through the router:
 * 1. reads the order (404 when there is none; a channel's client only its own);
 * 2. refuses, 409, an order in any other state (rerouting.ts);
 * 3. publishes OrderRerouteRequested with the actor from the token, which the RouteOrders rule
 *    puts on the routing queue; the router decides with the rules and stock it reads then.
 * Nothing is written here: asking twice routes once, the order's version sees to it.
 */
export async function requestReroute(
  deps: RerouteDeps,
  orderId: string,
  actor: Actor,
  authorize: (channelId: string) => void,
) {
  const order = await deps.getOrder(orderId);
  if (!order) throw new NotFoundError(`There is no order "${orderId}".`);
  authorize(order.channelId);
  const event = rerouteRequest(order, actor, deps.now().toISOString());
  if (!(await deps.publish(event))) throw new RerouteNotSentError(orderId);
  return event.detail;
}

const eventBridge = traced(new EventBridgeClient({}));

const deps: RerouteDeps = {
  getOrder,
  publish: async (event) =>
    (await publishEvents(eventBridge, [{ recordId: event.detail.eventId, domainEvent: event }])).length === 0,
  now: () => new Date(),
};

/** POST /v1/orders/{orderId}/route: 202 with the request the router will act on. */
export async function rerouteOrder(event: APIGatewayProxyEventV2): Promise<HttpResponse> {
  try {
    const orderId = pathParameter(event, 'orderId');
    const request = await requestReroute(deps, orderId, actorFrom(event), (channelId) =>
      authorizeResource(event, { channelIds: [channelId] }),
    );
    return json(202, request);
  } catch (error) {
    return errorResponse(error, event.rawPath);
  }
}

export const handler = withApiAccess(rerouteOrder);
