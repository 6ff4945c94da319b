import * as z from 'zod';
import type { CanonicalOrderInput } from '../domain/order.js';
import type { ChannelAdapter } from './adapter.js';
import {
  OrderMapping,
  attributesFrom,
  blankToUndefined,
  divideRounded,
  fullName,
  parseJsonKeepingBigIntegers,
  parseNative,
  percentToFraction,
  sum,
  verifyBase64Hmac,
} from './common.js';

/**
 * WooCommerce order webhooks: the body is the REST v3 order; X-WC-Webhook-Signature is the
 * base64 HMAC-SHA256 of the raw body with the webhook's secret.
 */
export const WOOCOMMERCE_SIGNATURE_HEADER = 'x-wc-webhook-signature';
const INGESTED_TOPIC = 'order.created';

/**
 * When a webhook is saved, WooCommerce posts `webhook_id=<n>` as a form and disables the webhook
 * unless it gets a 2xx. That ping is not reliably signed, so it is let through unsigned: it can
 * only ever be answered with "ignored", so it can not smuggle an order in.
 */
const ACTIVATION_PING = /^webhook_id=\d+$/;

function isActivationPing(rawBody: string): boolean {
  return ACTIVATION_PING.test(rawBody.trim());
}

const Amount = z.union([z.string(), z.number()]);
const Id = z.union([z.string(), z.number()]);
const MetaData = z.array(z.looseObject({ key: z.unknown(), value: z.unknown() })).nullish();
const WooAddress = z.looseObject({
  first_name: z.string().nullish(),
  last_name: z.string().nullish(),
  company: z.string().nullish(),
  address_1: z.string().nullish(),
  address_2: z.string().nullish(),
  city: z.string().nullish(),
  state: z.string().nullish(),
  postcode: z.string().nullish(),
  country: z.string().nullish(),
  email: z.string().nullish(),
  phone: z.string().nullish(),
});
const WooOrder = z.looseObject({
  id: Id,
  number: z.union([z.string(), z.number()]).nullish(),
  currency: z.string(),
  date_created_gmt: z.string(),
  prices_include_tax: z.boolean().nullish(),
  discount_total: Amount,
  shipping_total: Amount,
  total_tax: Amount,
  total: Amount,
  customer_id: Id.nullish(),
  customer_note: z.string().nullish(),
  billing: WooAddress.nullish(),
  shipping: WooAddress.nullish(),
  line_items: z.array(
    z.looseObject({
      id: Id,
      name: z.string().nullish(),
      product_id: Id.nullish(),
      variation_id: Id.nullish(),
      quantity: Amount,
      subtotal: Amount,
      total: Amount,
      total_tax: Amount,
      taxes: z.array(z.looseObject({ id: Id, total: Amount })).nullish(),
      meta_data: MetaData,
      sku: z.string().nullish(),
    }),
  ),
  tax_lines: z
    .array(
      z.looseObject({
        rate_id: Id,
        label: z.string().nullish(),
        rate_code: z.string().nullish(),
        rate_percent: Amount.nullish(),
      }),
    )
    .nullish(),
  shipping_lines: z
    .array(
      z.looseObject({
        method_title: z.string().nullish(),
        method_id: z.string().nullish(),
        instance_id: Id.nullish(),
        total: Amount,
        total_tax: Amount,
        meta_data: MetaData,
      }),
    )
    .nullish(),
});
type WooOrder = z.output<typeof WooOrder>;

