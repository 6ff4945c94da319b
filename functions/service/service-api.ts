import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { NotFoundError } from '../domain/errors.js';
import {
  CancelOrderBody,
  CreateReturnBody,
  ReceiveReturnBody,
  ShippingAddressBody,
  byActor,
} from '../domain/service/records.js';
import { parseOrThrow } from '../domain/validation.js';
import { errorResponse, json, jsonBodyOf, pathOf, pathParameter, type HttpResponse } from '../shared/http.js';
import { actorFrom, authorizeResource } from '../shared/access.js';
import { withApiAccess } from '../shared/middleware.js';
import { cancelOrder } from './cancel-order.js';
import { changeShippingAddress } from './change-address.js';
import type { CancelDeps, ServiceCaller } from './deps.js';
import { getOrderHistory } from './order-history.js';
import { createReturn, receiveReturnedGoods } from './returns.js';
import { serviceDeps } from './service-deps.js';

type Operation = (event: APIGatewayProxyEventV2, deps: CancelDeps) => Promise<HttpResponse>;

function callerOf(event: APIGatewayProxyEventV2): ServiceCaller {
  return {
    actor: actorFrom(event),
    mayActAt: (locationIds) => authorizeResource(event, { locationIds }),
  };
}

/** The caller may act on the order only if it may act for the order's channel (403 otherwise). */
async function authorizeOrder(event: APIGatewayProxyEventV2, deps: CancelDeps, orderId: string) {
  const aggregate = await deps.getOrderAggregate(orderId);
  if (!aggregate) throw new NotFoundError(`There is no order "${orderId}".`);
  authorizeResource(event, { channelIds: [aggregate.order.channelId] });
}

/**
 * Customer service after the sale (docs/customer-service.md): cancellations, address changes,
 * returns received anywhere, and the order's history. Each operation parses, checks the
 * caller against the order's channel or the receiving location, and calls one use case.
 */
const operations: Record<string, Operation> = {
  'POST /v1/orders/{orderId}/cancel': async (event, deps) => {
    const orderId = pathParameter(event, 'orderId');
    const body = parseOrThrow(CancelOrderBody, jsonBodyOf(event), 'cancellation');
    await authorizeOrder(event, deps, orderId);
    return json(200, await cancelOrder(deps, orderId, body, byActor(actorFrom(event))));
  },
  'PUT /v1/orders/{orderId}/shipping-address': async (event, deps) => {
    const orderId = pathParameter(event, 'orderId');
    const body = parseOrThrow(ShippingAddressBody, jsonBodyOf(event), 'shipping address');
    await authorizeOrder(event, deps, orderId);
    return json(200, await changeShippingAddress(deps, orderId, body, byActor(actorFrom(event))));
  },
  'GET /v1/orders/{orderId}/history': async (event, deps) => {
    const orderId = pathParameter(event, 'orderId');
    return json(
      200,
      await getOrderHistory(deps, orderId, (channelId) =>
        authorizeResource(event, { channelIds: [channelId] }),
      ),
    );
  },
  'POST /v1/returns': async (event, deps) => {
    const body = parseOrThrow(CreateReturnBody, jsonBodyOf(event), 'return');
    await authorizeOrder(event, deps, body.orderId);
    const authorization = await createReturn(deps, body, callerOf(event));
    return json(201, authorization, { location: pathOf('v1', 'returns', authorization.returnId) });
  },
  'POST /v1/returns/{returnId}/receive': async (event, deps) => {
    const returnId = pathParameter(event, 'returnId');
    const body = parseOrThrow(ReceiveReturnBody, jsonBodyOf(event), 'return receipt');
    return json(200, await receiveReturnedGoods(deps, returnId, body, callerOf(event)));
  },
  'GET /v1/returns/{returnId}': async (event, deps) => {
    const returnId = pathParameter(event, 'returnId');
    const authorization = await deps.getReturnAuthorization(returnId);
    if (!authorization) throw new NotFoundError(`There is no return "${returnId}".`);
    authorizeResource(event, { channelIds: [authorization.channelId] });
    return json(200, authorization);
  },
};

export const SERVICE_API_ROUTES = Object.keys(operations);

export async function serviceApi(
  event: APIGatewayProxyEventV2,
  deps: CancelDeps = serviceDeps,
): Promise<HttpResponse> {
  try {
    const operation = operations[event.routeKey];
    if (!operation) throw new NotFoundError(`No customer-service operation for ${event.routeKey}.`);
    return await operation(event, deps);
  } catch (error) {
    return errorResponse(error, event.rawPath);
  }
}

export const handler = withApiAccess((event) => serviceApi(event));
