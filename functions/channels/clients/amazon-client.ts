import * as z from 'zod';
import {
  ChannelApiError,
  DEFAULT_MAX_RESPONSE_BYTES,
  failureOf,
  readText,
  type RetryPolicy,
} from './http.js';

/**
 * The slice of Amazon's Selling Partner API (Orders v0) the poller needs. Amazon never pushes
 * orders to us, so this client pulls them: it exchanges the seller's refresh token for an access
 * token at Login with Amazon, and keeps each operation under its usage plan with a token bucket.
 *
 * Not built on getJson (./http.ts): SP-API announces its rate in x-amzn-RateLimit-Limit rather
 * than Retry-After, and the client has to read that header to slow its bucket down, and the token
 * exchange is a form POST.
 */
export const AmazonCredentials = z.strictObject({
  clientId: z.string().min(1),
  clientSecret: z.string().min(1),
  refreshToken: z.string().min(1),
  marketplaceIds: z.array(z.string().min(1)).min(1),
  lwaUrl: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional(),
});
export type AmazonCredentials = z.output<typeof AmazonCredentials>;

/** Reads a channel's credentials secret; errors name the secret but never quote it, as they are logged. */
export function parseAmazonCredentials(secret: string, secretName: string): AmazonCredentials {
  let json: unknown;
  try {
    json = JSON.parse(secret);
  } catch {
    throw new Error(`Secret ${secretName} is not JSON.`);
  }
  const result = AmazonCredentials.safeParse(json);
  if (!result.success) {
    throw new Error(
      `Secret ${secretName} does not hold Amazon credentials: ${z.prettifyError(result.error)}`,
    );
  }
  return result.data;
}

export const LWA_TOKEN_URL = 'https://api.amazon.com/auth/o2/token';

export interface RateLimit {
  ratePerSecond: number;
  burst: number;
}

export type AmazonOperation = 'getOrders' | 'getOrderItems' | 'getOrderAddress' | 'createRestrictedDataToken';

/** Amazon's default usage plans for the Orders API v0 and the Tokens API 2021-03-01. */
export const AMAZON_RATE_LIMITS: Record<AmazonOperation, RateLimit> = {
  getOrders: { ratePerSecond: 0.0167, burst: 20 },
  getOrderItems: { ratePerSecond: 0.5, burst: 30 },
  getOrderAddress: { ratePerSecond: 0.5, burst: 30 },
  createRestrictedDataToken: { ratePerSecond: 1, burst: 10 },
};

/**
 * The most order addresses one Restricted Data Token is asked for. Amazon documents no figure for
 * restrictedResources; 50 keeps a request well within what its SDKs and examples send.
 */
export const MAX_RESTRICTED_RESOURCES = 50;

/** Throttled calls wait for a token to be restored, which for getOrders takes a minute. */
export const AMAZON_RETRY_POLICY: RetryPolicy = { maxAttempts: 5, baseDelayMs: 1000, maxDelayMs: 60_000 };

export interface Clock {
  now(): number;
  sleep(milliseconds: number): Promise<void>;
}

const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (milliseconds) => new Promise((resolve) => setTimeout(resolve, milliseconds)),
};

/** Amazon's own rate-limiting model: `burst` tokens, restored at `ratePerSecond`. */
export class TokenBucket {
  private tokens: number;
  private updatedAt: number;

  constructor(
    private limit: RateLimit,
    private readonly clock: Clock,
  ) {
    this.tokens = limit.burst;
    this.updatedAt = clock.now();
  }

  async take(): Promise<void> {
    for (;;) {
      this.restore();
      if (this.tokens >= 1) {
        this.tokens -= 1;
        return;
      }
      await this.clock.sleep(Math.ceil(((1 - this.tokens) / this.limit.ratePerSecond) * 1000));
    }
  }

  /** A 429 means Amazon's bucket is empty whatever ours says. */
  drain(): void {
    this.restore();
    this.tokens = 0;
  }

  /** Amazon may grant a seller another rate than the default, and says so in every response. */
  useRate(ratePerSecond: number): void {
    this.restore();
    this.limit = { ...this.limit, ratePerSecond };
  }

