import type { Channel } from '../../../functions/domain/channel.js';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'vitest';
import type { AdapterResult, ChannelRequest } from '../../../functions/channels/adapter.js';
import { base64Hmac } from '../../../functions/channels/common.js';
import { ValidationError, type FieldIssue } from '../../../functions/domain/errors.js';
import { CanonicalOrder } from '../../../functions/domain/order.js';
import { signOmsPayload } from '../../../functions/domain/signature.js';

/** The real channel payloads in test/fixtures/channels (see SOURCES.md there for their sources). */
const FIXTURES = new URL('../../fixtures/channels/', import.meta.url);

export type JsonObject = Record<string, unknown>;
export type NativeOrder = JsonObject & { line_items: JsonObject[] };

export const SECRET = 'channel-test-secret';
export const NOW = 1_790_000_000;
export const INGEST_URL = 'https://oms.example.com/v1/channels/main-store/orders';

export function fixtureText(name: string): string {
  return readFileSync(new URL(name, FIXTURES), 'utf8');
}

export function fixture<T = JsonObject>(name: string): T {
  return JSON.parse(fixtureText(name)) as T;
}

/** A configured channel of the given format, as the ingest handler passes it to adapters. */
export function aChannel(format: Channel['format'], overrides: Partial<Channel> = {}): Channel {
  return {
    channelId: `${format}-store`,
    name: `${format} store`,
    format,
    secretName: `oms/channels/${format}-store`,
    active: true,
    ...overrides,
  };
}

export function aRequest(body: string, headers: Record<string, string | undefined> = {}): ChannelRequest {
  return { rawBody: body, headers, url: INGEST_URL };
}

/** The headers each channel signs a request with, computed the way the channel does. */
export function signatureHeaders(format: string, body: string, secret = SECRET): Record<string, string> {
  switch (format) {
    case 'shopify':
      return { 'x-shopify-hmac-sha256': base64Hmac(secret, body) };
    case 'woocommerce':
      return { 'x-wc-webhook-signature': base64Hmac(secret, body) };
    case 'square':
      return { 'x-square-hmacsha256-signature': base64Hmac(secret, `${INGEST_URL}${body}`) };
    case 'bigcommerce':
      return { 'x-oms-channel-secret': secret };
    default:
      return { 'x-oms-signature': signOmsPayload(secret, body, NOW) };
  }
}

/** Asserts the result is an order that passes the canonical schema, and returns it. */
export function expectOrder(result: AdapterResult): CanonicalOrder {
  if (result.kind !== 'order') throw new Error(`expected an order, got ${JSON.stringify(result)}`);
  expect(CanonicalOrder.parse(result.order)).toEqual(result.order);
  return result.order;
}

/** Runs `action`, expects a ValidationError and returns its issues. */
export async function validationIssues(action: () => unknown): Promise<FieldIssue[]> {
  try {
    await action();
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return (error as ValidationError).issues;
  }
  throw new Error('expected a ValidationError, but the mapping succeeded');
}

// ---- Factories: real fixtures, edited for the case at hand --------------------------------

/** The Shopify orders/create body: the order from shopify-orders.json (allocations, tax lines, sets). */
export function aShopifyOrder(overrides: JsonObject = {}): NativeOrder {
  const { orders } = fixture<{ orders: NativeOrder[] }>('shopify-orders.json');
  return { ...(orders[0] as NativeOrder), ...overrides };
}

export function aWooCommerceOrder(overrides: JsonObject = {}): NativeOrder {
  const { create_order_response } = fixture<{ create_order_response: NativeOrder }>(
    'woocommerce-v3-orders-examples.json',
  );
  return { ...create_order_response, ...overrides };
}

export function aSquareOrder(overrides: JsonObject = {}): NativeOrder {
  const { CreateOrderResponse } = fixture<{ CreateOrderResponse: { order: NativeOrder } }>(
    'square-orders-api-examples.json',
  );
  return { ...CreateOrderResponse.order, ...overrides };
}

export function aSquareEvent(name = 'OrderCreatedEvent'): JsonObject {
  return fixture<Record<string, JsonObject>>('square-orders-api-examples.json')[name] as JsonObject;
}

export function aMagentoOrder(overrides: JsonObject = {}): JsonObject & { items: JsonObject[] } {
  const { GET_V1_orders_3_response } = fixture<{
    GET_V1_orders_3_response: JsonObject & { items: JsonObject[] };
  }>('magento-order-and-instore-pickup-examples.json');
  return { ...GET_V1_orders_3_response, ...overrides };
}

/**
 * There is no BigCommerce fixture: these follow the V2 Orders API reference (GET /v2/orders/{id},
 * /products, /shipping_addresses): 4-decimal strings, RFC 2822 dates, coupon allocations.
 */
