import type { Logger } from '@aws-lambda-powertools/logger';
import { mapAmazonOrder } from '../channels/amazon.js';
import {
  MAX_RESTRICTED_RESOURCES,
  type AmazonClient,
  type AmazonOrderSummary,
} from '../channels/clients/amazon-client.js';
import { ChannelApiError } from '../channels/clients/http.js';
import type { Channel } from '../domain/channel.js';
import { ConflictError, ValidationError } from '../domain/errors.js';
import { receiveOrder, type ReceiveOrderDeps } from './receive-order.js';

export type AmazonOrdersApi = Pick<
  AmazonClient,
  'getOrders' | 'getOrderItems' | 'getOrderAddress' | 'createRestrictedDataToken'
>;

export interface PollAmazonOrdersDeps extends ReceiveOrderDeps {
  listChannels(): Promise<Channel[]>;
  /** The channel's SP-API client and the marketplaces it sells in, from its credentials secret. */
  connect(channel: Channel): Promise<{ api: AmazonOrdersApi; marketplaceIds: string[] }>;
  getCheckpoint(name: string): Promise<string | undefined>;
  advanceCheckpoint(name: string, lastUpdatedAfter: string, now: Date): Promise<boolean>;
  /** False once the invocation must stop so that it ends before its timeout. */
  hasTimeLeft(): boolean;
  log: Pick<Logger, 'info' | 'warn' | 'error'>;
}

export interface PollAmazonOrdersOptions {
  /** How far back the first run of a channel (one without a checkpoint) reads. */
  initialLookbackMs: number;
}

export interface ChannelPollSummary {
  channelId: string;
  received: number;
  duplicates: number;
  /** Orders Amazon changed after we received them: changes to an order are not ingested yet. */
  updatesNotIngested: number;
  /** Orders the OMS does not take (see mapAmazonOrder), e.g. ones fulfilled by Amazon. */
  ignored: number;
  notMapped: number;
  /** The checkpoint once this run ended. */
  lastUpdatedAfter?: string;
  /** False when the run stopped before the end of its window; the next one resumes from the checkpoint. */
  complete: boolean;
  error?: string;
}

export const DEFAULT_INITIAL_LOOKBACK_MS = 24 * 60 * 60 * 1000;

/** Amazon sets LastUpdateDate eventually: an order can show up a little after its update time. */
export const CHECKPOINT_OVERLAP_MS = 2 * 60 * 1000;

/**
 * Amazon refuses a LastUpdatedBefore later than two minutes before the request; one more minute
 * allows for our clock being ahead of Amazon's.
 */
export const UPDATE_SETTLE_MS = 3 * 60 * 1000;

/** Asking Amazon for these only spares the rate-limited item calls; mapAmazonOrder still decides. */
const INGESTED_ORDER_STATUSES = ['Unshipped', 'PartiallyShipped', 'Shipped', 'InvoiceUnconfirmed'];
const INGESTED_FULFILLMENT_CHANNELS = ['MFN'];

type Outcome = 'received' | 'duplicates' | 'updatesNotIngested' | 'ignored' | 'notMapped';

export const amazonCheckpointName = (channelId: string) => `amazon#${channelId}`;

/**
 * Polls every active Amazon channel, one after the other:
 * 1. reads from the checkpoint (less an overlap) or, the first time, from now less the lookback,
 *    up to now less the time Amazon needs to settle its updates;
 * 2. pages through getOrders and, per order, its items (all pages) and, when getOrders withholds
 *    it, its shipping address, with a Restricted Data Token per page (per 50 orders) so that the
 *    address is complete; when Amazon refuses the token the address comes without name, street
 *    and phone, so the order does not map (logged once per channel and run);
 * 3. maps each order and receives it like an order posted by an HTTP channel, so an order seen
 *    again (the overlap, a retry) is stored once; an order that does not map is logged and
 *    skipped, and so is a changed order;
 * 4. moves the checkpoint after every page to the latest LastUpdateDate processed (Amazon lists
 *    orders by LastUpdateDate, oldest first), and to the end of the window once it is read;
 * 5. stops when the invocation runs short of time; the next one resumes from the checkpoint.
 * A channel that fails is reported in its summary and does not keep the others from polling.
 */
