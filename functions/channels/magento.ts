import * as z from 'zod';
import type { CanonicalOrderInput } from '../domain/order.js';
import type { ChannelAdapter } from './adapter.js';
import { verifyOmsSignedRequest } from './canonical.js';
import {
  OrderMapping,
  blankToUndefined,
  fullName,
  parseJsonKeepingBigIntegers,
  parseNative,
  percentToFraction,
} from './common.js';

/**
 * Magento / Adobe Commerce. Magento has no built-in signed order webhook, so the store's module
 * (or an Adobe I/O action on `sales_order_place_after`) posts the order exactly as
 * GET /V1/orders/{id} returns it, signed with the OMS's own scheme (x-oms-signature, a
 * timestamped HMAC that also stops replays). Sharing the canonical channel's scheme means one
 * signing snippet for every channel the retailer integrates by hand.
 */
const Amount = z.union([z.string(), z.number()]);
const Id = z.union([z.string(), z.number()]);
const MagentoAddress = z.looseObject({
  firstname: z.string().nullish(),
  lastname: z.string().nullish(),
  company: z.string().nullish(),
  street: z.array(z.string()).nullish(),
  city: z.string().nullish(),
  region: z.string().nullish(),
  region_code: z.string().nullish(),
  postcode: z.string().nullish(),
  country_id: z.string().nullish(),
  telephone: z.string().nullish(),
  email: z.string().nullish(),
  extension_attributes: z.looseObject({ pickup_location_code: z.string().nullish() }).nullish(),
});
const MagentoOrder = z.looseObject({
  entity_id: Id,
  increment_id: z.string().nullish(),
  created_at: z.string(),
  order_currency_code: z.string(),
  customer_id: Id.nullish(),
  customer_is_guest: z.union([z.number(), z.boolean()]).nullish(),
  customer_email: z.string().nullish(),
  customer_firstname: z.string().nullish(),
  customer_lastname: z.string().nullish(),
  subtotal: Amount,
  discount_amount: Amount.nullish(),
  tax_amount: Amount.nullish(),
  shipping_amount: Amount.nullish(),
  shipping_tax_amount: Amount.nullish(),
  shipping_discount_amount: Amount.nullish(),
  grand_total: Amount,
  shipping_description: z.string().nullish(),
  items: z.array(
    z.looseObject({
      item_id: Id,
      parent_item_id: Id.nullish(),
      sku: z.string().nullish(),
      product_id: Id.nullish(),
      name: z.string().nullish(),
      qty_ordered: Amount,
      price: Amount,
      discount_amount: Amount.nullish(),
      tax_amount: Amount.nullish(),
      tax_percent: Amount.nullish(),
    }),
  ),
  billing_address: MagentoAddress.nullish(),
  extension_attributes: z
    .looseObject({
      pickup_location_code: z.string().nullish(),
      shipping_assignments: z
        .array(
          z.looseObject({
            shipping: z
              .looseObject({ address: MagentoAddress.nullish(), method: z.string().nullish() })
              .nullish(),
          }),
        )
        .nullish(),
    })
    .nullish(),
});
type MagentoOrder = z.output<typeof MagentoOrder>;

export const magentoAdapter: ChannelAdapter = {
  format: 'magento',
  authenticate: verifyOmsSignedRequest,
  async toCanonical(request) {
    const raw = parseJsonKeepingBigIntegers(request.rawBody);
    return { kind: 'order', order: mapMagentoOrder(raw), raw };
  },
};