export function aBigCommerceOrder(overrides: JsonObject = {}): JsonObject {
  return {
    id: 250,
    customer_id: 11,
    date_created: 'Tue, 05 Mar 2024 21:38:13 +0000',
    status_id: 11,
    status: 'Awaiting Fulfillment',
    subtotal_ex_tax: '90.0000',
    subtotal_inc_tax: '97.4300',
    subtotal_tax: '7.4300',
    base_shipping_cost: '10.0000',
    shipping_cost_ex_tax: '10.0000',
    shipping_cost_inc_tax: '10.8300',
    shipping_cost_tax: '0.8300',
    total_ex_tax: '95.0000',
    total_inc_tax: '103.2600',
    total_tax: '8.2600',
    items_total: 3,
    currency_code: 'USD',
    default_currency_code: 'USD',
    discount_amount: '0.0000',
    coupon_discount: '5.0000',
    customer_message: 'Leave at the back door',
    billing_address: {
      first_name: 'Jane',
      last_name: 'Doe',
      company: '',
      street_1: '12345 W Anderson Ln',
      street_2: '',
      city: 'Austin',
      state: 'Texas',
      zip: '78757',
      country: 'United States',
      country_iso2: 'US',
      phone: '(512) 555-0123',
      email: 'Jane.Doe@Example.com',
    },
    products: {
      url: 'https://api.bigcommerce.com/stores/abc123/v2/orders/250/products',
      resource: '/orders/250/products',
    },
    ...overrides,
  };
}

export function aBigCommerceProductList(): JsonObject[] {
  return [
    {
      id: 301,
      order_id: 250,
      product_id: 77,
      variant_id: 501,
      name: 'Orbit Terrarium - Large',
      sku: 'OTL-1',
      type: 'physical',
      base_price: '30.0000',
      price_ex_tax: '30.0000',
      price_inc_tax: '32.4800',
      total_ex_tax: '60.0000',
      total_tax: '4.9500',
      quantity: 2,
      applied_discounts: [
        { id: 'coupon', amount: '3.3333', name: 'SPRING', code: 'SPRING', target: 'order' },
      ],
    },
    {
      id: 302,
      order_id: 250,
      product_id: 78,
      variant_id: 502,
      name: 'Gift wrap',
      sku: '',
      type: 'physical',
      base_price: '30.0000',
      price_ex_tax: '30.0000',
      price_inc_tax: '32.4800',
      total_ex_tax: '30.0000',
      total_tax: '2.4800',
      quantity: 1,
      applied_discounts: [
        { id: 'coupon', amount: '1.6667', name: 'SPRING', code: 'SPRING', target: 'order' },
      ],
    },
  ];
}

export function aBigCommerceShippingAddress(overrides: JsonObject = {}): JsonObject {
  return {
    id: 21,
    order_id: 250,
    first_name: 'Jane',
    last_name: 'Doe',
    company: 'Acme',
    street_1: '455 Main St',
    street_2: 'Suite 2',
    city: 'Austin',
    zip: '78701',
    country: 'United States',
    country_iso2: 'US',
    state: 'Texas',
    email: 'jane.doe@example.com',
    phone: '(512) 555-0123',
    shipping_method: 'UPS Ground',
    cost_ex_tax: '10.0000',
    ...overrides,
  };
}

export function aBigCommerceWebhook(scope = 'store/order/created', id = 250): JsonObject {
  return {
    scope,
    store_id: '1025646',
    data: { type: 'order', id },
    hash: 'dd70c0976e06b67aaf671e73f49dcb79230ebf9d',
    created_at: 1561479335,
    producer: 'stores/abc123',
  };
}

type AmazonFixture = Record<string, { sandbox_static: { response: { payload: JsonObject } }[] }>;

/** The SP-API sandbox's TEST_CASE_200 order: getOrder, getOrderItems and getOrderAddress agree. */
export function anAmazonOrder(overrides: JsonObject = {}) {
  const examples = fixture<AmazonFixture>('amazon-sp-api-orders-v0-examples.json');
  const payload = (operation: string) =>
    examples[operation]?.sandbox_static[0]?.response.payload as JsonObject;
  return {
    order: { ...payload('getOrder'), ...overrides },
    orderItems: payload('getOrderItems').OrderItems as JsonObject[],
    shippingAddress: payload('getOrderAddress').ShippingAddress as JsonObject,
  };
}

// ---- A fake channel API on 127.0.0.1 --------------------------------------------------------

export interface RecordedRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
}

export interface FakeResponse {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export async function startFakeApi(respond: (request: RecordedRequest) => FakeResponse) {
  const requests: RecordedRequest[] = [];
  const server = createServer((request, response) => {
    const recorded = { method: request.method ?? 'GET', url: request.url ?? '/', headers: request.headers };
    requests.push(recorded);
    const { status, body, headers = {} } = respond(recorded);
    response.writeHead(status, { 'content-type': 'application/json', ...headers });
    response.end(body === undefined ? undefined : JSON.stringify(body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Backoff without waiting: records the delays the client asked for. */
export function recordingSleep() {
  const delays: number[] = [];
  return { delays, sleep: async (milliseconds: number) => void delays.push(milliseconds) };
}