export async function pollAmazonOrders(
  deps: PollAmazonOrdersDeps,
  options: PollAmazonOrdersOptions,
): Promise<ChannelPollSummary[]> {
  const channels = (await deps.listChannels()).filter(
    (channel) => channel.active && channel.format === 'amazon',
  );
  const summaries: ChannelPollSummary[] = [];
  for (const channel of channels) {
    if (!deps.hasTimeLeft()) break;
    summaries.push(await pollChannel(deps, channel, options));
  }
  return summaries;
}

async function pollChannel(
  deps: PollAmazonOrdersDeps,
  channel: Channel,
  options: PollAmazonOrdersOptions,
): Promise<ChannelPollSummary> {
  const { channelId } = channel;
  const checkpointName = amazonCheckpointName(channelId);
  const summary: ChannelPollSummary = {
    channelId,
    received: 0,
    duplicates: 0,
    updatesNotIngested: 0,
    ignored: 0,
    notMapped: 0,
    complete: false,
  };
  let processedThrough: string | undefined;
  const restrictedData = { refused: false };
  const saveCheckpoint = async (lastUpdatedAfter: string | undefined) => {
    if (!lastUpdatedAfter || (summary.lastUpdatedAfter && lastUpdatedAfter <= summary.lastUpdatedAfter))
      return;
    await deps.advanceCheckpoint(checkpointName, lastUpdatedAfter, deps.now());
    summary.lastUpdatedAfter = lastUpdatedAfter;
  };

  try {
    const checkpoint = await deps.getCheckpoint(checkpointName);
    if (checkpoint) summary.lastUpdatedAfter = checkpoint;
    const now = deps.now().getTime();
    const windowStart = checkpoint
      ? Date.parse(checkpoint) - CHECKPOINT_OVERLAP_MS
      : now - options.initialLookbackMs;
    const windowEnd = new Date(now - UPDATE_SETTLE_MS).toISOString();
    if (new Date(windowStart).toISOString() >= windowEnd) return { ...summary, complete: true };

    const { api, marketplaceIds } = await deps.connect(channel);
    let nextToken: string | undefined;
    do {
      if (!deps.hasTimeLeft()) return summary;
      const page = await api.getOrders({
        marketplaceIds,
        lastUpdatedAfter: new Date(windowStart).toISOString(),
        lastUpdatedBefore: windowEnd,
        orderStatuses: INGESTED_ORDER_STATUSES,
        fulfillmentChannels: INGESTED_FULFILLMENT_CHANNELS,
        ...(nextToken && { nextToken }),
      });
      const addressTokens = await restrictedDataTokens(deps, channelId, api, page.items, restrictedData);
      for (const order of page.items) {
        if (!deps.hasTimeLeft()) {
          await saveCheckpoint(processedThrough);
          return summary;
        }
        summary[await ingestOrder(deps, channel, api, order, addressTokens.get(order.AmazonOrderId))] += 1;
        const updatedAt = new Date(order.LastUpdateDate).toISOString();
        if (!processedThrough || updatedAt > processedThrough) processedThrough = updatedAt;
      }
      await saveCheckpoint(processedThrough);
      nextToken = page.nextToken;
    } while (nextToken);
    await saveCheckpoint(windowEnd);
    return { ...summary, complete: true };
  } catch (error) {
    deps.log.error('Polling an Amazon channel failed; the next run resumes from its checkpoint', {
      channelId,
      error,
    });
    await saveCheckpoint(processedThrough).catch((saveError: unknown) =>
      deps.log.error('Saving the checkpoint of an Amazon channel failed', { channelId, error: saveError }),
    );
    return { ...summary, error: (error as Error).message };
  }
}

