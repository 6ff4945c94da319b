import * as z from 'zod';
import type { CanonicalOrder, CanonicalOrderInput } from '../domain/order.js';
import type { ChannelAdapter, ChannelOrderChange } from './adapter.js';
import {
  OrderMapping,
  attributesFrom,
  blankToUndefined,
  fullName,
  parseJsonKeepingBigIntegers,
  parseNative,
  sum,
  verifyBase64Hmac,
  type Decimal,
} from './common.js';

/**
 * Shopify order webhooks (REST Admin API order resource). Shopify signs the raw body with the
 * app's secret (base64 HMAC-SHA256 in X-Shopify-Hmac-Sha256) and retries a failed delivery,
 * so the same X-Shopify-Event-Id can arrive more than once.
 */
export const SHOPIFY_SIGNATURE_HEADER = 'x-shopify-hmac-sha256';
const INGESTED_TOPIC = 'orders/create';

const Amount = z.union([z.string(), z.number()]);
const Id = z.union([z.string(), z.number()]);
const MoneySet = z.looseObject({
  shop_money: z.looseObject({ amount: Amount, currency_code: z.string().nullish() }),
});
const TaxLine = z.looseObject({
  title: z.string().nullish(),
  price: Amount,
  rate: z.number().nullish(),
  price_set: MoneySet.nullish(),
});
const DiscountAllocation = z.looseObject({
  amount: Amount,
  discount_application_index: z.number().int().nullish(),
  amount_set: MoneySet.nullish(),
});
const ShopifyAddress = z.looseObject({
  name: z.string().nullish(),
  first_name: z.string().nullish(),
  last_name: z.string().nullish(),
  company: z.string().nullish(),
  address1: z.string().nullish(),
  address2: z.string().nullish(),
  city: z.string().nullish(),
  province: z.string().nullish(),
  province_code: z.string().nullish(),
  zip: z.string().nullish(),
  country_code: z.string().nullish(),
  phone: z.string().nullish(),
  latitude: Amount.nullish(),
  longitude: Amount.nullish(),
});
const LineItem = z.looseObject({
  id: Id,
  sku: z.string().nullish(),
  variant_id: Id.nullish(),
  title: z.string().nullish(),
  name: z.string().nullish(),
  quantity: Amount,
  price: Amount,
  price_set: MoneySet.nullish(),
  total_discount: Amount.nullish(),
  total_discount_set: MoneySet.nullish(),
  discount_allocations: z.array(DiscountAllocation).nullish(),
  tax_lines: z.array(TaxLine).nullish(),
  properties: z.array(z.looseObject({ name: z.unknown(), value: z.unknown() })).nullish(),
});
const ShippingLine = z.looseObject({
  code: z.string().nullish(),
  title: z.string().nullish(),
  source: z.string().nullish(),
  price: Amount,
  price_set: MoneySet.nullish(),
  discount_allocations: z.array(DiscountAllocation).nullish(),
  tax_lines: z.array(TaxLine).nullish(),
});
const ShopifyOrder = z.looseObject({
  id: Id,
  name: z.string().nullish(),
  email: z.string().nullish(),
  contact_email: z.string().nullish(),
  phone: z.string().nullish(),
  created_at: z.string(),
  processed_at: z.string().nullish(),
  currency: z.string(),
  taxes_included: z.boolean().nullish(),
  total_line_items_price: Amount,
  total_line_items_price_set: MoneySet.nullish(),
  total_discounts: Amount.nullish(),
  total_discounts_set: MoneySet.nullish(),
  total_tax: Amount.nullish(),
  total_tax_set: MoneySet.nullish(),
  total_price: Amount,
  total_price_set: MoneySet.nullish(),
  total_shipping_price_set: MoneySet.nullish(),
  line_items: z.array(LineItem),
  shipping_lines: z.array(ShippingLine).nullish(),
  discount_applications: z
    .array(z.looseObject({ code: z.string().nullish(), title: z.string().nullish() }))
    .nullish(),
  shipping_address: ShopifyAddress.nullish(),
  billing_address: ShopifyAddress.nullish(),
  customer: z
    .looseObject({
      id: Id.nullish(),
      email: z.string().nullish(),
      first_name: z.string().nullish(),
      last_name: z.string().nullish(),
      phone: z.string().nullish(),
    })
    .nullish(),
  note: z.string().nullish(),
  tags: z.string().nullish(),
  location_id: Id.nullish(),
  source_name: z.string().nullish(),
});
type ShopifyOrder = z.output<typeof ShopifyOrder>;
type MoneySet = z.output<typeof MoneySet>;
type ShippingLine = z.output<typeof ShippingLine>;

