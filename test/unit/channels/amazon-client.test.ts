import { afterEach, describe, expect, it } from 'vitest';
import {
  createAmazonClient,
  parseAmazonCredentials,
  type AmazonClientOptions,
} from '../../../functions/channels/clients/amazon-client.js';
import { ChannelApiError } from '../../../functions/channels/clients/http.js';
import {
  FAKE_ACCESS_TOKEN,
  restrictedData,
  RESTRICTED_DATA_TOKEN_PATH,
  startFakeSpApi,
  tokenResponse,
  virtualClock,
  type SpApiRequest,
  type SpApiResponse,
} from '../../helpers/fake-sp-api.js';
import { fixture, type JsonObject } from './helpers.js';

type Examples = Record<string, { sandbox_static: { response: { payload: JsonObject } }[] }>;
const examples = fixture<Examples>('amazon-sp-api-orders-v0-examples.json');
const ordersPage = (index: number) => examples.getOrders!.sandbox_static[index]!.response;
const itemsPage = examples.getOrderItems!.sandbox_static[0]!.response;
const fullAddress = examples.getOrderAddress!.sandbox_static[0]!.response.payload
  .ShippingAddress as JsonObject;
const rdtResponse = { status: 200, body: { restrictedDataToken: 'Atz.sprdt|rdt', expiresIn: 3600 } };

const credentials = {
  clientId: 'amzn1.application-oa2-client.test',
  clientSecret: 'client-secret',
  refreshToken: 'Atzr|refresh-token',
  marketplaceIds: ['ATVPDKIKX0DER'],
};

let api: Awaited<ReturnType<typeof startFakeSpApi>> | undefined;
afterEach(() => api?.close());

/** A fake that answers the token exchange itself and every SP-API call with `respond`. */
async function clientAgainst(
  respond: (request: SpApiRequest) => SpApiResponse,
  options: Partial<AmazonClientOptions> = {},
) {
  api = await startFakeSpApi((request) =>
    request.path === '/auth/o2/token' ? tokenResponse() : respond(request),
  );
  const clock = virtualClock();
  const client = createAmazonClient({
    baseUrl: api.baseUrl,
    credentials: { ...credentials, lwaUrl: api.lwaUrl },
    clock,
    ...options,
  });
  return { client, clock, fake: api };
}

const window = { marketplaceIds: ['ATVPDKIKX0DER'], lastUpdatedAfter: '2026-01-15T10:00:00.000Z' };

