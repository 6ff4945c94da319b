import { GROUP_BY } from '../../functions/domain/reports/report.js';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { BIGCOMMERCE_SECRET_HEADER } from '../../functions/channels/bigcommerce.js';
import { base64Hmac } from '../../functions/channels/common.js';
import type { Channel } from '../../functions/domain/channel.js';
import { MAX_AMOUNT, MAX_LINES } from '../../functions/domain/order.js';
import { signOmsPayload } from '../../functions/domain/signature.js';
import { bodies, extremeNumber, extremeString, pathId, type Json } from './arbitraries.js';
import type { FuzzChannelApis } from './channel-apis.js';

/**
 * One generator of requests per endpoint of functions/routes, used in-process by the fuzz
 * tests and over HTTP by `npm run fuzz`. A request names its route template, so the caller can
 * build either the API Gateway event or the URL.
 */
export interface FuzzRequest {
  method: 'GET' | 'POST' | 'PUT';
  /** The route template, as in ROUTES. */
  route: string;
  pathParameters?: Record<string, string>;
  query?: Record<string, string>;
  body?: string;
  /** For ingest: the format whose signature the request carries (signed when sent). */
  signAs?: string;
  /** Headers the request carries besides its content type (an Idempotency-Key). */
  headers?: Record<string, string>;
}

export const FUZZ_LOCATIONS = ['STORE-LIS-CHIADO', 'WH-POR'];
export const FUZZ_SKUS = ['TSHIRT-BLUE-M', 'MUG-1'];

const FIXTURES = new URL('../fixtures/channels/', import.meta.url);
const fixture = (name: string) =>
  JSON.parse(readFileSync(new URL(name, FIXTURES), 'utf8')) as Record<string, Json>;

const unique = fc.uuid().map((uuid) => uuid.slice(0, 18));

/** Fulfillment orders the fuzz tests create at FUZZ_LOCATIONS (endpoints.test.ts), and one that is not. */
export const FUZZ_FULFILLMENT_ORDERS = ['FO-FUZZ-1', 'FO-FUZZ-NONE'];

const lineUnits = (quantity: fc.Arbitrary<number>) =>
  fc.array(fc.record({ lineId: fc.constantFrom('1', '2', 'X'), quantity }), { minLength: 1, maxLength: 2 });
const units = fc.constantFrom(0, 1, 2, 100_000, 100_001, -1, 1.5);

/** A valid body of each fulfillment action, which bodies() then mutates. */
const FULFILLMENT_ACTION_SEEDS: Record<string, fc.Arbitrary<Json>> = {
  accept: fc.constant({}),
  reject: fc.record(
    { reason: fc.constantFrom('damaged', ''), lines: lineUnits(units) },
    { requiredKeys: ['reason'] },
  ),
  pick: fc.record({ lines: lineUnits(units) }),
  pack: fc.record({
    packages: fc.array(
      fc.record(
        {
          lines: lineUnits(units),
          weightGrams: fc.constantFrom(1, 800, 1_000_001),
          dimensionsCm: fc.record({
            length: fc.constantFrom(1, 20.5, 1001),
            width: fc.constantFrom(1, 15),
            height: fc.constantFrom(1, 10),
          }),
        },
        { requiredKeys: ['lines'] },
      ),
      { minLength: 1, maxLength: 2 },
    ),
  }),
  ship: fc.record(
    {
      carrier: fc.constantFrom('CTT', 'UPS', ''),
      service: fc.constantFrom('Expresso', 'x'.repeat(101)),
      trackingNumber: fc.constantFrom('CT123456789PT', ''),
      trackingUrl: fc.constantFrom('https://track.example/1', 'javascript:alert(1)', 'ftp://x'),
      lines: lineUnits(units),
    },
    { requiredKeys: ['carrier', 'trackingNumber'] },
  ),
  'ready-for-pickup': fc.constant({}),
  'picked-up': fc.record({ pickupCode: fc.constantFrom('123456', '12345', 'abcdef', '1234567') }),
  receive: fc.constant({}),
  'accept-cancel': fc.constant({}),
  'refuse-cancel': fc.record({ reason: fc.constantFrom('already packed', '', 'x'.repeat(501)) }),
};

const line = fc.record({
  lineId: fc.constantFrom('1', '2', 'L-3'),
  sku: fc.constantFrom(...FUZZ_SKUS),
  quantity: fc.constantFrom(1, 2, 100_000),
  unitPrice: fc.constantFrom(0, 1999, MAX_AMOUNT / 100_000, MAX_AMOUNT, MAX_AMOUNT + 1),
  discount: fc.constantFrom(0, 1),
  tax: fc.constantFrom(0, 460, MAX_AMOUNT),
  attributes: fc.option(fc.constantFrom<Json>({}, { color: 'blue' }, { '': 'x' }), { nil: undefined }),
});

