import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { ChannelAvailabilityQuery } from '../domain/inventory/queries.js';
import { NotFoundError } from '../domain/errors.js';
import { parseOrThrow } from '../domain/validation.js';
import { listLocations } from '../data/config-repository.js';
import { listChannelChanges } from '../data/inventory-repository.js';
import { listChannelIds } from '../data/products-repository.js';
import { knownChannelIds } from '../domain/inventory/aggregate.js';
import { errorResponse, json, pathParameter, type HttpResponse } from '../shared/http.js';
import { withApiAccess } from '../shared/middleware.js';

/**
 * GET /v1/channels/{channelId}/availability?since&limit&cursor: the channel's availability
 * changes after `since`, oldest first; a channel polls with the last `changedAt` it saw.
 */
export async function getChannelAvailability(event: APIGatewayProxyEventV2): Promise<HttpResponse> {
  try {
    const channelId = pathParameter(event, 'channelId');
    const query = parseOrThrow(ChannelAvailabilityQuery, event.queryStringParameters ?? {}, 'query');
    const known = knownChannelIds(await listChannelIds(), await listLocations());
    if (!known.includes(channelId)) throw new NotFoundError(`There is no channel "${channelId}".`);
    const page = await listChannelChanges(channelId, query);
    return json(200, { channelId, since: query.since, ...page });
  } catch (error) {
    return errorResponse(error, event.rawPath);
  }
}

export const handler = withApiAccess(getChannelAvailability);
