import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { ulid } from 'ulid';
import { adapterFor } from '../channels/index.js';
import { getChannel } from '../data/config-repository.js';
import { createOrder, findChannelOrderKey } from '../data/orders-repository.js';
import { PayloadTooLargeError } from '../domain/errors.js';
import {
  errorResponse,
  json,
  lowerCaseHeaders,
  pathParameter,
  rawBodyOf,
  requestUrl,
  type HttpResponse,
} from '../shared/http.js';
import { withObservability } from '../shared/middleware.js';
import { logger, metrics } from '../shared/observability.js';
import { resolveSecret } from '../shared/secrets.js';
import { recordChannelChange } from '../data/service-repository.js';
import { acceptChannelChange } from '../service/accept-channel-change.js';
import { ingestChannelRequest, type IngestDeps } from './ingest-channel-request.js';

/** An order item must fit DynamoDB's 400 KB item limit with room for what the OMS adds to it. */
export const MAX_BODY_BYTES = 256 * 1024;

const deps: IngestDeps = {
  getChannel,
  adapterFor,
  resolveSecret,
  createOrder,
  newId: ulid,
  now: () => new Date(),
  applyChannelChange: (change) =>
    acceptChannelChange(
      {
        findOrderId: async (channelId, externalId) =>
          (await findChannelOrderKey(channelId, externalId))?.orderId,
        recordChannelChange,
        now: () => new Date(),
      },
      change,
    ),
};

/** POST /v1/channels/{channelId}/orders: authenticate, map, store once. */
export async function postOrder(event: APIGatewayProxyEventV2): Promise<HttpResponse> {
  try {
    const rawBody = rawBodyOf(event);
    if (Buffer.byteLength(rawBody, 'utf8') > MAX_BODY_BYTES) throw new PayloadTooLargeError(MAX_BODY_BYTES);
    const channelId = pathParameter(event, 'channelId');
    const request = { headers: lowerCaseHeaders(event.headers), rawBody, url: requestUrl(event) };

    const result = await ingestChannelRequest(deps, { channelId, request });
    if (result.kind === 'ignored') return json(200, { status: 'ignored', reason: result.reason });
    if (result.kind === 'changed') {
      logger.info('Order changed by its channel', {
        orderId: result.orderId,
        channelId,
        status: result.status,
      });
      return json(
        202,
        { orderId: result.orderId, status: result.status },
        { location: `/v1/orders/${result.orderId}` },
      );
    }

    metrics.addDimension('channel', channelId);
    metrics.addMetric(result.created ? 'OrdersReceived' : 'DuplicateDeliveries', MetricUnit.Count, 1);
    logger.info(result.created ? 'Order received' : 'Duplicate delivery', {
      orderId: result.orderId,
      channelId,
    });
    return json(
      result.created ? 202 : 200,
      { orderId: result.orderId, status: result.created ? 'RECEIVED' : 'ALREADY_RECEIVED' },
      { location: `/v1/orders/${result.orderId}` },
    );
  } catch (error) {
    return errorResponse(error, event.rawPath);
  }
}

export const handler = withObservability(postOrder);
