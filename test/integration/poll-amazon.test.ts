import type { Context, ScheduledEvent } from 'aws-lambda';
import { afterAll, beforeAll, beforeEach, describe, expect, it, onTestFinished, vi } from 'vitest';
import { getCheckpoint } from '../../functions/data/checkpoint-repository.js';
import { putChannel } from '../../functions/data/config-repository.js';
import { findChannelOrderKey, getOrder, getRawPayload } from '../../functions/data/orders-repository.js';
import type { Channel } from '../../functions/domain/channel.js';
import { amazonCheckpointName, UPDATE_SETTLE_MS } from '../../functions/ingest/poll-amazon-orders.js';
import { pollAmazon } from '../../functions/ingest/poll-amazon.js';
import { logger } from '../../functions/shared/observability.js';
import {
  FAKE_ACCESS_TOKEN,
  restrictedData,
  RESTRICTED_DATA_TOKEN_PATH,
  startFakeSpApi,
  tokenResponse,
  type SpApiRequest,
  type SpApiResponse,
} from '../helpers/fake-sp-api.js';
import { useLocalTables } from '../helpers/tables.js';
import { fixture, type JsonObject } from '../unit/channels/helpers.js';

type Examples = Record<string, { sandbox_static: { response: { payload: JsonObject } }[] }>;
const examples = fixture<Examples>('amazon-sp-api-orders-v0-examples.json');
const payloadOf = (operation: string, index = 0) =>
  examples[operation]!.sandbox_static[index]!.response.payload;

const minutesAgo = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString();
const [shipped, alsoShipped] = payloadOf('getOrders').Orders as JsonObject[];
const [pending] = payloadOf('getOrders', 1).Orders as JsonObject[];
const orderItems = payloadOf('getOrderItems').OrderItems as JsonObject[];
const fullAddress = payloadOf('getOrderAddress').ShippingAddress as JsonObject;
const rdt = restrictedData();

/** The fixture's orders, as if updated within the last half hour, oldest first. */
function amazonOrders(): { firstPage: JsonObject[]; secondPage: JsonObject[] } {
  return {
    firstPage: [
      { ...shipped, LastUpdateDate: minutesAgo(30) },
      { ...alsoShipped, LastUpdateDate: minutesAgo(25) },
    ],
    secondPage: [
      { ...shipped, AmazonOrderId: '902-0000000-0000001', IsISPU: true, LastUpdateDate: minutesAgo(20) },
      { ...shipped, AmazonOrderId: '902-0000000-BADITEM', LastUpdateDate: minutesAgo(15) },
      { ...pending, LastUpdateDate: minutesAgo(10) },
    ],
  };
}

/**
 * Serves two pages of orders, their items and addresses; the items of 902-0000000-BADITEM do not
 * map, and the first items call and the first token request of a run are throttled once. Restricted
 * Data Tokens are issued, or refused as to an application without the role for personal data.
 */
function sellingPartnerApi(orders = amazonOrders(), tokens: 'issued' | 'refused' = 'issued') {
  let throttled = false;
  let tokenThrottled = false;
  return (request: SpApiRequest): SpApiResponse => {
    if (request.path === '/auth/o2/token') return tokenResponse();
    if (request.path === RESTRICTED_DATA_TOKEN_PATH) {
      if (tokens === 'refused') return { status: 403, body: { errors: [{ code: 'Unauthorized' }] } };
      if (!tokenThrottled) {
        tokenThrottled = true;
        return { status: 429, headers: { 'retry-after': '0' } };
      }
      return rdt.issue(request);
    }
    if (request.path === '/orders/v0/orders') {
      return request.query.get('NextToken') === 'page-2'
        ? { status: 200, body: { payload: { Orders: orders.secondPage } } }
        : { status: 200, body: { payload: { Orders: orders.firstPage, NextToken: 'page-2' } } };
    }
    if (request.path.endsWith('/orderItems')) {
      if (!throttled) {
        throttled = true;
        return { status: 429, headers: { 'retry-after': '0' } };
      }
      const items = request.path.includes('BADITEM')
        ? orderItems.map((item) => ({ ...item, QuantityOrdered: 'two' }))
        : orderItems;
      return { status: 200, body: { payload: { OrderItems: items } } };
    }
    if (request.path.endsWith('/address')) return rdt.address(request, fullAddress);
    return { status: 404, body: { errors: [{ code: 'NotFound' }] } };
  };
}