/** A canonical order as a retailer's app sends it; the lines and amounts lean to the bounds. */
export const canonicalOrder: fc.Arbitrary<Json> = fc
  .record({
    externalId: unique,
    lines: fc.oneof(
      { weight: 9, arbitrary: fc.array(line, { minLength: 1, maxLength: 3 }) },
      {
        weight: 1,
        arbitrary: line.map((first) =>
          Array.from({ length: MAX_LINES }, (_, index) => ({ ...first, lineId: `L${index}` })),
        ),
      },
    ),
    customer: fc.constantFrom<Json>(
      {},
      { email: 'ana@example.com', name: 'Ana Silva' },
      { phone: '+351912345678' },
    ),
    lat: extremeNumber,
    shippingPrice: fc.constantFrom(0, 495, MAX_AMOUNT),
  })
  .map(({ externalId, lines, customer, lat, shippingPrice }) => ({
    externalId,
    placedAt: '2026-11-22T10:00:00Z',
    currency: 'EUR',
    customer,
    shippingAddress: {
      name: 'Ana Silva',
      line1: 'Rua Augusta 100',
      city: 'Lisboa',
      postalCode: '1100-053',
      country: 'PT',
      lat: Math.abs(lat) <= 90 ? lat : 38.7103,
      lon: -9.1366,
    },
    fulfillment: { type: 'ship', method: 'standard' },
    lines: (lines as Record<string, Json>[]).map((entry) =>
      Object.fromEntries(Object.entries(entry).filter(([, value]) => value !== undefined)),
    ),
    shippingPrice,
    tags: ['fuzz'],
  }));

const uniqueNumber = fc.integer({ min: 1, max: 2_000_000_000 });

const withId = (key: string, document: Record<string, Json>, ids: fc.Arbitrary<Json> = unique) =>
  ids.map((id) => ({ ...structuredClone(document), [key]: id }) as Json);

const shopify = (fixture('shopify-orders.json').orders as Json[])[0] as Record<string, Json>;
const wooCommerce = fixture('woocommerce-v3-orders-examples.json').create_order_response as Record<
  string,
  Json
>;
const magento = fixture('magento-order-and-instore-pickup-examples.json').GET_V1_orders_3_response as Record<
  string,
  Json
>;
const square = (fixture('square-orders-api-examples.json').CreateOrderResponse as Record<string, Json>)
  .order as Record<string, Json>;
const amazonExamples = fixture('amazon-sp-api-orders-v0-examples.json') as Record<
  string,
  { sandbox_static: { response: { payload: Record<string, Json> } }[] }
>;
const amazonPayload = (operation: string) => amazonExamples[operation]!.sandbox_static[0]!.response.payload;
const amazon = {
  order: amazonPayload('getOrder'),
  orderItems: amazonPayload('getOrderItems').OrderItems!,
  shippingAddress: amazonPayload('getOrderAddress').ShippingAddress!,
};

/** Native payloads of every channel format: the fixtures, each with a fresh order id. */
export const nativeOrders: Record<string, fc.Arbitrary<Json>> = {
  canonical: canonicalOrder,
  shopify: withId('id', shopify, uniqueNumber),
  woocommerce: withId('id', wooCommerce, uniqueNumber),
  magento: withId('entity_id', magento, uniqueNumber),
  amazon: unique.map((id) => ({ ...structuredClone(amazon), order: { ...amazon.order, AmazonOrderId: id } })),
  square: fc.tuple(unique, fc.boolean()).map(([id, thin]) => ({
    type: 'order.created',
    event_id: id,
    // A thin event names the order, which the adapter fetches from the (fake) Orders API.
    data: {
      type: 'order',
      id,
      object: (thin
        ? { order_created: { order_id: id, state: 'OPEN' } }
        : { order: { ...structuredClone(square), id } }) as Json,
    },
  })),
  bigcommerce: fc.tuple(uniqueNumber, unique).map(([id, hash]) => ({
    scope: 'store/order/created',
    store_id: '1025646',
    data: { type: 'order', id },
    hash,
    created_at: 1561479335,
    producer: 'stores/fuzz',
  })),
};

/** The channel API settings of the formats whose webhooks are thin (test/fuzz/channel-apis.ts). */
export function fuzzChannelApi(
  format: string,
  apis: FuzzChannelApis,
  accessTokenSecretName: string,
): Pick<Channel, 'api'> {
  if (format === 'square') return { api: { baseUrl: apis.squareBaseUrl, accessTokenSecretName } };
  if (format === 'bigcommerce') return { api: { baseUrl: apis.bigCommerceBaseUrl, accessTokenSecretName } };
  return {};
}

/** The channels the fuzzing configures: one per format, all signed with FUZZ_SECRET. */
export const FUZZ_CHANNELS = Object.keys(nativeOrders).map((format) => ({
  channelId: `fuzz-${format}`,
  format: format as Channel['format'],
}));