export const shopifyAdapter: ChannelAdapter = {
  format: 'shopify',
  authenticate(request, secret) {
    verifyBase64Hmac({
      header: request.headers[SHOPIFY_SIGNATURE_HEADER],
      headerName: SHOPIFY_SIGNATURE_HEADER,
      signedContent: request.rawBody,
      secret,
    });
  },
  async toCanonical(request) {
    const topic = request.headers['x-shopify-topic'];
    // Without a topic the body is taken as an order: that is how an operator replays one by hand.
    if (topic && topic !== INGESTED_TOPIC && !(topic in CHANGE_TOPICS)) {
      return {
        kind: 'ignored',
        reason: `Shopify topic ${topic} is not ingested: orders enter through ${INGESTED_TOPIC}, cancellations through orders/cancelled and address changes through orders/updated.`,
      };
    }
    const raw = parseJsonKeepingBigIntegers(request.rawBody);
    const order = mapShopifyOrder(raw);
    const deliveryId = request.headers['x-shopify-event-id'] ?? request.headers['x-shopify-webhook-id'];
    const change = topic ? CHANGE_TOPICS[topic]?.(raw as { cancel_reason?: unknown }, order) : undefined;
    if (change === null)
      return { kind: 'ignored', reason: `Shopify ${topic} carries no shipping address to apply.` };
    if (change)
      return { kind: 'change', externalId: order.externalId, change, ...(deliveryId && { deliveryId }) };
    return { kind: 'order', order, raw, ...(deliveryId && { deliveryId }) };
  },
};

/**
 * Topics that change an order sent before: the body is the whole order as it is now. A
 * cancellation cancels it in the OMS; an update applies its shipping address (the OMS decides
 * whether it changed, and refuses once anything has shipped). `null`: nothing to apply.
 */
const CHANGE_TOPICS: Record<
  string,
  (raw: { cancel_reason?: unknown }, order: CanonicalOrder) => ChannelOrderChange | null
> = {
  'orders/cancelled': (raw) => ({
    type: 'cancel',
    reason: `canceled in Shopify (${typeof raw.cancel_reason === 'string' ? raw.cancel_reason : 'no reason given'})`,
  }),
  'orders/updated': (_raw, order) =>
    order.shippingAddress ? { type: 'shipping_address', address: order.shippingAddress } : null,
};