  private restore(): void {
    const now = this.clock.now();
    this.tokens = Math.min(
      this.limit.burst,
      this.tokens + ((now - this.updatedAt) / 1000) * this.limit.ratePerSecond,
    );
    this.updatedAt = now;
  }
}

export interface AmazonClientOptions {
  /** The SP-API endpoint of the seller's region, e.g. https://sellingpartnerapi-eu.amazon.com. */
  baseUrl: string;
  credentials: AmazonCredentials;
  rateLimits?: Partial<Record<AmazonOperation, RateLimit>>;
  retry?: Partial<RetryPolicy>;
  /** The wait for one attempt's whole response; AMAZON_TIMEOUT_MS by default. */
  timeoutMs?: number;
  /** The largest response body read; DEFAULT_MAX_RESPONSE_BYTES by default. */
  maxResponseBytes?: number;
  /** Injected by tests so that rate limits and backoff cost no real time. */
  clock?: Clock;
}

/**
 * SP-API answers a page of 100 orders in well under this; the poller has minutes (and stops in
 * time, resuming from its checkpoint), so a slow attempt is waited for longer than a webhook's.
 */
export const AMAZON_TIMEOUT_MS = 10_000;

const AmazonOrderSummary = z.looseObject({
  AmazonOrderId: z.string().min(1),
  LastUpdateDate: z.iso.datetime({ offset: true }),
});
/** An order as getOrders lists it: the same shape as getOrder's payload. */
export type AmazonOrderSummary = z.output<typeof AmazonOrderSummary>;

const GetOrdersResponse = z.looseObject({
  payload: z.looseObject({ Orders: z.array(AmazonOrderSummary), NextToken: z.string().nullish() }),
});
const GetOrderItemsResponse = z.looseObject({
  payload: z.looseObject({ OrderItems: z.array(z.looseObject({})), NextToken: z.string().nullish() }),
});
const GetOrderAddressResponse = z.looseObject({
  payload: z.looseObject({ ShippingAddress: z.looseObject({}).nullish() }),
});
const RestrictedDataTokenResponse = z.looseObject({
  restrictedDataToken: z.string().min(1),
  expiresIn: z.number().positive(),
});
export type RestrictedDataToken = z.output<typeof RestrictedDataTokenResponse>;
const TokenResponse = z.looseObject({ access_token: z.string().min(1), expires_in: z.number().positive() });

export interface GetOrdersQuery {
  marketplaceIds: string[];
  lastUpdatedAfter: string;
  /** Amazon requires it at least two minutes before the request; fixing it keeps pages stable. */
  lastUpdatedBefore?: string;
  orderStatuses?: string[];
  fulfillmentChannels?: string[];
  nextToken?: string;
}

export interface Page<Item> {
  items: Item[];
  nextToken?: string;
}

export type AmazonClient = ReturnType<typeof createAmazonClient>;

/** An access token is renewed this long before Amazon says it expires (an hour after issue). */
const TOKEN_RENEWAL_MARGIN_MS = 60_000;
const ORDERS_PAGE_SIZE = 100;