const scheduledEvent = { source: 'aws.events', 'detail-type': 'Scheduled Event' } as ScheduledEvent;

function lambdaContext(remainingMs: () => number = () => 300_000): Context {
  return { functionName: 'poll-amazon', getRemainingTimeInMillis: remainingMs } as Context;
}

let fake: Awaited<ReturnType<typeof startFakeSpApi>>;
let respond = sellingPartnerApi();
let tables: Awaited<ReturnType<typeof useLocalTables>>;
const ACCESS_SECRET = 'oms/channels/amazon-test';

const amazonChannel = (channelId: string, overrides: Partial<Channel> = {}): Channel => ({
  channelId,
  name: 'Amazon US',
  format: 'amazon',
  secretName: 'oms/channels/amazon-signing',
  active: true,
  api: { baseUrl: fake.baseUrl, accessTokenSecretName: ACCESS_SECRET },
  ...overrides,
});

let channelSequence = 0;
/**
 * An Amazon channel of the running test alone: the poller polls every active Amazon channel, so
 * it is deactivated when the test ends, and the next test's orders are new to its own channel.
 */
async function anAmazonChannelOfThisTest(overrides: Partial<Channel> = {}): Promise<string> {
  const channelId = `amazon-${(channelSequence += 1)}`;
  await putChannel(amazonChannel(channelId, overrides));
  onTestFinished(() => putChannel(amazonChannel(channelId, { active: false })));
  return channelId;
}

/** One scheduled run, with the requests it made to the Selling Partner API. */
async function pollOnce(context = lambdaContext()) {
  const requestsBefore = fake.requests.length;
  const [summary] = await pollAmazon(scheduledEvent, context);
  const requests = fake.requests.slice(requestsBefore);
  return {
    summary: summary!,
    requests,
    apiRequests: requests.filter((request) => request.path.startsWith('/orders/')),
    tokenRequests: requests.filter((request) => request.path === RESTRICTED_DATA_TOKEN_PATH),
  };
}

/** The orders of the address paths a token request asks for. */
const requestedAddresses = (request: SpApiRequest) =>
  (JSON.parse(request.body) as { restrictedResources: { path: string }[] }).restrictedResources.map(
    ({ path }) => path.split('/')[4],
  );

/** Whether every address call was made with a Restricted Data Token granting its path. */
const addressCallsUsedTokens = (requests: SpApiRequest[]) =>
  requests
    .filter((request) => request.path.endsWith('/address'))
    .every((request) => rdt.grantedBy(request.headers['x-amz-access-token'])?.has(`GET ${request.path}`));

const storedOrder = async (channelId: string, amazonOrderId: string) => {
  const key = await findChannelOrderKey(channelId, amazonOrderId);
  return key && getOrder(key.orderId);
};

beforeAll(async () => {
  tables = await useLocalTables();
  fake = await startFakeSpApi((request) => respond(request));
  process.env.OMS_SECRETS_PROVIDER = 'local';
  process.env.OMS_LOCAL_SECRETS = JSON.stringify({
    [ACCESS_SECRET]: JSON.stringify({
      clientId: 'amzn1.application-oa2-client.test',
      clientSecret: 'client-secret',
      refreshToken: 'Atzr|refresh-token',
      marketplaceIds: ['ATVPDKIKX0DER'],
      lwaUrl: fake.lwaUrl,
    }),
  });
});
beforeEach(() => {
  respond = sellingPartnerApi();
});

afterAll(() => fake.close());