/** Maps a Shopify order (parsed with big integers kept as strings) to the canonical order. */
export function mapShopifyOrder(raw: unknown) {
  const order = parseNative(ShopifyOrder, raw, 'Shopify order');
  const mapping = OrderMapping.forCurrency('Shopify order', order.currency, 'currency');
  const shopAmount = (amount: Decimal | null | undefined, set: MoneySet | null | undefined, path: string) => {
    if (!set) return mapping.money(amount, path);
    mapping.sameCurrency(set.shop_money.currency_code, `${path}_set/shop_money/currency_code`);
    return mapping.money(set.shop_money.amount, `${path}_set/shop_money/amount`);
  };

  mapping.origin('lines', 'line_items');
  const lines = order.line_items.map((line, index) => {
    const path = `line_items/${index}`;
    mapping.originsUnder(`lines/${index}`, path, {
      lineId: 'id',
      name: 'name',
      quantity: 'quantity',
      unitPrice: 'price',
      discount: 'discount_allocations',
      tax: 'tax_lines',
      attributes: 'properties',
    });
    const allocations = line.discount_allocations ?? [];
    const discounts = allocations.map((allocation, allocationIndex) => ({
      code: discountName(order, allocation.discount_application_index),
      amount: shopAmount(
        allocation.amount,
        allocation.amount_set,
        `${path}/discount_allocations/${allocationIndex}/amount`,
      ),
    }));
    const taxLines = (line.tax_lines ?? []).map((tax, taxIndex) => ({
      name: blankToUndefined(tax.title) ?? 'Tax',
      ...(tax.rate !== null && tax.rate !== undefined && { rate: tax.rate }),
      amount: shopAmount(tax.price, tax.price_set, `${path}/tax_lines/${taxIndex}/price`),
    }));
    // Payloads older than discount allocations only state a per-line total_discount.
    const discount =
      allocations.length > 0
        ? sum(discounts.map((entry) => entry.amount))
        : shopAmount(line.total_discount, line.total_discount_set, `${path}/total_discount`);
    const attributes = attributesFrom(line.properties ?? []);
    return {
      lineId: String(line.id),
      sku: mapping.sku(
        `lines/${index}/sku`,
        [
          [line.sku, `${path}/sku`],
          [line.variant_id, `${path}/variant_id`],
        ],
        `${path}/sku`,
      ),
      name: blankToUndefined(line.name ?? line.title),
      quantity: mapping.quantity(line.quantity, `${path}/quantity`),
      unitPrice: shopAmount(line.price, line.price_set, `${path}/price`),
      discount,
      tax: sum(taxLines.map((tax) => tax.amount)),
      ...(taxLines.length > 0 && { taxLines }),
      ...(discounts.length > 0 && { discounts }),
      ...(attributes && { attributes }),
    };
  });

  const shippingLines = order.shipping_lines ?? [];
  const shippingPrice = sum(
    shippingLines.map((line, index) =>
      shopAmount(line.price, line.price_set, `shipping_lines/${index}/price`),
    ),
  );
  const shippingTax = sum(
    shippingLines.flatMap((line, index) =>
      (line.tax_lines ?? []).map((tax, taxIndex) =>
        shopAmount(tax.price, tax.price_set, `shipping_lines/${index}/tax_lines/${taxIndex}/price`),
      ),
    ),
  );
  const shippingDiscount = sum(
    shippingLines.flatMap((line, index) =>
      (line.discount_allocations ?? []).map((allocation, allocationIndex) =>
        shopAmount(
          allocation.amount,
          allocation.amount_set,
          `shipping_lines/${index}/discount_allocations/${allocationIndex}/amount`,
        ),
      ),
    ),
  );
  const linesHaveAllocations = order.line_items.some((line) => line.discount_allocations !== undefined);
  const statedDiscount = shopAmount(order.total_discounts, order.total_discounts_set, 'total_discounts');

  const shipping = order.shipping_address;
  const country = blankToUndefined(shipping?.country_code ?? order.billing_address?.country_code);
  const shippingAddress = shipping
    ? shopifyAddress(mapping, 'shippingAddress', 'shipping_address', shipping)
    : undefined;
  const billingAddress = order.billing_address
    ? shopifyAddress(mapping, 'billingAddress', 'billing_address', order.billing_address)
    : undefined;
  const customer = mapping.customer(
    {
      id: order.customer?.id,
      email: order.email ?? order.contact_email ?? order.customer?.email,
      name:
        fullName(order.customer?.first_name, order.customer?.last_name) ??
        fullName(order.billing_address?.first_name, order.billing_address?.last_name),
      phone: order.phone ?? order.customer?.phone ?? shipping?.phone ?? order.billing_address?.phone,
    },
    { id: 'customer/id', email: 'email', name: 'customer', phone: 'phone' },
    country,
  );
  mapping.origin('fulfillment', 'shipping_lines');
  mapping.originsUnder('totals', '', {
    subtotal: 'total_line_items_price',
    discount: 'total_discounts',
    tax: 'total_tax',
    shipping: 'total_shipping_price_set',
    total: 'total_price',
  });

  const canonical: CanonicalOrderInput = {
    externalId: String(order.id),
    ...(blankToUndefined(order.name) && { channelOrderNumber: blankToUndefined(order.name) }),
    placedAt: mapping.timestamp(
      order.processed_at ?? order.created_at,
      order.processed_at ? 'processed_at' : 'created_at',
    ),
    currency: mapping.currency,
    ...(customer && { customer }),
    ...(shippingAddress && { shippingAddress }),
    ...(billingAddress && { billingAddress }),
    fulfillment: shopifyFulfillment(order, shippingLines),
    lines,
    shippingPrice,
    shippingTax,
    // Shipping discounts belong to no line; on payloads without allocations the stated total is all we have.
    orderDiscount: linesHaveAllocations ? shippingDiscount : statedDiscount,
    taxesIncluded: order.taxes_included ?? false,
    totals: {
      subtotal: shopAmount(
        order.total_line_items_price,
        order.total_line_items_price_set,
        'total_line_items_price',
      ),
      discount: statedDiscount,
      tax: shopAmount(order.total_tax, order.total_tax_set, 'total_tax'),
      shipping: order.total_shipping_price_set
        ? shopAmount(undefined, order.total_shipping_price_set, 'total_shipping_price')
        : shippingPrice,
      total: shopAmount(order.total_price, order.total_price_set, 'total_price'),
    },
    tags: (order.tags ?? '')
      .split(',')
      .map((tag) => tag.trim())
      .filter(Boolean),
    ...(blankToUndefined(order.note) && { note: blankToUndefined(order.note) }),
  };
  return mapping.finish(canonical);
}