/** Pick-up orders have no shipping address; for others getOrders withholds it (it is restricted data). */
const needsAddress = (order: AmazonOrderSummary) => order.IsISPU !== true && !order.ShippingAddress;

/**
 * Restricted Data Tokens for the addresses of a page of orders, by AmazonOrderId: one token per
 * MAX_RESTRICTED_RESOURCES orders rather than one per order, as the Tokens API has its own rate
 * limit. A token lives an hour (expiresIn), longer than an invocation, so a page never outlives
 * its tokens. Once Amazon refuses one (403: the application lacks the role for personal data),
 * the run asks no more and the addresses are fetched with the access token.
 */
async function restrictedDataTokens(
  deps: PollAmazonOrdersDeps,
  channelId: string,
  api: AmazonOrdersApi,
  orders: AmazonOrderSummary[],
  restrictedData: { refused: boolean },
): Promise<Map<string, string>> {
  const tokens = new Map<string, string>();
  const orderIds = orders.filter(needsAddress).map((order) => order.AmazonOrderId);
  for (let start = 0; start < orderIds.length && !restrictedData.refused; start += MAX_RESTRICTED_RESOURCES) {
    const batch = orderIds.slice(start, start + MAX_RESTRICTED_RESOURCES);
    try {
      const { restrictedDataToken } = await api.createRestrictedDataToken(batch);
      for (const orderId of batch) tokens.set(orderId, restrictedDataToken);
    } catch (error) {
      if (!(error instanceof ChannelApiError && error.status === 403)) throw error;
      restrictedData.refused = true;
      deps.log.warn(
        'Amazon refused a Restricted Data Token; shipping addresses lack name, street and phone, so those orders will not map',
        { channelId, status: error.status },
      );
    }
  }
  return tokens;
}

async function ingestOrder(
  deps: PollAmazonOrdersDeps,
  channel: Channel,
  api: AmazonOrdersApi,
  order: AmazonOrderSummary,
  addressToken: string | undefined,
): Promise<Outcome> {
  const amazonOrderId = order.AmazonOrderId;
  const orderItems: unknown[] = [];
  let itemsToken: string | undefined;
  do {
    const page = await api.getOrderItems(amazonOrderId, itemsToken);
    orderItems.push(...page.items);
    itemsToken = page.nextToken;
  } while (itemsToken);
  const shippingAddress = needsAddress(order)
    ? await api.getOrderAddress(amazonOrderId, addressToken)
    : undefined;

  try {
    // The envelope the HTTP ingest of an Amazon channel takes, kept as the payload received.
    const envelope = { order, orderItems, ...(shippingAddress !== undefined && { shippingAddress }) };
    const mapped = mapAmazonOrder(envelope);
    if (mapped.kind !== 'order') {
      deps.log.info('Amazon order not ingested', {
        channelId: channel.channelId,
        amazonOrderId,
        reason: mapped.kind === 'ignored' ? mapped.reason : 'a change to an order, not an order',
      });
      return 'ignored';
    }
    const result = await receiveOrder(deps, {
      channelId: channel.channelId,
      canonical: mapped.order,
      ...(channel.defaultCountry && { defaultCountry: channel.defaultCountry }),
      received: { rawBody: JSON.stringify(envelope), format: 'amazon' },
    });
    if (result.created) deps.log.info('Amazon order received', { orderId: result.orderId, amazonOrderId });
    return result.created ? 'received' : 'duplicates';
  } catch (error) {
    if (error instanceof ConflictError) {
      deps.log.info('Amazon order was updated after it was received; the update is not ingested', {
        channelId: channel.channelId,
        amazonOrderId,
        orderId: error.details.orderId,
      });
      return 'updatesNotIngested';
    }
    if (error instanceof ValidationError) {
      deps.log.warn('Amazon order can not be mapped; skipped', {
        channelId: channel.channelId,
        amazonOrderId,
        issues: error.issues,
      });
      return 'notMapped';
    }
    throw error;
  }
}