export function createAmazonClient(options: AmazonClientOptions) {
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const clock = options.clock ?? systemClock;
  const policy = { ...AMAZON_RETRY_POLICY, ...options.retry };
  const limits: Limits = {
    timeoutMs: options.timeoutMs ?? AMAZON_TIMEOUT_MS,
    maxResponseBytes: options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES,
  };
  const { credentials } = options;
  const buckets = Object.fromEntries(
    (Object.keys(AMAZON_RATE_LIMITS) as AmazonOperation[]).map((operation) => [
      operation,
      new TokenBucket(options.rateLimits?.[operation] ?? AMAZON_RATE_LIMITS[operation], clock),
    ]),
  ) as Record<AmazonOperation, TokenBucket>;
  let accessToken: { value: string; renewAt: number } | undefined;

  async function currentAccessToken(): Promise<string> {
    if (accessToken && accessToken.renewAt > clock.now()) return accessToken.value;
    const body = new URLSearchParams({
      grant_type: 'refresh_token',
      refresh_token: credentials.refreshToken,
      client_id: credentials.clientId,
      client_secret: credentials.clientSecret,
    });
    const response = await send(
      credentials.lwaUrl ?? LWA_TOKEN_URL,
      {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: body.toString(),
      },
      policy,
      limits,
      clock,
    );
    const token = parse(TokenResponse, response.body, 'Login with Amazon token response');
    accessToken = {
      value: token.access_token,
      renewAt: clock.now() + token.expires_in * 1000 - TOKEN_RENEWAL_MARGIN_MS,
    };
    return token.access_token;
  }

  async function spApiGet(
    operation: AmazonOperation,
    path: string,
    query: URLSearchParams,
    restrictedDataToken?: string,
  ): Promise<unknown> {
    const url = `${baseUrl}${path}${query.size > 0 ? `?${query}` : ''}`;
    const token = restrictedDataToken ?? (await currentAccessToken());
    const response = await send(
      url,
      { method: 'GET', headers: { 'x-amz-access-token': token } },
      policy,
      limits,
      clock,
      buckets[operation],
    );
    return response.body;
  }

  const orderAddressPath = (orderId: string) => `/orders/v0/orders/${encodeURIComponent(orderId)}/address`;

  return {
    /** GET /orders/v0/orders: one page of the orders updated in the window. */
    async getOrders(query: GetOrdersQuery): Promise<Page<AmazonOrderSummary>> {
      const parameters = new URLSearchParams({ MarketplaceIds: query.marketplaceIds.join(',') });
      // With a NextToken Amazon ignores the filters and continues the first request's query.
      if (query.nextToken) parameters.set('NextToken', query.nextToken);
      else {
        parameters.set('LastUpdatedAfter', query.lastUpdatedAfter);
        if (query.lastUpdatedBefore) parameters.set('LastUpdatedBefore', query.lastUpdatedBefore);
        if (query.orderStatuses?.length) parameters.set('OrderStatuses', query.orderStatuses.join(','));
        if (query.fulfillmentChannels?.length)
          parameters.set('FulfillmentChannels', query.fulfillmentChannels.join(','));
        parameters.set('MaxResultsPerPage', String(ORDERS_PAGE_SIZE));
      }
      const body = await spApiGet('getOrders', '/orders/v0/orders', parameters);
      const { payload } = parse(GetOrdersResponse, body, 'getOrders response');
      return { items: payload.Orders, ...(payload.NextToken && { nextToken: payload.NextToken }) };
    },

    /** GET /orders/v0/orders/{orderId}/orderItems: one page of an order's items. */
    async getOrderItems(orderId: string, nextToken?: string): Promise<Page<unknown>> {
      const parameters = new URLSearchParams(nextToken ? { NextToken: nextToken } : {});
      const body = await spApiGet(
        'getOrderItems',
        `/orders/v0/orders/${encodeURIComponent(orderId)}/orderItems`,
        parameters,
      );
      const { payload } = parse(GetOrderItemsResponse, body, 'getOrderItems response');
      return { items: payload.OrderItems, ...(payload.NextToken && { nextToken: payload.NextToken }) };
    },

    /**
     * POST /tokens/2021-03-01/restrictedDataToken: a token that lets getOrderAddress return the
     * name, street and phone of these orders, which Amazon withholds from the access token alone.
     * A 403 means the application lacks the role for that data (ChannelApiError, status 403).
     */
    async createRestrictedDataToken(orderIds: string[]): Promise<RestrictedDataToken> {
      if (orderIds.length === 0 || orderIds.length > MAX_RESTRICTED_RESOURCES) {
        throw new RangeError(
          `A Restricted Data Token covers 1 to ${MAX_RESTRICTED_RESOURCES} orders, not ${orderIds.length}.`,
        );
      }
      const body = JSON.stringify({
        restrictedResources: orderIds.map((orderId) => ({
          method: 'GET',
          path: orderAddressPath(orderId),
          dataElements: ['shippingAddress'],
        })),
      });
      const response = await send(
        `${baseUrl}/tokens/2021-03-01/restrictedDataToken`,
        {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-amz-access-token': await currentAccessToken() },
          body,
        },
        policy,
        limits,
        clock,
        buckets.createRestrictedDataToken,
      );
      return parse(RestrictedDataTokenResponse, response.body, 'createRestrictedDataToken response');
    },

    /**
     * GET /orders/v0/orders/{orderId}/address: the shipping address getOrders withholds. Without a
     * Restricted Data Token covering the order, Amazon leaves out its name, street and phone.
     */
    async getOrderAddress(orderId: string, restrictedDataToken?: string): Promise<unknown> {
      const body = await spApiGet(
        'getOrderAddress',
        orderAddressPath(orderId),
        new URLSearchParams(),
        restrictedDataToken,
      );
      return (
        parse(GetOrderAddressResponse, body, 'getOrderAddress response').payload.ShippingAddress ?? undefined
      );
    },
  };
}

