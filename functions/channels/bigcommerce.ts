import type { Channel } from '../domain/channel.js';
import * as z from 'zod';
import { ValidationError } from '../domain/errors.js';
import type { CanonicalOrderInput } from '../domain/order.js';
import { parseJson } from '../domain/validation.js';
import type { ChannelAdapter } from './adapter.js';
import {
  OrderMapping,
  blankToUndefined,
  fullName,
  parseNative,
  sum,
  verifySharedSecretHeader,
} from './common.js';

/**
 * BigCommerce webhooks are thin (`{scope, data: {type: 'order', id}}`) and unsigned: the only
 * way to authenticate them is a custom header set when the webhook is registered
 * (POST /v3/hooks with `headers: {"X-OMS-Channel-Secret": "<secret>"}`), which BigCommerce then
 * sends verbatim. The order itself is fetched from the V2 API through an injected fetcher.
 */
export const BIGCOMMERCE_SECRET_HEADER = 'x-oms-channel-secret';
const INGESTED_SCOPE = 'store/order/created';

/** The three V2 resources an order is spread over. */
export interface BigCommerceOrderBundle {
  order: unknown;
  products: unknown;
  shippingAddresses: unknown;
}
export type BigCommerceOrderFetcher = (
  orderId: number,
  channel: Channel,
) => Promise<BigCommerceOrderBundle | undefined>;

const Amount = z.union([z.string(), z.number()]);
const Id = z.union([z.string(), z.number()]);
const BigCommerceAddress = z.looseObject({
  first_name: z.string().nullish(),
  last_name: z.string().nullish(),
  company: z.string().nullish(),
  street_1: z.string().nullish(),
  street_2: z.string().nullish(),
  city: z.string().nullish(),
  state: z.string().nullish(),
  zip: z.string().nullish(),
  country_iso2: z.string().nullish(),
  phone: z.string().nullish(),
  email: z.string().nullish(),
  shipping_method: z.string().nullish(),
});
const Consignment = z.looseObject({
  pickups: z
    .array(
      z.looseObject({
        pickup_method_display_name: z.string().nullish(),
        location: z
          .looseObject({ id: Id.nullish(), code: z.string().nullish(), name: z.string().nullish() })
          .nullish(),
      }),
    )
    .nullish(),
});
const BigCommerceOrder = z.looseObject({
  id: Id,
  date_created: z.string(),
  currency_code: z.string(),
  customer_id: Id.nullish(),
  subtotal_ex_tax: Amount,
  total_tax: Amount,
  shipping_cost_ex_tax: Amount,
  shipping_cost_tax: Amount.nullish(),
  total_inc_tax: Amount,
  discount_amount: Amount.nullish(),
  coupon_discount: Amount.nullish(),
  customer_message: z.string().nullish(),
  billing_address: BigCommerceAddress.nullish(),
  // The V2 API returns consignments as one object or a list of them, depending on the store's version.
  consignments: z.union([Consignment, z.array(Consignment)]).nullish(),
});
const BigCommerceProducts = z.array(
  z.looseObject({
    id: Id,
    product_id: Id.nullish(),
    variant_id: Id.nullish(),
    name: z.string().nullish(),
    sku: z.string().nullish(),
    quantity: Amount,
    price_ex_tax: Amount,
    total_tax: Amount.nullish(),
    applied_discounts: z
      .array(z.looseObject({ amount: Amount, code: z.string().nullish(), name: z.string().nullish() }))
      .nullish(),
  }),
);
const BigCommerceShippingAddresses = z.array(BigCommerceAddress);

const WebhookEvent = z.looseObject({
  scope: z.string(),
  hash: z.string().nullish(),
  data: z.looseObject({ type: z.string().nullish(), id: z.number().int().positive() }).nullish(),
});