/** Maps a Magento order (GET /V1/orders/{id} shape) to the canonical order. */
export function mapMagentoOrder(raw: unknown) {
  const order = parseNative(MagentoOrder, raw, 'Magento order');
  const mapping = OrderMapping.forCurrency('Magento order', order.order_currency_code, 'order_currency_code');

  mapping.origin('lines', 'items');
  // A configurable or bundle product is a parent item (price, the chosen child's SKU) plus
  // child items; the parent is the line the customer bought.
  const parents = order.items
    .map((item, index) => ({ item, path: `items/${index}` }))
    .filter(({ item }) => item.parent_item_id === null || item.parent_item_id === undefined);
  const lines = parents.map(({ item, path }, lineNumber) => {
    mapping.originsUnder(`lines/${lineNumber}`, path, {
      lineId: 'item_id',
      name: 'name',
      quantity: 'qty_ordered',
      unitPrice: 'price',
      discount: 'discount_amount',
      tax: 'tax_amount',
    });
    const tax = mapping.money(item.tax_amount, `${path}/tax_amount`, { rounded: true });
    const rate =
      item.tax_percent === null || item.tax_percent === undefined
        ? undefined
        : percentToFraction(item.tax_percent);
    return {
      lineId: String(item.item_id),
      sku: mapping.sku(
        `lines/${lineNumber}/sku`,
        [
          [item.sku, `${path}/sku`],
          [item.product_id, `${path}/product_id`],
        ],
        `${path}/sku`,
      ),
      ...(blankToUndefined(item.name) && { name: blankToUndefined(item.name) }),
      quantity: mapping.quantity(item.qty_ordered, `${path}/qty_ordered`),
      unitPrice: mapping.money(item.price, `${path}/price`),
      discount: mapping.money(item.discount_amount, `${path}/discount_amount`, { rounded: true }),
      tax,
      ...(tax > 0 && { taxLines: [{ name: 'Tax', ...(rate !== undefined && { rate }), amount: tax }] }),
    };
  });

  const assignment = order.extension_attributes?.shipping_assignments?.[0]?.shipping;
  const shipping = assignment?.address;
  const billing = order.billing_address;
  const country = blankToUndefined(shipping?.country_id ?? billing?.country_id);
  const shippingPath = 'extension_attributes/shipping_assignments/0/shipping/address';
  const fulfillment = magentoFulfillment(order, mapping);
  const shippingAddress =
    shipping && fulfillment.type === 'ship'
      ? magentoAddress(mapping, 'shippingAddress', shippingPath, shipping)
      : undefined;
  const billingAddress = billing
    ? magentoAddress(mapping, 'billingAddress', 'billing_address', billing)
    : undefined;
  const isGuest =
    Boolean(order.customer_is_guest) || order.customer_id === null || order.customer_id === undefined;
  const customer = mapping.customer(
    {
      id: isGuest ? undefined : order.customer_id,
      email: order.customer_email,
      name: fullName(order.customer_firstname, order.customer_lastname),
      phone: billing?.telephone ?? shipping?.telephone,
    },
    {
      id: 'customer_id',
      email: 'customer_email',
      name: 'customer_firstname',
      phone: 'billing_address/telephone',
    },
    country,
  );
  mapping.origin('fulfillment', 'extension_attributes');
  mapping.originsUnder('totals', '', {
    subtotal: 'subtotal',
    discount: 'discount_amount',
    tax: 'tax_amount',
    shipping: 'shipping_amount',
    total: 'grand_total',
  });

  const shippingPrice = mapping.money(order.shipping_amount, 'shipping_amount');
  const canonical: CanonicalOrderInput = {
    externalId: String(order.entity_id),
    ...(blankToUndefined(order.increment_id) && { channelOrderNumber: blankToUndefined(order.increment_id) }),
    // Magento stores and returns its timestamps in UTC without saying so.
    placedAt: mapping.timestamp(order.created_at, 'created_at', { assumeUtc: true }),
    currency: mapping.currency,
    ...(customer && { customer }),
    ...(shippingAddress && { shippingAddress }),
    ...(billingAddress && { billingAddress }),
    fulfillment,
    lines,
    shippingPrice,
    shippingTax: mapping.money(order.shipping_tax_amount, 'shipping_tax_amount', { rounded: true }),
    orderDiscount: mapping.money(order.shipping_discount_amount, 'shipping_discount_amount', {
      unsigned: true,
    }),
    taxesIncluded: false,
    totals: {
      subtotal: mapping.money(order.subtotal, 'subtotal'),
      // Magento writes the order discount as a negative number.
      discount: mapping.money(order.discount_amount, 'discount_amount', { unsigned: true }),
      tax: mapping.money(order.tax_amount, 'tax_amount'),
      shipping: shippingPrice,
      total: mapping.money(order.grand_total, 'grand_total'),
    },
  };
  return mapping.finish(canonical);
}

const PICKUP_METHOD = 'instore_pickup';

/**
 * Magento's In-Store Pickup stores the chosen source in the order's
 * extension_attributes.pickup_location_code (and on the shipping address it was set on); the
 * shipping method is `instore_pickup`. A pick-up method without a location code can not be
 * routed, so it is an error rather than a guess.
 */
function magentoFulfillment(order: MagentoOrder, mapping: OrderMapping): CanonicalOrderInput['fulfillment'] {
  const assignment = order.extension_attributes?.shipping_assignments?.[0]?.shipping;
  const locationCode = blankToUndefined(
    order.extension_attributes?.pickup_location_code ??
      assignment?.address?.extension_attributes?.pickup_location_code,
  );
  if (locationCode) return { type: 'pickup', locationId: locationCode.slice(0, 64) };
  if (assignment?.method === PICKUP_METHOD) {
    mapping.issue(
      'extension_attributes/pickup_location_code',
      `is required when the shipping method is ${PICKUP_METHOD}`,
    );
  }
  const method = blankToUndefined(assignment?.method ?? order.shipping_description);
  return { type: 'ship', ...(method && { method: method.slice(0, 100) }) };
}

function magentoAddress(
  mapping: OrderMapping,
  canonicalPath: string,
  nativePath: string,
  address: z.output<typeof MagentoAddress>,
) {
  const [line1, ...rest] = address.street ?? [];
  return mapping.address(canonicalPath, nativePath, {
    name: [fullName(address.firstname, address.lastname), 'firstname'],
    company: [address.company, 'company'],
    line1: [line1, 'street/0'],
    line2: [rest.join(', '), 'street/1'],
    city: [address.city, 'city'],
    region: [address.region_code ?? address.region, 'region_code'],
    postalCode: [address.postcode, 'postcode'],
    country: [address.country_id, 'country_id'],
    phone: [address.telephone, 'telephone'],
  });
}
