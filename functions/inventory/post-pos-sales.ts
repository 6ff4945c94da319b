import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { ulid } from 'ulid';
import type { Channel } from '../domain/channel.js';
import { counterSaleReceipts } from '../domain/inventory/counter-sale.js';
import { posSaleMovements, PosSaleBatch } from '../domain/inventory/movement.js';
import { NotFoundError, ValidationError } from '../domain/errors.js';
import { parseOrThrow } from '../domain/validation.js';
import { getChannel } from '../data/config-repository.js';
import { createCounterSaleOrder } from '../data/counter-sales-repository.js';
import { locationExists } from '../data/products-repository.js';
import { errorResponse, json, jsonBodyOf, pathParameter, type HttpResponse } from '../shared/http.js';
import { actorFrom, authorizeResource } from '../shared/access.js';
import { withApiAccess } from '../shared/middleware.js';
import { recordCounterSales } from './record-counter-sales.js';
import { recordPosSales } from './record-movement.js';

const counterSalesDeps = { createCounterSaleOrder, newId: ulid, now: () => new Date() };

/**
 * POST /v1/locations/{locationId}/pos-sales: the sales a register made, possibly while offline,
 * with their original times, and the orders of the till receipts they were rung up on. 200 with
 * one result per sale and one per receipt; sending the batch again is safe. Everything the batch
 * names (location, POS channel, each receipt as an order) is checked before anything is written.
 */
export async function postPosSales(event: APIGatewayProxyEventV2): Promise<HttpResponse> {
  try {
    const locationId = pathParameter(event, 'locationId');
    const batch = parseOrThrow(PosSaleBatch, jsonBodyOf(event), 'POS sale batch');
    if (!(await locationExists(locationId))) throw new NotFoundError(`There is no location "${locationId}".`);
    const receipts = counterSaleReceipts(locationId, batch);
    const channel = await posChannelOf(event, batch);
    const sales = posSaleMovements(locationId, batch);
    const results = await recordPosSales(sales, actorFrom(event), () => new Date().toISOString());
    const orders = channel
      ? await recordCounterSales(counterSalesDeps, {
          locationId,
          channelId: channel.channelId,
          ...(channel.defaultCountry && { defaultCountry: channel.defaultCountry }),
          batch,
          receipts,
          sales: results,
        })
      : [];
    return json(200, {
      locationId,
      recorded: results.filter((result) => result.status === 'recorded').length,
      duplicates: results.filter((result) => result.status === 'duplicate').length,
      oversold: results.filter((result) => 'oversold' in result && result.oversold).length,
      rejected: results.filter((result) => result.status === 'rejected').length,
      results,
      orders,
    });
  } catch (error) {
    return errorResponse(error, event.rawPath);
  }
}

/**
 * The POS channel the batch names, whose orders the caller must be allowed to make (403) and which
 * must be configured and active (400), before anything is written.
 */
async function posChannelOf(
  event: APIGatewayProxyEventV2,
  batch: PosSaleBatch,
): Promise<Channel | undefined> {
  if (batch.channelId === undefined) return undefined;
  authorizeResource(event, { channelIds: [batch.channelId] });
  const channel = await getChannel(batch.channelId);
  if (channel?.active) return channel;
  throw new ValidationError('The POS sale batch names no active channel.', [
    { path: 'channelId', message: `must be a configured, active channel; "${batch.channelId}" is not` },
  ]);
}

export const handler = withApiAccess(postPosSales);