export function createBigCommerceAdapter(dependencies: {
  fetchOrder: BigCommerceOrderFetcher;
}): ChannelAdapter {
  return {
    format: 'bigcommerce',
    authenticate(request, secret) {
      verifySharedSecretHeader(request.headers[BIGCOMMERCE_SECRET_HEADER], BIGCOMMERCE_SECRET_HEADER, secret);
    },
    async toCanonical(request, channel) {
      const event = parseNative(WebhookEvent, parseJson(request.rawBody), 'BigCommerce webhook');
      if (event.scope !== INGESTED_SCOPE) {
        return {
          kind: 'ignored',
          reason: `BigCommerce scope ${event.scope} is not ingested: orders enter through ${INGESTED_SCOPE}, and changes to them go through the OMS API.`,
        };
      }
      if (!event.data) {
        throw new ValidationError('The BigCommerce webhook names no order.', [
          { path: 'data/id', message: 'is required' },
        ]);
      }
      const bundle = await dependencies.fetchOrder(event.data.id, channel);
      if (!bundle) {
        throw new ValidationError(`BigCommerce has no order ${event.data.id}.`, [
          { path: 'data/id', message: `the store does not know order ${event.data.id}` },
        ]);
      }
      const order = mapBigCommerceOrder(bundle);
      // The hash is computed over the payload, so a redelivery of the same event carries the same one.
      return { kind: 'order', order, raw: bundle, ...(event.hash && { deliveryId: event.hash }) };
    },
  };
}

/**
 * Maps a V2 order, its products and shipping addresses. Problems are reported under
 * `order/…`, `products/…` and `shipping_addresses/…`: the three resources they came from.
 */
export function mapBigCommerceOrder(bundle: BigCommerceOrderBundle) {
  const order = parseNative(BigCommerceOrder, bundle.order, 'BigCommerce order', 'order');
  const products = parseNative(
    BigCommerceProducts,
    bundle.products,
    'BigCommerce order products',
    'products',
  );
  const addresses = parseNative(
    BigCommerceShippingAddresses,
    bundle.shippingAddresses ?? [],
    'BigCommerce shipping addresses',
    'shipping_addresses',
  );
  const mapping = OrderMapping.forCurrency('BigCommerce order', order.currency_code, 'order/currency_code');

  mapping.origin('lines', 'products');
  const lines = products.map((product, index) => {
    const path = `products/${index}`;
    mapping.originsUnder(`lines/${index}`, path, {
      lineId: 'id',
      name: 'name',
      quantity: 'quantity',
      unitPrice: 'price_ex_tax',
      discount: 'applied_discounts',
      tax: 'total_tax',
    });
    const discounts = (product.applied_discounts ?? []).map((discount, discountIndex) => {
      const code = blankToUndefined(discount.code) ?? blankToUndefined(discount.name);
      return {
        ...(code && { code: code.slice(0, 100) }),
        amount: mapping.money(discount.amount, `${path}/applied_discounts/${discountIndex}/amount`, {
          rounded: true,
        }),
      };
    });
    return {
      lineId: String(product.id),
      sku: mapping.sku(
        `lines/${index}/sku`,
        [
          [product.sku, `${path}/sku`],
          [product.variant_id, `${path}/variant_id`],
          [product.product_id, `${path}/product_id`],
        ],
        `${path}/sku`,
      ),
      ...(blankToUndefined(product.name) && { name: blankToUndefined(product.name) }),
      quantity: mapping.quantity(product.quantity, `${path}/quantity`),
      unitPrice: mapping.money(product.price_ex_tax, `${path}/price_ex_tax`),
      discount: sum(discounts.map((discount) => discount.amount)),
      tax: mapping.money(product.total_tax, `${path}/total_tax`, { rounded: true }),
      ...(discounts.length > 0 && { discounts }),
    };
  });

  const fulfillment = bigCommerceFulfillment(order, addresses, mapping);
  const destination = addresses[0];
  const billing = order.billing_address;
  const country = blankToUndefined(destination?.country_iso2 ?? billing?.country_iso2);
  const shippingAddress =
    destination && fulfillment.type === 'ship'
      ? bigCommerceAddress(mapping, 'shippingAddress', 'shipping_addresses/0', destination)
      : undefined;
  const billingAddress = billing
    ? bigCommerceAddress(mapping, 'billingAddress', 'order/billing_address', billing)
    : undefined;
  const customer = mapping.customer(
    {
      id: Number(order.customer_id) > 0 ? order.customer_id : undefined,
      email: billing?.email ?? destination?.email,
      name: fullName(billing?.first_name, billing?.last_name),
      phone: billing?.phone ?? destination?.phone,
    },
    {
      id: 'order/customer_id',
      email: 'order/billing_address/email',
      name: 'order/billing_address',
      phone: 'order/billing_address/phone',
    },
    country,
  );
  mapping.origin('fulfillment', 'order/consignments');
  mapping.originsUnder('totals', '', {
    subtotal: 'order/subtotal_ex_tax',
    discount: 'order/discount_amount',
    tax: 'order/total_tax',
    shipping: 'order/shipping_cost_ex_tax',
    total: 'order/total_inc_tax',
  });

  const shippingPrice = mapping.money(order.shipping_cost_ex_tax, 'order/shipping_cost_ex_tax');
  // discount_amount is a manual discount on the whole order; coupons are already in the lines.
  const orderDiscount = mapping.money(order.discount_amount, 'order/discount_amount', { rounded: true });
  const note = blankToUndefined(order.customer_message);
  const canonical: CanonicalOrderInput = {
    externalId: String(order.id),
    channelOrderNumber: String(order.id),
    // RFC 2822 ("Tue, 05 Mar 2019 21:38:13 +0000"), which Date.parse reads.
    placedAt: mapping.timestamp(order.date_created, 'order/date_created'),
    currency: mapping.currency,
    ...(customer && { customer }),
    ...(shippingAddress && { shippingAddress }),
    ...(billingAddress && { billingAddress }),
    fulfillment,
    lines,
    shippingPrice,
    shippingTax: mapping.money(order.shipping_cost_tax, 'order/shipping_cost_tax', { rounded: true }),
    orderDiscount,
    taxesIncluded: false,
    totals: {
      subtotal: mapping.money(order.subtotal_ex_tax, 'order/subtotal_ex_tax'),
      discount:
        orderDiscount + mapping.money(order.coupon_discount, 'order/coupon_discount', { rounded: true }),
      tax: mapping.money(order.total_tax, 'order/total_tax', { rounded: true }),
      shipping: shippingPrice,
      total: mapping.money(order.total_inc_tax, 'order/total_inc_tax'),
    },
    ...(note && { note: note.slice(0, 2000) }),
  };
  return mapping.finish(canonical);
}