function discountName(order: ShopifyOrder, applicationIndex: number | null | undefined): string | undefined {
  if (applicationIndex === null || applicationIndex === undefined) return undefined;
  const application = order.discount_applications?.[applicationIndex];
  return blankToUndefined(application?.code ?? application?.title)?.slice(0, 100);
}

const PICKUP_WORDS = /pick\s*-?\s*up|collect/i;

/**
 * Shopify's REST payload has no "this is a pick-up" flag: a local pick-up arrives as a shipping
 * line with source "shopify" whose code and title are the pick-up location's name, and looks
 * exactly like a local delivery. The rule, in order:
 * 1. a source-"shopify" shipping line whose code or title says pick-up/collect, or a
 *    source-"shopify" shipping line on an order with no shipping address, is a pick-up at the
 *    order's location_id when set, else at the line's code (the location's name);
 * 2. a POS sale (source_name "pos") with a location_id is a pick-up there: the goods left with
 *    the customer;
 * 3. anything else ships.
 */
function shopifyFulfillment(
  order: ShopifyOrder,
  shippingLines: ShippingLine[],
): CanonicalOrderInput['fulfillment'] {
  const locationId = blankToUndefined(order.location_id);
  const pickupLine = shippingLines.find(
    (line) =>
      line.source === 'shopify' &&
      (PICKUP_WORDS.test(`${line.code ?? ''} ${line.title ?? ''}`) || !order.shipping_address),
  );
  if (pickupLine) {
    const pickupLocation =
      locationId ?? blankToUndefined(pickupLine.code) ?? blankToUndefined(pickupLine.title);
    if (pickupLocation) return { type: 'pickup', locationId: pickupLocation.slice(0, 64) };
  }
  if (order.source_name === 'pos' && locationId) return { type: 'pickup', locationId };
  const method = blankToUndefined(shippingLines[0]?.title ?? shippingLines[0]?.code);
  return { type: 'ship', ...(method && { method: method.slice(0, 100) }) };
}

function shopifyAddress(
  mapping: OrderMapping,
  canonicalPath: string,
  nativePath: string,
  address: z.output<typeof ShopifyAddress>,
) {
  return mapping.address(canonicalPath, nativePath, {
    name: [address.name ?? fullName(address.first_name, address.last_name), 'name'],
    company: [address.company, 'company'],
    line1: [address.address1, 'address1'],
    line2: [address.address2, 'address2'],
    city: [address.city, 'city'],
    region: [address.province_code ?? address.province, 'province_code'],
    postalCode: [address.zip, 'zip'],
    country: [address.country_code, 'country_code'],
    phone: [address.phone, 'phone'],
    lat: [address.latitude, 'latitude'],
    lon: [address.longitude, 'longitude'],
  });
}