export function signedHeaders(format: string, body: string, secret: string, url: string) {
  switch (format) {
    case 'shopify':
      return { 'x-shopify-hmac-sha256': base64Hmac(secret, body) };
    case 'woocommerce':
      return { 'x-wc-webhook-signature': base64Hmac(secret, body) };
    case 'square':
      return { 'x-square-hmacsha256-signature': base64Hmac(secret, `${url}${body}`) };
    case 'bigcommerce':
      return { [BIGCOMMERCE_SECRET_HEADER]: secret };
    case 'shippo':
      return { 'shippo-auth-signature': signOmsPayload(secret, body, Math.floor(Date.now() / 1000)) };
    default:
      return { 'x-oms-signature': signOmsPayload(secret, body, Math.floor(Date.now() / 1000)) };
  }
}

const ingest = (format: string): fc.Arbitrary<FuzzRequest> =>
  fc.record({
    method: fc.constant('POST' as const),
    route: fc.constant('/v1/channels/{channelId}/orders'),
    pathParameters: fc
      .oneof({ weight: 9, arbitrary: fc.constant(`fuzz-${format}`) }, { weight: 1, arbitrary: extremeString })
      .map((channelId) => ({ channelId })),
    body: bodies(nativeOrders[format]!),
    signAs: fc.constant(format),
  });

const ruleSet: fc.Arbitrary<Json> = fc
  .record({
    version: fc.integer({ min: 1, max: 999_999 }),
    maxDistanceKm: fc.constantFrom(50, 20_038, 1e308),
  })
  .map(({ version, maxDistanceKm }) => ({
    ruleSetId: 'fuzz',
    version,
    merge: { windowMinutes: 10 },
    strategies: [
      {
        name: 'nearest',
        when: { minOrderValue: 0, maxOrderValue: MAX_AMOUNT, currency: 'EUR', tagsAny: ['fuzz'] },
        filters: { maxDistanceKm, respectSafetyStock: true },
        ranking: ['distance', 'priority'],
        split: { policy: 'max_shipments', maxShipments: 2 },
        onUnplaceable: { cancelAfterDays: 30 },
      },
    ],
  }));

const movement: fc.Arbitrary<Json> = fc
  .record({
    movementId: unique,
    type: fc.constantFrom('receipt', 'adjustment', 'cycle_count', 'transfer_shipment', 'safety_stock'),
    sku: fc.constantFrom(...FUZZ_SKUS),
    quantity: fc.constantFrom(1, 5, 1_000_000),
  })
  .map(({ movementId, type, sku, quantity }) => {
    const base = { movementId, who: 'fuzz', sku, type, note: 'fuzz' };
    switch (type) {
      case 'receipt':
        return { ...base, locationId: FUZZ_LOCATIONS[0]!, quantity, reference: 'PO-1' };
      case 'adjustment':
        return { ...base, locationId: FUZZ_LOCATIONS[0]!, reason: 'correction', quantityDelta: -quantity };
      case 'cycle_count':
        return { ...base, locationId: FUZZ_LOCATIONS[0]!, countedQuantity: quantity };
      case 'transfer_shipment':
        return {
          ...base,
          transferId: movementId,
          fromLocationId: FUZZ_LOCATIONS[1]!,
          toLocationId: FUZZ_LOCATIONS[0]!,
          quantity,
        };
      default:
        return { ...base, locationId: FUZZ_LOCATIONS[0]!, safetyStock: quantity };
    }
  });

/**
 * A POS upload: sales alone (stock movements only), or some of them rung up on a till receipt
 * with prices and the customer the till captured (the receipt becomes an order). The amounts,
 * quantities and customers lean to the bounds a receipt's order must keep.
 */
const posSales: fc.Arbitrary<Json> = fc
  .record({
    sales: fc.array(
      fc.record({
        saleId: unique,
        sku: fc.constantFrom(...FUZZ_SKUS),
        quantity: fc.constantFrom(1, 3, 100_000, 100_001),
        onReceipt: fc.boolean(),
        unitPrice: fc.constantFrom(0, 1450, MAX_AMOUNT / 100_000, MAX_AMOUNT, MAX_AMOUNT + 1),
        discount: fc.constantFrom(0, 100, MAX_AMOUNT),
        tax: fc.constantFrom(0, 174, MAX_AMOUNT),
      }),
      { minLength: 1, maxLength: 3 },
    ),
    receiptId: unique,
    channelId: fc.constantFrom('fuzz-canonical', 'fuzz-canonical', 'nowhere'),
    currency: fc.constantFrom('EUR', 'USD', 'JPY', 'XXQ'),
    customer: fc.constantFrom<Json>(
      {},
      { email: 'ana@example.com', phone: '+351 912 345 678', name: 'Ana Silva' },
      { phone: '(502) 555-0142' },
      { phone: 'x'.repeat(41) },
      { email: 'not-an-email' },
    ),
  })
  .map(({ sales, receiptId, channelId, currency, customer }) => {
    const rungUp = sales.some((sale) => sale.onReceipt);
    return {
      who: 'till-1',
      ...(rungUp && { channelId, receipts: [{ receiptId, currency, customer }] }),
      sales: sales.map(({ onReceipt, unitPrice, discount, tax, ...sale }) => ({
        ...sale,
        occurredAt: '2026-11-22T10:00:00Z',
        ...(onReceipt && { receiptId, unitPrice, discount, tax }),
      })),
    };
  });