export const wooCommerceAdapter: ChannelAdapter = {
  format: 'woocommerce',
  authenticate(request, secret) {
    if (isActivationPing(request.rawBody)) return;
    verifyBase64Hmac({
      header: request.headers[WOOCOMMERCE_SIGNATURE_HEADER],
      headerName: WOOCOMMERCE_SIGNATURE_HEADER,
      signedContent: request.rawBody,
      secret,
    });
  },
  async toCanonical(request) {
    if (isActivationPing(request.rawBody)) {
      return { kind: 'ignored', reason: 'WooCommerce webhook activation ping.' };
    }
    const topic = request.headers['x-wc-webhook-topic'];
    if (topic && topic !== INGESTED_TOPIC) {
      return {
        kind: 'ignored',
        reason: `WooCommerce topic ${topic} is not ingested: orders enter through ${INGESTED_TOPIC}, and changes to them go through the OMS API.`,
      };
    }
    const raw = parseJsonKeepingBigIntegers(request.rawBody);
    const order = mapWooCommerceOrder(raw);
    const deliveryId = request.headers['x-wc-webhook-delivery-id'];
    return { kind: 'order', order, raw, ...(deliveryId && { deliveryId }) };
  },
};

export function mapWooCommerceOrder(raw: unknown) {
  const order = parseNative(WooOrder, raw, 'WooCommerce order');
  const mapping = OrderMapping.forCurrency('WooCommerce order', order.currency, 'currency');
  const taxRates = new Map((order.tax_lines ?? []).map((taxLine) => [String(taxLine.rate_id), taxLine]));

  mapping.origin('lines', 'line_items');
  const lines = order.line_items.map((line, index) => {
    const path = `line_items/${index}`;
    mapping.originsUnder(`lines/${index}`, path, {
      lineId: 'id',
      name: 'name',
      quantity: 'quantity',
      unitPrice: 'subtotal',
      discount: 'total',
      tax: 'total_tax',
      taxLines: 'taxes',
      attributes: 'meta_data',
    });
    const quantity = mapping.quantity(line.quantity, `${path}/quantity`);
    // subtotal is the line before discounts and total after; both exclude tax whatever the
    // store's prices_include_tax, which is why the canonical line never has taxes included.
    const subtotal = mapping.money(line.subtotal, `${path}/subtotal`);
    const total = mapping.money(line.total, `${path}/total`);
    const taxLines = (line.taxes ?? []).map((tax, taxIndex) => {
      const rate = taxRates.get(String(tax.id));
      const fraction =
        rate?.rate_percent === null || rate?.rate_percent === undefined
          ? undefined
          : percentToFraction(rate.rate_percent);
      return {
        name: (blankToUndefined(rate?.label) ?? blankToUndefined(rate?.rate_code) ?? `Tax ${tax.id}`).slice(
          0,
          100,
        ),
        ...(fraction !== undefined && { rate: fraction }),
        amount: mapping.money(tax.total, `${path}/taxes/${taxIndex}/total`, { rounded: true }),
      };
    });
    const attributes = attributesFrom(
      (line.meta_data ?? [])
        .filter(
          (meta) =>
            typeof meta.key === 'string' && !meta.key.startsWith('_') && typeof meta.value !== 'object',
        )
        .map((meta) => ({ name: meta.key, value: meta.value })),
    );
    return {
      lineId: String(line.id),
      sku: mapping.sku(
        `lines/${index}/sku`,
        [
          [line.sku, `${path}/sku`],
          [Number(line.variation_id) > 0 ? line.variation_id : undefined, `${path}/variation_id`],
          [line.product_id, `${path}/product_id`],
        ],
        `${path}/sku`,
      ),
      name: blankToUndefined(line.name),
      quantity,
      // WooCommerce keeps only line totals; a unit price that does not divide evenly is rounded half up.
      unitPrice: divideRounded(subtotal, quantity),
      discount: Math.max(0, subtotal - total),
      tax: mapping.money(line.total_tax, `${path}/total_tax`, { rounded: true }),
      ...(taxLines.length > 0 && { taxLines }),
      ...(attributes && { attributes }),
    };
  });

  const shippingLines = order.shipping_lines ?? [];
  const billing = order.billing;
  const country = blankToUndefined(order.shipping?.country ?? billing?.country);
  const shippingAddress = order.shipping
    ? wooAddress(mapping, 'shippingAddress', 'shipping', order.shipping)
    : undefined;
  const billingAddress = billing ? wooAddress(mapping, 'billingAddress', 'billing', billing) : undefined;
  const customerId = Number(order.customer_id) > 0 ? order.customer_id : undefined;
  const customer = mapping.customer(
    {
      id: customerId,
      email: billing?.email,
      name: fullName(billing?.first_name, billing?.last_name),
      phone: order.shipping?.phone ?? billing?.phone,
    },
    { id: 'customer_id', email: 'billing/email', name: 'billing', phone: 'billing/phone' },
    country,
  );
  mapping.origin('fulfillment', 'shipping_lines');
  mapping.originsUnder('totals', '', {
    subtotal: 'line_items',
    discount: 'discount_total',
    tax: 'total_tax',
    shipping: 'shipping_total',
    total: 'total',
  });

  const note = blankToUndefined(order.customer_note);
  const canonical: CanonicalOrderInput = {
    externalId: String(order.id),
    ...(blankToUndefined(order.number) && { channelOrderNumber: blankToUndefined(order.number) }),
    placedAt: mapping.timestamp(order.date_created_gmt, 'date_created_gmt', { assumeUtc: true }),
    currency: mapping.currency,
    ...(customer && { customer }),
    ...(shippingAddress && { shippingAddress }),
    ...(billingAddress && { billingAddress }),
    fulfillment: wooFulfillment(order),
    lines,
    shippingPrice: sum(
      shippingLines.map((line, index) => mapping.money(line.total, `shipping_lines/${index}/total`)),
    ),
    shippingTax: sum(
      shippingLines.map((line, index) =>
        mapping.money(line.total_tax, `shipping_lines/${index}/total_tax`, { rounded: true }),
      ),
    ),
    taxesIncluded: false,
    totals: {
      // WooCommerce states no order subtotal; the sum of its own line subtotals stands in.
      subtotal: sum(
        order.line_items.map((line, index) => mapping.money(line.subtotal, `line_items/${index}/subtotal`)),
      ),
      discount: mapping.money(order.discount_total, 'discount_total'),
      tax: mapping.money(order.total_tax, 'total_tax'),
      shipping: mapping.money(order.shipping_total, 'shipping_total'),
      total: mapping.money(order.total, 'total'),
    },
    ...(note && { note }),
  };
  return mapping.finish(canonical);
}