describe('the Amazon SP-API client', () => {
  it('exchanges the refresh token at Login with Amazon and sends the access token it gets', async () => {
    const { client, fake } = await clientAgainst(() => ({ status: 200, body: ordersPage(0) }));

    await client.getOrders(window);

    const [exchange, call] = fake.requests;
    expect(exchange).toMatchObject({
      method: 'POST',
      headers: expect.objectContaining({ 'content-type': 'application/x-www-form-urlencoded' }),
    });
    expect(Object.fromEntries(new URLSearchParams(exchange!.body))).toEqual({
      grant_type: 'refresh_token',
      refresh_token: credentials.refreshToken,
      client_id: credentials.clientId,
      client_secret: credentials.clientSecret,
    });
    expect(call?.headers['x-amz-access-token']).toBe(FAKE_ACCESS_TOKEN);
  });

  it('keeps the access token until shortly before it expires', async () => {
    const { client, clock, fake } = await clientAgainst(() => ({ status: 200, body: itemsPage }));
    const exchanges = () => fake.requests.filter((request) => request.path === '/auth/o2/token').length;

    await client.getOrderItems('902-1845936-5435065');
    clock.advance(30 * 60_000);
    await client.getOrderItems('902-1845936-5435065');
    expect(exchanges()).toBe(1);

    clock.advance(29.5 * 60_000);
    await client.getOrderItems('902-1845936-5435065');
    expect(exchanges()).toBe(2);
  });

  it('asks for the window once and then follows NextToken, which carries the query on', async () => {
    const { client, fake } = await clientAgainst((request) =>
      request.query.has('NextToken')
        ? { status: 200, body: ordersPage(2) }
        : { status: 200, body: ordersPage(1) },
    );

    const first = await client.getOrders({ ...window, lastUpdatedBefore: '2026-01-15T11:57:00.000Z' });
    const second = await client.getOrders({ ...window, nextToken: first.nextToken! });

    expect(first.items.map((order) => order.AmazonOrderId)).toEqual(['902-3159896-1390916']);
    expect(first.nextToken).toBe('2YgYW55IGNhcm5hbCBwbGVhc3VyZS4');
    expect(second.nextToken).toBeUndefined();
    const [firstQuery, secondQuery] = fake.apiRequests().map((request) => Object.fromEntries(request.query));
    expect(firstQuery).toEqual({
      MarketplaceIds: 'ATVPDKIKX0DER',
      LastUpdatedAfter: '2026-01-15T10:00:00.000Z',
      LastUpdatedBefore: '2026-01-15T11:57:00.000Z',
      MaxResultsPerPage: '100',
    });
    expect(secondQuery).toEqual({ MarketplaceIds: 'ATVPDKIKX0DER', NextToken: first.nextToken });
  });

  it('pages through the items of an order', async () => {
    const items = itemsPage.payload.OrderItems as JsonObject[];
    const { client, fake } = await clientAgainst((request) =>
      request.query.get('NextToken') === 'items-2'
        ? { status: 200, body: { payload: { OrderItems: [{ ...items[0], OrderItemId: 'second' }] } } }
        : { status: 200, body: { payload: { OrderItems: items, NextToken: 'items-2' } } },
    );

    const first = await client.getOrderItems('902-1845936-5435065');
    const second = await client.getOrderItems('902-1845936-5435065', first.nextToken);

    expect([...first.items, ...second.items]).toHaveLength(2);
    expect(second.nextToken).toBeUndefined();
    expect(fake.apiRequests().map((request) => request.path)).toEqual([
      '/orders/v0/orders/902-1845936-5435065/orderItems',
      '/orders/v0/orders/902-1845936-5435065/orderItems',
    ]);
  });

  it('retries a throttled call after the Retry-After Amazon sends', async () => {
    let calls = 0;
    const { client, clock } = await clientAgainst(() =>
      (calls += 1) === 1
        ? { status: 429, headers: { 'retry-after': '3' } }
        : { status: 200, body: itemsPage },
    );

    const page = await client.getOrderItems('902-1845936-5435065');

    expect(page.items).toHaveLength(1);
    expect(clock.sleeps).toEqual([3000]);
  });

  it('waits for the rate in x-amzn-RateLimit-Limit after a 429 that names no Retry-After', async () => {
    let calls = 0;
    const { client, clock } = await clientAgainst(() =>
      (calls += 1) === 1
        ? { status: 429, headers: { 'x-amzn-ratelimit-limit': '0.25' } }
        : { status: 200, body: itemsPage },
    );

    await client.getOrderItems('902-1845936-5435065');

    // One second of backoff, then the rest of the four seconds a token takes at 0.25 per second.
    expect(clock.sleeps).toEqual([1000, 3000]);
  });

  it('spaces calls by the rate of the operation once its burst is used', async () => {
    const { client, clock } = await clientAgainst(() => ({ status: 200, body: itemsPage }), {
      rateLimits: { getOrderItems: { ratePerSecond: 2, burst: 2 } },
    });

    for (let call = 0; call < 4; call += 1) await client.getOrderItems('902-1845936-5435065');

    expect(clock.sleeps).toEqual([500, 500]);
  });

  it('keeps separate buckets per operation', async () => {
    const { client, clock } = await clientAgainst(
      (request) => ({ status: 200, body: request.path.endsWith('/orderItems') ? itemsPage : ordersPage(0) }),
      { rateLimits: { getOrders: { ratePerSecond: 0.0167, burst: 1 } } },
    );

    await client.getOrders(window);
    await client.getOrderItems('902-1845936-5435065');

    expect(clock.sleeps).toEqual([]);
  });

  it('fails at once, without retrying, when Amazon refuses the access', async () => {
    const { client, fake } = await clientAgainst(() => ({
      status: 403,
      body: { errors: [{ code: 'Unauthorized' }] },
    }));

    const failure = client.getOrders(window);

    await expect(failure).rejects.toBeInstanceOf(ChannelApiError);
    await expect(failure).rejects.toMatchObject({ status: 403 });
    expect(fake.apiRequests()).toHaveLength(1);
  });

  it('gives up on a call that stays throttled, naming the call but not its NextToken', async () => {
    const { client } = await clientAgainst(() => ({ status: 429, headers: { 'retry-after': '1' } }), {
      retry: { maxAttempts: 3 },
    });

    await expect(client.getOrders({ ...window, nextToken: 'secret-ish-token' })).rejects.toThrow(
      /^GET http:\/\/127\.0\.0\.1:\d+\/orders\/v0\/orders failed after 3 attempts \(HTTP 429\)\.$/,
    );
  });
});