const simulation: fc.Arbitrary<Json> = fc
  .record({
    order: canonicalOrder,
    rules: ruleSet,
    orderId: fc.constantFrom('01JFUZZ', '01J0000000000000000000000'),
  })
  .map(({ order, rules, orderId }) => ({
    orders: [order],
    // A stored id only sometimes: an id of no order is a 404, and most runs should simulate.
    orderIds: orderId === '01JFUZZ' ? [] : [orderId],
    ruleSet: rules,
  }));

const machineClientGrant: fc.Arbitrary<Json> = fc
  .record({
    locationIds: fc.constantFrom<Json>(
      FUZZ_LOCATIONS,
      [],
      Array.from({ length: 201 }, (_, index) => `L-${index}`),
    ),
    channelIds: fc.option(fc.constantFrom<Json>(['web'], []), { nil: undefined }),
  })
  .map(({ locationIds, channelIds }) => ({
    description: 'the Lisbon WMS',
    locationIds,
    ...(channelIds !== undefined && { channelIds }),
  }));

const FUZZ_ORDER = '01J0000000000000000000000';
const serviceLines = (extra: Record<string, fc.Arbitrary<Json>>) =>
  fc.array(
    fc.record({
      lineId: fc.constantFrom('1', '2', 'L-3'),
      quantity: fc.constantFrom(1, 2, 100_000),
      ...extra,
    }),
    { minLength: 1, maxLength: 3 },
  );
/** A record without the keys whose value is undefined (absent, as a client leaves them out). */
const present = (record: Record<string, Json | undefined>): Json =>
  Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined)) as Json;
const cancellation: fc.Arbitrary<Json> = fc
  .record({
    reason: fc.constantFrom('customer changed their mind', 'fraud'),
    lines: fc.option(serviceLines({}), { nil: undefined }),
  })
  .map(present);
const shippingAddress: fc.Arbitrary<Json> = fc.record({
  address: fc.constantFrom<Json>(
    { line1: 'Rua Garrett 1', city: 'Lisboa', country: 'PT', lat: 38.71, lon: -9.14 },
    { line1: 'Gran Vía 1', city: 'Madrid', country: 'ES' },
  ),
  reason: fc.constantFrom('moved', 'typo'),
});
const returnRequest: fc.Arbitrary<Json> = fc
  .record({
    orderId: fc.constantFrom(FUZZ_ORDER, '01JFUZZ'),
    lines: serviceLines({ reason: fc.constantFrom('too small', 'damaged') }),
    initiatedAt: fc.option(fc.constantFrom('2026-11-22T10:00:00Z', '2026-11-22T10:00:00+14:00'), {
      nil: undefined,
    }),
    override: fc.option(fc.constant<Json>({ reason: 'loyal customer' }), { nil: undefined }),
    replacements: fc.option(fc.constant<Json>([{ sku: FUZZ_SKUS[0]!, quantity: 1 }]), { nil: undefined }),
  })
  .map(present);
const returnReceipt: fc.Arbitrary<Json> = fc.record({
  locationId: fc.constantFrom(...FUZZ_LOCATIONS),
  lines: serviceLines({ condition: fc.constantFrom('resellable', 'damaged') }),
});
const orderPath = pathId([FUZZ_ORDER]).map((orderId) => ({ orderId }));
const returnPath = pathId(['01JRETURN']).map((returnId) => ({ returnId }));

const version = fc.oneof(
  fc.integer({ min: 1, max: 3 }).map(String),
  fc.constantFrom('0', '-1', '1.5', '1e300', '9007199254740993', '0x10', '999999', '1000000', ''),
  extremeString,
);

const cursor = fc.oneof(
  fc.constantFrom('e30', 'W10', 'bnVsbA', '%%%', ''),
  fc
    .record({
      pk: extremeString,
      sk: extremeString,
      locationId: fc.constantFrom(...FUZZ_LOCATIONS),
      sku: extremeString,
    })
    .map((key) => Buffer.from(JSON.stringify(key)).toString('base64url')),
  fc
    .record({ pk: fc.constantFrom('CHANNEL#web', 'CHANNEL#other'), sk: extremeString })
    .map((key) => Buffer.from(JSON.stringify(key)).toString('base64url')),
  extremeString,
);

const query = (keys: Record<string, fc.Arbitrary<string>>) =>
  fc.record(keys, { requiredKeys: [] }).map((entries) => entries as Record<string, string>);

const limit = fc.oneof(fc.constantFrom('1', '500', '501', '0', '-1', '1e3', 'abc'), extremeString);

const listQuery = query({ limit, cursor });

/** Report days: a valid seed, a range past the limit, impossible dates and garbage. */
const reportDay = fc.oneof(
  fc.constantFrom(
    '2026-11-01',
    '2026-11-30',
    '1970-01-01',
    '9999-12-31',
    '2026-02-30',
    '2026-13-01',
    '20261101',
  ),
  extremeString,
);