const PICKUP_METHODS = new Set(['local_pickup', 'pickup_location']);

/**
 * Local pick-up is a shipping method: `local_pickup` (classic) or `pickup_location` (checkout
 * blocks, which also writes the chosen location's name in the line's `pickup_location` meta).
 * The location is that meta value, else the method's instance id.
 */
function wooFulfillment(order: WooOrder): CanonicalOrderInput['fulfillment'] {
  const lines = order.shipping_lines ?? [];
  const pickup = lines.find((line) => PICKUP_METHODS.has(line.method_id ?? ''));
  if (pickup) {
    const meta = (pickup.meta_data ?? []).find((entry) => entry.key === 'pickup_location');
    const locationId =
      blankToUndefined(typeof meta?.value === 'string' ? meta.value : undefined) ??
      blankToUndefined(pickup.instance_id) ??
      blankToUndefined(pickup.method_title) ??
      'local_pickup';
    return { type: 'pickup', locationId: locationId.slice(0, 64) };
  }
  const method = blankToUndefined(lines[0]?.method_title ?? lines[0]?.method_id);
  return { type: 'ship', ...(method && { method: method.slice(0, 100) }) };
}

function wooAddress(
  mapping: OrderMapping,
  canonicalPath: string,
  nativePath: string,
  address: z.output<typeof WooOrder>['shipping'] & object,
) {
  return mapping.address(canonicalPath, nativePath, {
    name: [fullName(address.first_name, address.last_name), 'first_name'],
    company: [address.company, 'company'],
    line1: [address.address_1, 'address_1'],
    line2: [address.address_2, 'address_2'],
    city: [address.city, 'city'],
    region: [address.state, 'state'],
    postalCode: [address.postcode, 'postcode'],
    country: [address.country, 'country'],
    phone: [address.phone, 'phone'],
  });
}