describe('Restricted Data Tokens for order addresses', () => {
  const orderId = '902-1845936-5435065';
  const addressPath = `/orders/v0/orders/${orderId}/address`;

  /** A fake that issues tokens and answers getOrderAddress; `tokens` may answer the token call instead. */
  async function tokensAgainst(tokens?: (request: SpApiRequest) => SpApiResponse | undefined) {
    const rdt = restrictedData();
    const setup = await clientAgainst((request) =>
      request.path === RESTRICTED_DATA_TOKEN_PATH
        ? (tokens?.(request) ?? rdt.issue(request))
        : rdt.address(request, fullAddress),
    );
    return { ...setup, rdt };
  }

  it('asks with the access token for one token covering the address of every order given', async () => {
    const { client, fake } = await tokensAgainst();

    const token = await client.createRestrictedDataToken([orderId, '902-8745147-1934268']);

    expect(token).toEqual({ restrictedDataToken: 'Atz.sprdt|fake-1', expiresIn: 3600 });
    const [request] = fake.tokenRequests();
    expect(request).toMatchObject({
      method: 'POST',
      headers: expect.objectContaining({
        'content-type': 'application/json',
        'x-amz-access-token': FAKE_ACCESS_TOKEN,
      }),
    });
    expect(JSON.parse(request!.body)).toEqual({
      restrictedResources: [
        { method: 'GET', path: addressPath, dataElements: ['shippingAddress'] },
        {
          method: 'GET',
          path: '/orders/v0/orders/902-8745147-1934268/address',
          dataElements: ['shippingAddress'],
        },
      ],
    });
  });

  it('fetches the full address with the token, and only the unrestricted fields without it', async () => {
    const { client, fake } = await tokensAgainst();
    const { restrictedDataToken } = await client.createRestrictedDataToken([orderId]);

    const full = await client.getOrderAddress(orderId, restrictedDataToken);
    const partial = await client.getOrderAddress(orderId);

    expect(full).toEqual(fullAddress);
    expect(partial).not.toHaveProperty('AddressLine1');
    expect(fake.apiRequests().map((request) => request.headers['x-amz-access-token'])).toEqual([
      restrictedDataToken,
      FAKE_ACCESS_TOKEN,
    ]);
  });

  it('fails at once with the 403 of an application without the role for personal data', async () => {
    const { client, fake } = await tokensAgainst(() => ({
      status: 403,
      body: { errors: [{ code: 'Unauthorized' }] },
    }));

    const failure = client.createRestrictedDataToken([orderId]);

    await expect(failure).rejects.toBeInstanceOf(ChannelApiError);
    await expect(failure).rejects.toMatchObject({ status: 403 });
    expect(fake.tokenRequests()).toHaveLength(1);
  });

  it('retries a throttled token request after the Retry-After Amazon sends', async () => {
    let calls = 0;
    const { client, clock, fake } = await tokensAgainst(() =>
      (calls += 1) === 1 ? { status: 429, headers: { 'retry-after': '2' } } : undefined,
    );

    const { restrictedDataToken } = await client.createRestrictedDataToken([orderId]);

    expect(restrictedDataToken).toBe('Atz.sprdt|fake-1');
    expect(fake.tokenRequests()).toHaveLength(2);
    expect(clock.sleeps).toEqual([2000]);
  });

  it('spaces token requests at one a second once the burst of 10 is used', async () => {
    const { client, clock } = await clientAgainst(() => rdtResponse);

    for (let call = 0; call < 11; call += 1) await client.createRestrictedDataToken([orderId]);

    expect(clock.sleeps).toEqual([1000]);
  });

  it('refuses to ask for more orders than one token covers, or none', async () => {
    const { client, fake } = await clientAgainst(() => rdtResponse);
    const orderIds = Array.from(
      { length: 51 },
      (_, index) => `902-0000000-${String(index).padStart(7, '0')}`,
    );

    await expect(client.createRestrictedDataToken(orderIds)).rejects.toThrow(RangeError);
    await expect(client.createRestrictedDataToken([])).rejects.toThrow(RangeError);
    await expect(client.createRestrictedDataToken(orderIds.slice(0, 50))).resolves.toEqual(rdtResponse.body);
    expect(fake.tokenRequests()).toHaveLength(1);
  });
});

describe('the Amazon credentials secret', () => {
  it('is read as JSON with the marketplaces the channel sells in', () => {
    expect(parseAmazonCredentials(JSON.stringify(credentials), 'oms/channels/amazon-eu')).toEqual(
      credentials,
    );
  });

  it('is never quoted in the error that says it is malformed', () => {
    const attempt = () =>
      parseAmazonCredentials('{"clientSecret": "do-not-log-me"', 'oms/channels/amazon-eu');

    expect(attempt).toThrow('Secret oms/channels/amazon-eu is not JSON.');
    expect(() => parseAmazonCredentials(JSON.stringify({ clientSecret: 'do-not-log-me' }), 'x')).toThrow(
      expect.objectContaining({ message: expect.not.stringContaining('do-not-log-me') }),
    );
  });
});
