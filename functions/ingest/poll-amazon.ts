import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context, ScheduledEvent } from 'aws-lambda';
import { ulid } from 'ulid';
import { createAmazonClient, parseAmazonCredentials } from '../channels/clients/amazon-client.js';
import { advanceCheckpoint, getCheckpoint } from '../data/checkpoint-repository.js';
import { listChannels } from '../data/config-repository.js';
import { createOrder } from '../data/orders-repository.js';
import type { Channel } from '../domain/channel.js';
import { withObservability } from '../shared/middleware.js';
import { logger, metrics } from '../shared/observability.js';
import { resolveSecret } from '../shared/secrets.js';
import {
  DEFAULT_INITIAL_LOOKBACK_MS,
  pollAmazonOrders,
  type AmazonOrdersApi,
  type ChannelPollSummary,
} from './poll-amazon-orders.js';

/** Left for the request in flight when the poll stops: a throttled getOrders waits up to a minute. */
export const STOP_MARGIN_MS = 75_000;

/** Clients outlive an invocation, so a warm container keeps its access token and rate-limit buckets. */
const connections = new Map<string, { key: string; api: AmazonOrdersApi; marketplaceIds: string[] }>();

async function connect(channel: Channel) {
  if (!channel.api)
    throw new Error(`Channel ${channel.channelId} has no api (baseUrl, accessTokenSecretName).`);
  const { baseUrl, accessTokenSecretName } = channel.api;
  const secret = await resolveSecret(accessTokenSecretName);
  if (!secret) throw new Error(`Secret ${accessTokenSecretName} of channel ${channel.channelId} is missing.`);
  const key = `${baseUrl}\n${secret}`;
  const cached = connections.get(channel.channelId);
  if (cached?.key === key) return cached;
  const credentials = parseAmazonCredentials(secret, accessTokenSecretName);
  const connection = {
    key,
    api: createAmazonClient({ baseUrl, credentials }),
    marketplaceIds: credentials.marketplaceIds,
  };
  connections.set(channel.channelId, connection);
  return connection;
}

/** Scheduled (lib/schedules.ts): reads new and updated orders of every Amazon channel. */
export async function pollAmazon(_event: ScheduledEvent, context: Context): Promise<ChannelPollSummary[]> {
  const lookbackMinutes = Number(process.env.AMAZON_INITIAL_LOOKBACK_MINUTES);
  const summaries = await pollAmazonOrders(
    {
      listChannels,
      connect,
      getCheckpoint,
      advanceCheckpoint,
      createOrder,
      newId: ulid,
      now: () => new Date(),
      hasTimeLeft: () => context.getRemainingTimeInMillis() > STOP_MARGIN_MS,
      log: logger,
    },
    { initialLookbackMs: lookbackMinutes > 0 ? lookbackMinutes * 60_000 : DEFAULT_INITIAL_LOOKBACK_MS },
  );
  for (const summary of summaries) publishMetrics(summary);
  const failed = summaries.filter((summary) => summary.error !== undefined);
  // Failing the invocation raises the function's error alarm; the channels that worked are saved.
  if (failed.length > 0)
    throw new Error(`Polling failed for ${failed.map((summary) => summary.channelId).join(', ')}.`);
  return summaries;
}

function publishMetrics(summary: ChannelPollSummary): void {
  // A single metric carries its own dimensions, and one invocation reports several channels.
  const count = (name: string, value: number) => {
    const metric = metrics.singleMetric();
    metric.addDimension('channel', summary.channelId);
    metric.addMetric(name, MetricUnit.Count, value);
  };
  count('OrdersReceived', summary.received);
  count('DuplicateDeliveries', summary.duplicates);
  count('AmazonOrderUpdatesNotIngested', summary.updatesNotIngested);
  count('AmazonOrdersNotMapped', summary.notMapped);
  count('AmazonPollFailures', summary.error === undefined ? 0 : 1);
}

export const handler = withObservability(pollAmazon);