const adminLocation: fc.Arbitrary<Json> = fc
  .record({ lat: fc.constantFrom(38.7, 90, -90.5, 1e-300), capacity: fc.constantFrom(1, 0, 2 ** 53) })
  .map(({ lat, capacity }) => ({
    name: 'Fuzz store',
    type: 'store',
    address: { city: 'Lisboa', country: 'PT' },
    lat,
    lon: -9.14,
    timeZone: 'Europe/Lisbon',
    capabilities: ['ship', 'pickup'],
    dailyCapacity: capacity,
  }));

const adminProduct: fc.Arbitrary<Json> = fc
  .record({
    reorderPoint: fc.constantFrom(0, 5, -1, 2 ** 53 + 2),
    vendor: fc.option(fc.constantFrom('VENDOR-NONE', 'STORE-LIS-CHIADO'), { nil: undefined }),
    release: fc.constantFrom('2027-01-15', '2027-01-15T09:00:00+01:00', 'soon'),
  })
  .map(({ reorderPoint, vendor, release }) => ({
    name: 'Fuzz mug',
    reorderPoint,
    hot: true,
    shards: 4,
    channelBuffers: { web: 2 },
    preorderReleaseDate: release,
    ...(vendor !== undefined && { dropshipVendorLocationId: vendor }),
  }));

const adminChannel: fc.Arbitrary<Json> = fc
  .record({
    format: fc.constantFrom('canonical', 'shopify', 'square', 'telegraph'),
    secretName: fc.option(fc.constantFrom('oms/channels/fuzz-admin', 'prod/db-password'), { nil: undefined }),
  })
  .map(({ format, secretName }) => ({
    name: 'Fuzz shop',
    format,
    ...(secretName !== undefined && { secretName }),
  }));

const admin = (
  collection: string,
  idParameter: string,
  ids: string[],
  body: fc.Arbitrary<Json>,
): Record<string, fc.Arbitrary<FuzzRequest>> => ({
  [`list ${collection}`]: fc.record({
    method: fc.constant('GET' as const),
    route: fc.constant(`/v1/${collection}`),
    query: listQuery,
  }),
  [`get ${collection}`]: fc.record({
    method: fc.constant('GET' as const),
    route: fc.constant(`/v1/${collection}/{${idParameter}}`),
    pathParameters: pathId(ids).map((id) => ({ [idParameter]: id })),
  }),
  [`put ${collection}`]: fc.record({
    method: fc.constant('PUT' as const),
    route: fc.constant(`/v1/${collection}/{${idParameter}}`),
    pathParameters: pathId(ids).map((id) => ({ [idParameter]: id })),
    body: bodies(body),
  }),
});

export const ADMIN_ENDPOINTS: Record<string, fc.Arbitrary<FuzzRequest>> = {
  ...admin('locations', 'locationId', ['FUZZ-STORE'], adminLocation),
  ...admin('products', 'sku', ['FUZZ-MUG'], adminProduct),
  ...admin('channels', 'channelId', ['fuzz-admin'], adminChannel),
  'put channel secret': fc.record({
    method: fc.constant('PUT' as const),
    route: fc.constant('/v1/channels/{channelId}/secret'),
    pathParameters: pathId(['fuzz-canonical', 'no-such-channel']).map((channelId) => ({ channelId })),
    body: bodies(fc.constantFrom<Json>({ secret: 'a-long-enough-secret' }, { secret: 'short' })),
  }),
};
/** A label request: a packed package or a parcel, leaning to the bounds of weight and size. */
const labelRequest: fc.Arbitrary<Json> = fc.record(
  {
    packageId: fc.oneof(fc.constant('PKG-1'), extremeString),
    parcel: fc.record({
      weightGrams: fc.oneof(fc.constantFrom(1, 1_000_000, 1_000_001, 0, -1, 1.5), extremeNumber),
      dimensionsCm: fc.record({
        length: fc.oneof(fc.constantFrom(30, 1000, 1001, 0), extremeNumber),
        width: fc.constantFrom(20, 0.1),
        height: fc.constantFrom(15, -1),
      }),
    }),
    carrier: fc.oneof(fc.constant('USPS'), extremeString),
    service: fc.oneof(fc.constant('usps_priority'), extremeString),
  },
  { requiredKeys: [] },
);

/** Shippo's `track_updated` webhook, for a tracking number that may or may not be ours. */
const shippoTracking: fc.Arbitrary<Json> = fc.record({
  event: fc.constantFrom('track_updated', 'transaction_created', ''),
  test: fc.boolean(),
  data: fc.record({
    carrier: fc.oneof(fc.constantFrom('usps', 'ups'), extremeString),
    tracking_number: fc.oneof(fc.constant('9400111899223197428490'), extremeString),
    tracking_status: fc.record(
      {
        status: fc.constantFrom('PRE_TRANSIT', 'TRANSIT', 'DELIVERED', 'RETURNED', 'FAILURE', 'UNKNOWN', ''),
        status_date: fc.oneof(fc.constant('2026-12-01T10:00:00Z'), fc.constant(null), extremeString),
      },
      { requiredKeys: [] },
    ),
  }),
});