describe('polling Amazon on DynamoDB Local', () => {
  it('stores each new order once, a pick-up as a pick-up, and skips what can not be mapped', async () => {
    const channelId = await anAmazonChannelOfThisTest();
    const startedAt = Date.now();

    const { summary } = await pollOnce();

    expect(summary).toMatchObject({
      channelId,
      received: 3,
      duplicates: 0,
      notMapped: 1,
      ignored: 1,
      complete: true,
    });
    expect(await storedOrder(channelId, '902-1845936-5435065')).toMatchObject({
      status: 'RECEIVED',
      fulfillment: { type: 'ship' },
      shippingAddress: expect.objectContaining({ line1: '2201 WESTLAKE AVE', country: 'US' }),
    });
    expect(await storedOrder(channelId, '902-0000000-0000001')).toMatchObject({
      fulfillment: { type: 'pickup', locationId: 'ISPU_StoreId' },
    });
    const raw = await getRawPayload((await findChannelOrderKey(channelId, '902-1845936-5435065'))!.orderId);
    expect(raw?.format).toBe('amazon');
    expect(JSON.parse(raw!.rawBody)).toMatchObject({ order: { AmazonOrderId: '902-1845936-5435065' } });
    expect(await storedOrder(channelId, '902-0000000-BADITEM')).toBeUndefined();
    const checkpoint = await getCheckpoint(amazonCheckpointName(channelId));
    expect(Date.parse(checkpoint!)).toBeGreaterThanOrEqual(startedAt - UPDATE_SETTLE_MS);
    expect(Date.parse(checkpoint!)).toBeLessThanOrEqual(Date.now() - UPDATE_SETTLE_MS);
  });

  it('retries a throttled items call and fetches no address for a pick-up order', async () => {
    await anAmazonChannelOfThisTest();

    const { apiRequests } = await pollOnce();

    const itemCalls = apiRequests.filter(
      (request) => request.path === '/orders/v0/orders/902-1845936-5435065/orderItems',
    );
    expect(itemCalls).toHaveLength(2);
    expect(
      apiRequests.filter((request) => request.path.endsWith('/address')).map((request) => request.path),
    ).toEqual([
      '/orders/v0/orders/902-1845936-5435065/address',
      '/orders/v0/orders/902-8745147-1934268/address',
      '/orders/v0/orders/902-0000000-BADITEM/address',
      '/orders/v0/orders/902-3159896-1390916/address',
    ]);
  });

  it('fetches the addresses with a Restricted Data Token per page, after retrying the throttled one', async () => {
    await anAmazonChannelOfThisTest();

    const { tokenRequests, requests } = await pollOnce();

    expect(tokenRequests).toHaveLength(3);
    expect(tokenRequests.map(requestedAddresses)).toEqual([
      ['902-1845936-5435065', '902-8745147-1934268'],
      ['902-1845936-5435065', '902-8745147-1934268'],
      ['902-0000000-BADITEM', '902-3159896-1390916'],
    ]);
    expect(JSON.parse(tokenRequests[0]!.body)).toMatchObject({
      restrictedResources: [
        {
          method: 'GET',
          path: '/orders/v0/orders/902-1845936-5435065/address',
          dataElements: ['shippingAddress'],
        },
        {
          method: 'GET',
          path: '/orders/v0/orders/902-8745147-1934268/address',
          dataElements: ['shippingAddress'],
        },
      ],
    });
    expect(tokenRequests.map((request) => request.headers['x-amz-access-token'])).toEqual([
      FAKE_ACCESS_TOKEN,
      FAKE_ACCESS_TOKEN,
      FAKE_ACCESS_TOKEN,
    ]);
    expect(addressCallsUsedTokens(requests)).toBe(true);
  });

  it('stores nothing new when it reads the same orders again, and reads from the checkpoint', async () => {
    const channelId = await anAmazonChannelOfThisTest();
    await pollOnce();
    const checkpoint = await getCheckpoint(amazonCheckpointName(channelId));
    const itemsBefore = await tables.itemCount('ORDERS_TABLE');
    respond = sellingPartnerApi();

    const { summary, requests } = await pollOnce();

    expect(summary).toMatchObject({ received: 0, duplicates: 3, notMapped: 1, complete: true });
    expect(await tables.itemCount('ORDERS_TABLE')).toBe(itemsBefore);
    const firstListing = requests.find((request) => request.path === '/orders/v0/orders');
    expect(firstListing?.query.get('LastUpdatedAfter')).toBe(
      new Date(Date.parse(checkpoint!) - 2 * 60_000).toISOString(),
    );
    expect(await getCheckpoint(amazonCheckpointName(channelId))).not.toBe(checkpoint);
  });

  it('logs an order Amazon changed after it was received as an update and polls on', async () => {
    const channelId = await anAmazonChannelOfThisTest();
    await pollOnce();
    const orders = amazonOrders();
    orders.firstPage[0] = { ...orders.firstPage[0], ShipmentServiceLevelCategory: 'Expedited' };
    respond = sellingPartnerApi(orders);

    const { summary } = await pollOnce();

    expect(summary).toMatchObject({ updatesNotIngested: 1, duplicates: 2, complete: true });
    expect((await storedOrder(channelId, '902-1845936-5435065'))?.fulfillment).toEqual({
      type: 'ship',
      method: 'Standard',
    });
  });

  it('stops before the Lambda times out and resumes from the last order it processed', async () => {
    const channelId = await anAmazonChannelOfThisTest({ name: 'Amazon, resumed' });
    const orders = amazonOrders();
    respond = sellingPartnerApi(orders);
    let remainingMs = 300_000;

    const { summary: interrupted } = await pollOnce(lambdaContext(() => (remainingMs -= 40_000)));

    expect(interrupted).toMatchObject({ channelId, complete: false });
    const processed = interrupted.received + interrupted.notMapped + interrupted.ignored;
    const lastProcessed = [...orders.firstPage, ...orders.secondPage][processed - 1]!;
    expect(await getCheckpoint(amazonCheckpointName(channelId))).toBe(
      new Date(String(lastProcessed.LastUpdateDate)).toISOString(),
    );

    const { summary: resumed } = await pollOnce();
    expect(resumed).toMatchObject({ received: 3 - interrupted.received, complete: true });
  });

  it('fetches the addresses with the access token when Amazon refuses a Restricted Data Token, and says so once', async () => {
    const channelId = await anAmazonChannelOfThisTest({ name: 'Amazon, no PII role' });
    respond = sellingPartnerApi(amazonOrders(), 'refused');
    const warn = vi.spyOn(logger, 'warn');

    const { summary, requests, tokenRequests } = await pollOnce();

    // The pick-up needs no address; the two shipped orders lack name and street, and do not map.
    expect(summary).toMatchObject({ channelId, received: 1, notMapped: 3, complete: true });
    expect(tokenRequests).toHaveLength(1);
    const addressTokens = requests
      .filter((request) => request.path.endsWith('/address'))
      .map((request) => request.headers['x-amz-access-token']);
    expect(addressTokens).toEqual([
      FAKE_ACCESS_TOKEN,
      FAKE_ACCESS_TOKEN,
      FAKE_ACCESS_TOKEN,
      FAKE_ACCESS_TOKEN,
    ]);
    const refusals = warn.mock.calls.filter(([message]) => String(message).includes('Restricted Data Token'));
    expect(refusals).toEqual([[expect.any(String), { channelId, status: 403 }]]);
    warn.mockRestore();
  });

  it('asks for one token per 50 orders of a page', async () => {
    const channelId = await anAmazonChannelOfThisTest({ name: 'Amazon, many orders' });
    const bulk = Array.from({ length: 51 }, (_, index) => ({
      ...pending,
      AmazonOrderId: `902-0000000-${String(index).padStart(7, '0')}`,
      LastUpdateDate: minutesAgo(10),
    }));
    const api = sellingPartnerApi({ firstPage: bulk, secondPage: [] });
    // Amazon's rate header lets the fake spare the test the real waits of 51 item and address calls.
    respond = (request) => {
      const response = api(request);
      return { ...response, headers: { ...response.headers, 'x-amzn-ratelimit-limit': '100' } };
    };

    const { summary, requests, tokenRequests } = await pollOnce();

    expect(summary).toMatchObject({ channelId, ignored: 51, complete: true });
    const granted = tokenRequests.slice(1);
    expect(granted.map(requestedAddresses)).toEqual([
      bulk.slice(0, 50).map((order) => order.AmazonOrderId),
      bulk.slice(50).map((order) => order.AmazonOrderId),
    ]);
    expect(requests.filter((request) => request.path.endsWith('/address'))).toHaveLength(51);
    expect(addressCallsUsedTokens(requests)).toBe(true);
  });
});
