import { afterEach, describe, expect, it } from 'vitest';
import { createAmazonClient } from '../../../functions/channels/clients/amazon-client.js';
import {
  createBigCommerceClient,
  MAX_PAGES,
} from '../../../functions/channels/clients/bigcommerce-client.js';
import { ChannelApiError } from '../../../functions/channels/clients/http.js';
import { createSquareClient } from '../../../functions/channels/clients/square-client.js';
import { startFakeSpApi, tokenResponse, virtualClock } from '../../helpers/fake-sp-api.js';
import { startMisbehavingApi, type Misbehavior } from '../../helpers/misbehaving-api.js';
import { aBigCommerceOrder, aBigCommerceProductList, recordingSleep, startFakeApi } from './helpers.js';

/**
 * The channel API clients against servers that answer too slowly, forever or too much: each
 * fails with a ChannelApiError (which the ingest answers 503, so the channel delivers again)
 * instead of holding the function until Lambda kills it or filling its memory.
 */
const servers: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function misbehaving(misbehavior: Misbehavior) {
  const server = await startMisbehavingApi(misbehavior);
  servers.push(server);
  return server;
}

/** Short limits keep the tests quick; the defaults are in functions/channels/clients/http.ts. */
const LIMITS = { timeoutMs: 150, maxResponseBytes: 64 * 1024 };
/**
 * For the size caps: time enough that a loaded machine reaches the cap before the timeout, so
 * the failure is the one under test.
 */
const SIZE_LIMITS = { ...LIMITS, timeoutMs: 30_000 };

async function failureOf(operation: Promise<unknown>): Promise<ChannelApiError> {
  const error = await operation.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(ChannelApiError);
  return error as ChannelApiError;
}

describe('Square client limits', () => {
  it.each(['silent', 'stalled'] as const)(
    'gives up on a %s server once every attempt timed out',
    async (misbehavior) => {
      const api = await misbehaving(misbehavior);
      const { sleep } = recordingSleep();
      const client = createSquareClient({
        baseUrl: api.baseUrl,
        accessToken: 't',
        ...LIMITS,
        retry: { maxAttempts: 2 },
        sleep,
      });

      const error = await failureOf(client.retrieveOrder('SLOW'));

      expect(error.message).toMatch(/after 2 attempts \(no complete response within \d+ ms\)/);
      expect(api.requests()).toBe(2);
    },
  );

  it('stops reading an endless body at the size cap, and does not ask again', async () => {
    const api = await misbehaving('endless');
    const client = createSquareClient({ baseUrl: api.baseUrl, accessToken: 't', ...SIZE_LIMITS });

    const error = await failureOf(client.retrieveOrder('HUGE'));

    expect(error.message).toMatch(/answered with more than 65536 bytes/);
    expect(api.requests()).toBe(1);
  });

  it('refuses a body whose Content-Length is over the cap without reading it', async () => {
    const api = await misbehaving('oversized');
    const client = createSquareClient({
      baseUrl: api.baseUrl,
      accessToken: 't',
      ...LIMITS,
      timeoutMs: 60_000,
    });

    const error = await failureOf(client.retrieveOrder('HUGE'));

    expect(error.message).toMatch(/more than 65536 bytes/);
  });
});

describe('BigCommerce client limits', () => {
  it("shares one time budget between an order's requests and retries", async () => {
    const api = await misbehaving('silent');
    const client = createBigCommerceClient({
      baseUrl: api.baseUrl,
      accessToken: 't',
      timeoutMs: 60_000,
      budgetMs: 200,
      sleep: recordingSleep().sleep,
    });

    const error = await failureOf(client.fetchOrder(250));

    expect(error.message).toMatch(
      // A loaded machine may spend the budget before the first attempt is even sent.
      /after [01] attempts, out of time for another \(no complete response within \d+ ms\)/,
    );
  });

  it('gives up on a store that keeps answering full pages', async () => {
    const product = aBigCommerceProductList()[0]!;
    const fullPage = Array.from({ length: 250 }, (_, index) => ({ ...product, id: index }));
    const api = await startFakeApi((request) => ({
      status: 200,
      body: request.url.startsWith('/v2/orders/250?') ? aBigCommerceOrder() : fullPage,
    }));
    servers.push(api);
    const client = createBigCommerceClient({ baseUrl: api.baseUrl, accessToken: 't' });

    const error = await failureOf(client.fetchOrder(250));

    expect(error.message).toMatch(new RegExp(`more than ${MAX_PAGES} pages`));
    expect(api.requests.filter((request) => request.url.includes('/products')).length).toBe(MAX_PAGES);
  });
});

describe('Amazon client limits', () => {
  async function amazonAgainst(misbehavior: Misbehavior, limits = LIMITS) {
    const api = await misbehaving(misbehavior);
    const login = await startFakeSpApi(() => tokenResponse());
    servers.push(login);
    return createAmazonClient({
      baseUrl: api.baseUrl,
      credentials: {
        clientId: 'client',
        clientSecret: 'secret',
        refreshToken: 'Atzr|refresh',
        marketplaceIds: ['ATVPDKIKX0DER'],
        lwaUrl: login.lwaUrl,
      },
      ...limits,
      retry: { maxAttempts: 2 },
      clock: virtualClock(),
    });
  }
  const window = { marketplaceIds: ['ATVPDKIKX0DER'], lastUpdatedAfter: '2026-01-15T10:00:00.000Z' };

  it('gives up on SP-API once every attempt timed out', async () => {
    const client = await amazonAgainst('stalled');

    const error = await failureOf(client.getOrders(window));

    expect(error.message).toMatch(/after 2 attempts \(no complete response within \d+ ms\)/);
  });

  it('stops reading an endless SP-API body at the size cap', async () => {
    const client = await amazonAgainst('endless', SIZE_LIMITS);

    const error = await failureOf(client.getOrders(window));

    expect(error.message).toMatch(/answered with more than 65536 bytes/);
  });
});