/**
 * Cursors of the overdue listing: the unsharded index's keys, positions for each of its nine
 * partitions (at the top, in range, or outside it), and garbage.
 */
const overduePosition = fc.oneof(
  fc.constant(['-', '-', '-']),
  fc.constant(['2026-01-01T00:00:00.000Z', 'ORDER#FUZZ', 'FO#FUZZ']),
  fc.tuple(extremeString, fc.constantFrom('ORDER#FUZZ', '-'), extremeString),
);
const overdueCursor = fc.oneof(
  cursor,
  fc
    .record({
      pk: extremeString,
      sk: extremeString,
      openWork: fc.constantFrom('OPEN', 'CLOSED'),
      dueBy: extremeString,
    })
    .map((key) => Buffer.from(JSON.stringify(key)).toString('base64url')),
  fc.array(overduePosition, { minLength: 9, maxLength: 9 }).map((positions) =>
    Buffer.from(
      JSON.stringify(
        Object.fromEntries(
          positions.flatMap(([dueBy, pk, sk], rank) => [
            [`d${rank}`, dueBy],
            [`p${rank}`, pk],
            [`s${rank}`, sk],
          ]),
        ),
      ),
    ).toString('base64url'),
  ),
);

/** Cursors of the order search: positions outside the window, keys of other indexes, garbage. */
const orderSearchCursor = fc.oneof(
  cursor,
  fc
    .oneof(
      fc.constantFrom('2026-12-01~', '1999-01-01~', '2999-01-01T00:00:00.000Z#X', '~', ''),
      fc.date({ noInvalidDate: true }).map((date) => `${date.toISOString()}#01JD0000000000000000000001`),
      extremeString,
    )
    .map((placedSort) => Buffer.from(JSON.stringify({ placedSort })).toString('base64url')),
  fc
    .record({ pk: extremeString, sk: extremeString, customerKey: extremeString, placedAt: extremeString })
    .map((key) => Buffer.from(JSON.stringify(key)).toString('base64url')),
);

/** A bound of the placed window: days, instants, nonsense and windows far too long. */
const placedBound = fc.oneof(
  fc.constantFrom('2026-12-01', '2026-02-30', '1970-01-01', '2026-12-01T10:00:00Z', '2026-12-01T10:00:00'),
  fc.date({ noInvalidDate: true }).map((date) => date.toISOString()),
  extremeString,
);