/**
 * A pick-up consignment names a location; its `code` (set by the merchant) is the location id,
 * else its numeric id. The canonical order has one fulfillment, so an order that mixes pick-up
 * and shipped consignments is refused by name rather than half-routed.
 */
function bigCommerceFulfillment(
  order: z.output<typeof BigCommerceOrder>,
  addresses: z.output<typeof BigCommerceShippingAddresses>,
  mapping: OrderMapping,
): CanonicalOrderInput['fulfillment'] {
  const consignments = Array.isArray(order.consignments)
    ? order.consignments
    : order.consignments
      ? [order.consignments]
      : [];
  const pickup = consignments.flatMap((consignment) => consignment.pickups ?? [])[0];
  if (pickup) {
    if (addresses.length > 0) {
      mapping.issue(
        'order/consignments',
        'mixes pick-up and shipping consignments, which one canonical order can not hold',
      );
    }
    const locationId = blankToUndefined(pickup.location?.code) ?? blankToUndefined(pickup.location?.id);
    if (locationId) return { type: 'pickup', locationId: locationId.slice(0, 64) };
    mapping.issue('order/consignments/0/pickups/0/location', 'names no location code or id');
  }
  const method = blankToUndefined(addresses[0]?.shipping_method);
  return { type: 'ship', ...(method && { method: method.slice(0, 100) }) };
}

function bigCommerceAddress(
  mapping: OrderMapping,
  canonicalPath: string,
  nativePath: string,
  address: z.output<typeof BigCommerceAddress>,
) {
  return mapping.address(canonicalPath, nativePath, {
    name: [fullName(address.first_name, address.last_name), 'first_name'],
    company: [address.company, 'company'],
    line1: [address.street_1, 'street_1'],
    line2: [address.street_2, 'street_2'],
    city: [address.city, 'city'],
    region: [address.state, 'state'],
    postalCode: [address.zip, 'zip'],
    country: [address.country_iso2, 'country_iso2'],
    phone: [address.phone, 'phone'],
  });
}