interface Limits {
  timeoutMs: number;
  maxResponseBytes: number;
}

/**
 * One request with retries: 429, 5xx, network failures and timeouts are retried after
 * Retry-After when Amazon sends it, else with exponential backoff; any other 4xx, and a body
 * over the size cap, fail at once. Each attempt of an SP-API call first takes a token from the
 * operation's bucket.
 */
async function send(
  url: string,
  init: { method: 'GET' | 'POST'; headers: Record<string, string>; body?: string },
  policy: RetryPolicy,
  limits: Limits,
  clock: Clock,
  bucket?: TokenBucket,
): Promise<{ body: unknown }> {
  let lastFailure = '';
  for (let attempt = 1; attempt <= policy.maxAttempts; attempt += 1) {
    let retryAfterMs: number | undefined;
    await bucket?.take();
    try {
      const response = await fetch(url, {
        ...init,
        headers: { accept: 'application/json', ...init.headers },
        signal: AbortSignal.timeout(limits.timeoutMs),
      });
      const grantedRate = Number(response.headers.get('x-amzn-ratelimit-limit'));
      if (grantedRate > 0) bucket?.useRate(grantedRate);
      if (response.ok) {
        const text = await readText(response, limits.maxResponseBytes, `${init.method} ${redact(url)}`);
        return { body: JSON.parse(text) as unknown };
      }
      lastFailure = `HTTP ${response.status}`;
      await response.body?.cancel();
      if (response.status !== 429 && response.status < 500) {
        throw new ChannelApiError(
          `${init.method} ${redact(url)} failed with HTTP ${response.status}.`,
          response.status,
        );
      }
      retryAfterMs = retryAfterMilliseconds(response.headers.get('retry-after'));
      // Without a Retry-After to go by, a 429 says Amazon's bucket is empty: wait for it to refill.
      if (response.status === 429 && retryAfterMs === undefined) bucket?.drain();
    } catch (error) {
      if (error instanceof ChannelApiError) throw error;
      lastFailure = failureOf(error, limits.timeoutMs);
    }
    if (attempt < policy.maxAttempts) {
      await clock.sleep(Math.min(policy.maxDelayMs, retryAfterMs ?? policy.baseDelayMs * 2 ** (attempt - 1)));
    }
  }
  throw new ChannelApiError(
    `${init.method} ${redact(url)} failed after ${policy.maxAttempts} attempts (${lastFailure}).`,
  );
}

function parse<Schema extends z.ZodType>(schema: Schema, body: unknown, what: string): z.output<Schema> {
  const result = schema.safeParse(body);
  if (!result.success)
    throw new ChannelApiError(`Amazon sent an unexpected ${what}: ${z.prettifyError(result.error)}`);
  return result.data;
}

function retryAfterMilliseconds(header: string | null): number | undefined {
  if (header === null || !/^\d+(\.\d+)?$/.test(header.trim())) return undefined;
  return Number(header.trim()) * 1000;
}

/** Error messages end up in logs: keep the path, drop the query string (it holds NextTokens). */
function redact(url: string): string {
  return url.split('?')[0] ?? url;
}