/** Every endpoint, by a short name the tallies use. */
export const ENDPOINTS: Record<string, fc.Arbitrary<FuzzRequest>> = {
  ...Object.fromEntries(Object.keys(nativeOrders).map((format) => [`ingest ${format}`, ingest(format)])),
  'rule-sets': fc.record({
    method: fc.constant('POST' as const),
    route: fc.constant('/v1/routing/rule-sets'),
    body: bodies(ruleSet),
  }),
  validate: fc.record({
    method: fc.constant('POST' as const),
    route: fc.constant('/v1/routing/rule-sets/validate'),
    body: bodies(ruleSet),
  }),
  activate: fc.record({
    method: fc.constant('POST' as const),
    route: fc.constant('/v1/routing/rule-sets/{ruleSetId}/versions/{version}/activate'),
    pathParameters: fc.record({ ruleSetId: pathId(['fuzz']), version }),
  }),
  simulate: fc.record({
    method: fc.constant('POST' as const),
    route: fc.constant('/v1/routing/simulate'),
    body: bodies(simulation),
  }),
  movements: fc.record({
    method: fc.constant('POST' as const),
    route: fc.constant('/v1/inventory/movements'),
    body: bodies(movement),
  }),
  'pos-sales': fc.record({
    method: fc.constant('POST' as const),
    route: fc.constant('/v1/locations/{locationId}/pos-sales'),
    pathParameters: pathId(FUZZ_LOCATIONS).map((locationId) => ({ locationId })),
    body: bodies(posSales),
  }),
  'get order': fc.record({
    method: fc.constant('GET' as const),
    route: fc.constant('/v1/orders/{orderId}'),
    pathParameters: pathId(['01J0000000000000000000000']).map((orderId) => ({ orderId })),
  }),
  'get rule set': fc.record({
    method: fc.constant('GET' as const),
    route: fc.constant('/v1/routing/rule-sets/{ruleSetId}/versions/{version}'),
    pathParameters: fc.record({ ruleSetId: pathId(['fuzz']), version }),
  }),
  'get sku inventory': fc.record({
    method: fc.constant('GET' as const),
    route: fc.constant('/v1/inventory/{sku}'),
    pathParameters: pathId(FUZZ_SKUS).map((sku) => ({ sku })),
  }),
  'get location inventory': fc.record({
    method: fc.constant('GET' as const),
    route: fc.constant('/v1/locations/{locationId}/inventory'),
    pathParameters: pathId(FUZZ_LOCATIONS).map((locationId) => ({ locationId })),
    query: query({ limit, cursor }),
  }),
  'get channel availability': fc.record({
    method: fc.constant('GET' as const),
    route: fc.constant('/v1/channels/{channelId}/availability'),
    pathParameters: pathId(['web', 'fuzz-canonical']).map((channelId) => ({ channelId })),
    query: query({ limit, cursor, since: fc.oneof(fc.constant('2026-01-01T00:00:00Z'), extremeString) }),
  }),
  'get replenishment': fc.record({
    method: fc.constant('GET' as const),
    route: fc.constant('/v1/replenishment/suggestions'),
    query: query({ vendorId: extremeString }),
  }),
  'put machine client': fc.record({
    method: fc.constant('PUT' as const),
    route: fc.constant('/v1/machine-clients/{clientId}'),
    pathParameters: pathId(['wms-fuzz']).map((clientId) => ({ clientId })),
    body: bodies(machineClientGrant),
  }),
  'get machine client': fc.record({
    method: fc.constant('GET' as const),
    route: fc.constant('/v1/machine-clients/{clientId}'),
    pathParameters: pathId(['wms-fuzz', 'never-granted']).map((clientId) => ({ clientId })),
  }),
  'list machine clients': fc.record({
    method: fc.constant('GET' as const),
    route: fc.constant('/v1/machine-clients'),
  }),
  ...ADMIN_ENDPOINTS,
  'work queue': fc.record({
    method: fc.constant('GET' as const),
    route: fc.constant('/v1/locations/{locationId}/fulfillment-orders'),
    pathParameters: pathId(FUZZ_LOCATIONS).map((locationId) => ({ locationId })),
    query: query({
      status: fc.oneof(
        fc.constantFrom('CREATED', 'ACCEPTED', 'SHIPPED', 'PENDING', 'created'),
        extremeString,
      ),
      statuses: fc.oneof(
        fc.constantFrom(
          'CREATED,ACCEPTED,PICKED,PACKED,PARTIALLY_SHIPPED,READY_FOR_PICKUP,SHIPPED,IN_TRANSIT',
          'CREATED',
          'CREATED,CREATED',
          'CREATED,,ACCEPTED',
          'PENDING,CREATED',
          ',',
        ),
        extremeString,
      ),
      limit,
      cursor: fc.oneof(
        cursor,
        fc
          .record({
            pk: fc.constantFrom('ORDER#1', 'CHANNEL#web'),
            sk: fc.constantFrom('FO#1', 'ORDER'),
            workQueue: fc.constantFrom(
              ...FUZZ_LOCATIONS.map((location) => `${location}#CREATED`),
              'x#CREATED',
            ),
            workSince: extremeString,
          })
          .map((key) => Buffer.from(JSON.stringify(key)).toString('base64url')),
      ),
    }),
  }),
  'fulfillment order': fc.record({
    method: fc.constant('GET' as const),
    route: fc.constant('/v1/fulfillment-orders/{fulfillmentOrderId}'),
    pathParameters: pathId(FUZZ_FULFILLMENT_ORDERS).map((fulfillmentOrderId) => ({ fulfillmentOrderId })),
  }),
  ...Object.fromEntries(
    Object.entries(FULFILLMENT_ACTION_SEEDS).map(([action, seed]) => [
      `fulfillment ${action}`,
      fc.record({
        method: fc.constant('POST' as const),
        route: fc.constant(`/v1/fulfillment-orders/{fulfillmentOrderId}/${action}`),
        pathParameters: pathId(FUZZ_FULFILLMENT_ORDERS).map((fulfillmentOrderId) => ({ fulfillmentOrderId })),
        body: bodies(seed),
        headers: fc
          .oneof({ weight: 4, arbitrary: unique }, { weight: 1, arbitrary: extremeString })
          .map((key) => ({ 'idempotency-key': key })),
      }),
    ]),
  ),
  cancel: fc.record({
    method: fc.constant('POST' as const),
    route: fc.constant('/v1/orders/{orderId}/cancel'),
    pathParameters: orderPath,
    body: bodies(cancellation),
  }),
  'shipping address': fc.record({
    method: fc.constant('PUT' as const),
    route: fc.constant('/v1/orders/{orderId}/shipping-address'),
    pathParameters: orderPath,
    body: bodies(shippingAddress),
  }),
  'order history': fc.record({
    method: fc.constant('GET' as const),
    route: fc.constant('/v1/orders/{orderId}/history'),
    pathParameters: orderPath,
  }),
  returns: fc.record({
    method: fc.constant('POST' as const),
    route: fc.constant('/v1/returns'),
    body: bodies(returnRequest),
  }),
  'receive return': fc.record({
    method: fc.constant('POST' as const),
    route: fc.constant('/v1/returns/{returnId}/receive'),
    pathParameters: returnPath,
    body: bodies(returnReceipt),
  }),
  'get return': fc.record({
    method: fc.constant('GET' as const),
    route: fc.constant('/v1/returns/{returnId}'),
    pathParameters: returnPath,
  }),
  'get order tracking': fc.record({
    method: fc.constant('GET' as const),
    route: fc.constant('/v1/orders/{orderId}/tracking'),
    pathParameters: pathId(['01J0000000000000000000000']).map((orderId) => ({ orderId })),
  }),
  'buy label': fc.record({
    method: fc.constant('POST' as const),
    route: fc.constant('/v1/fulfillment-orders/{fulfillmentOrderId}/labels'),
    pathParameters: pathId(['FO-FUZZ']).map((fulfillmentOrderId) => ({ fulfillmentOrderId })),
    body: bodies(labelRequest),
  }),
  'shippo tracking': fc.record({
    method: fc.constant('POST' as const),
    route: fc.constant('/v1/carriers/shippo/tracking'),
    body: bodies(shippoTracking),
    signAs: fc.constant('shippo'),
  }),
  'overdue fulfillment orders': fc.record({
    method: fc.constant('GET' as const),
    route: fc.constant('/v1/fulfillment-orders'),
    query: query({
      overdue: fc.oneof(fc.constantFrom('true', 'false', 'TRUE'), extremeString),
      limit,
      cursor: overdueCursor,
    }),
  }),
  'find orders': fc.record({
    method: fc.constant('GET' as const),
    route: fc.constant('/v1/orders'),
    query: query({
      status: fc.oneof(fc.constantFrom('RECEIVED', 'BACKORDERED', 'received', 'NOPE'), extremeString),
      channelId: fc.oneof(fc.constantFrom('web', 'pos'), extremeString),
      customer: fc.oneof(
        fc.constantFrom('ana@example.com', '+351 912 345 678', '912345678', '@', 'not a customer'),
        extremeString,
      ),
      placedFrom: placedBound,
      placedTo: placedBound,
      limit: fc.oneof(fc.constantFrom('1', '100', '101', '0'), limit),
      cursor: orderSearchCursor,
    }),
  }),
  // Customers across channels and personal data on request (#14).
  'find customer': fc.record({
    method: fc.constant('GET' as const),
    route: fc.constant('/v1/customers'),
    query: query({
      email: fc.oneof(fc.constantFrom('ana@example.com', 'Ana@Example.COM', 'not-an-email'), extremeString),
      phone: fc.oneof(fc.constantFrom('+351912345678', '+351 912 345 678', '912345678', '+1'), extremeString),
    }),
  }),
  ...Object.fromEntries(
    (
      [
        ['get customer', 'GET', ''],
        ['export customer', 'POST', '/export'],
        ['erase customer', 'POST', '/erase'],
      ] as const
    ).map(([name, method, action]) => [
      name,
      fc.record({
        method: fc.constant(method),
        route: fc.constant(`/v1/customers/{customerId}${action}`),
        pathParameters: pathId(['01J0000000000000000000000C', '01j0000000000000000000000c']).map(
          (customerId) => ({ customerId }),
        ),
        ...(method === 'POST' && { body: bodies(fc.constant({})) }),
      }),
    ]),
  ),
  'sales report': fc.record({
    method: fc.constant('GET' as const),
    route: fc.constant('/v1/reports/sales'),
    query: query({
      from: reportDay,
      to: reportDay,
      groupBy: fc.oneof(fc.constantFrom(...GROUP_BY, 'week'), extremeString),
    }),
  }),
  'bestsellers report': fc.record({
    method: fc.constant('GET' as const),
    route: fc.constant('/v1/reports/bestsellers'),
    query: query({ from: reportDay, to: reportDay, limit }),
  }),
  'fulfillment report': fc.record({
    method: fc.constant('GET' as const),
    route: fc.constant('/v1/reports/fulfillment'),
    query: query({ from: reportDay, to: reportDay }),
  }),
  're-route order': fc.record({
    method: fc.constant('POST' as const),
    route: fc.constant('/v1/orders/{orderId}/route'),
    pathParameters: orderPath,
    // The route reads no body: whatever comes is ignored.
    body: bodies(fc.constant({})),
  }),
  'redrive dead letters': fc.record({
    method: fc.constant('POST' as const),
    route: fc.constant('/v1/ops/dead-letters/{queue}/redrive'),
    pathParameters: pathId(['RoutingQueue', 'RoutingQueueDlq', 'hasOwnProperty', '__proto__']).map(
      (queue) => ({ queue }),
    ),
    // The route reads no body: whatever comes is ignored.
    body: bodies(fc.constant({})),
  }),
};

/** Routes with nothing a caller can vary, so nothing to fuzz. */
export const NOT_FUZZED: Record<string, string> = {
  'GET /openapi.json': 'a prebuilt document, the same bytes whatever is sent',
  'GET /v1/routing/rule-sets/active': 'no path parameter, query or body is read',
  'GET /v1/ops/dead-letters': 'no path parameter, query or body is read',
};

/**
 * A path for the route with each parameter percent-encoded once, as a client sends it. A lone
 * surrogate has no UTF-8 form: it goes as the bytes a careless client would send (WTF-8).
 */
export function pathFor(request: FuzzRequest): string {
  return request.route.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = request.pathParameters?.[name] ?? '';
    try {
      return encodeURIComponent(value);
    } catch {
      return `%ED%A0%80${encodeURIComponent(value.replace(/\p{Surrogate}/gu, ''))}`;
    }
  });
}
