import * as z from 'zod';
import type { CanonicalOrderInput } from '../domain/order.js';
import type { AdapterResult } from './adapter.js';
import { TAX_EXCLUSIVE_MARKETPLACES } from './amazon.js';
import { OrderMapping, blankToUndefined, parseNative, sum } from './common.js';

/**
 * Amazon Selling Partner API, Orders API 2026-01-01. Unlike v0, getOrder and searchOrders return
 * the items and the recipient's address inside the order, so one order is the whole input. The
 * poller must ask for includedData BUYER, RECIPIENT, PROCEEDS and FULFILLMENT: without
 * FULFILLMENT the order's status and fulfiller are unknown and the order is refused.
 */
const Money = z.looseObject({ currencyCode: z.string(), amount: z.string() });
const DeliveryAddress = z.looseObject({
  name: z.string().nullish(),
  companyName: z.string().nullish(),
  addressLine1: z.string().nullish(),
  addressLine2: z.string().nullish(),
  addressLine3: z.string().nullish(),
  city: z.string().nullish(),
  stateOrRegion: z.string().nullish(),
  postalCode: z.string().nullish(),
  countryCode: z.string().nullish(),
  phone: z.string().nullish(),
});
const OrderItem = z.looseObject({
  orderItemId: z.string(),
  quantityOrdered: z.number().int().nonnegative(),
  product: z.looseObject({
    asin: z.string().nullish(),
    sellerSku: z.string().nullish(),
    title: z.string().nullish(),
    price: z.looseObject({ unitPrice: Money.nullish() }).nullish(),
  }),
  proceeds: z
    .looseObject({ breakdowns: z.array(z.looseObject({ type: z.string(), subtotal: Money })).nullish() })
    .nullish(),
});
const AmazonOrder2026 = z.looseObject({
  orderId: z.string(),
  createdTime: z.string(),
  programs: z.array(z.string()).nullish(),
  salesChannel: z.looseObject({ marketplaceId: z.string().nullish() }).nullish(),
  buyer: z.looseObject({ buyerName: z.string().nullish(), buyerEmail: z.string().nullish() }).nullish(),
  recipient: z.looseObject({ deliveryAddress: DeliveryAddress.nullish() }).nullish(),
  proceeds: z.looseObject({ grandTotal: Money.nullish() }).nullish(),
  fulfillment: z.looseObject({
    fulfillmentStatus: z.string(),
    fulfilledBy: z.string().nullish(),
    fulfillmentServiceLevel: z.string().nullish(),
  }),
  orderItems: z.array(OrderItem),
});
type AmazonMoney = z.output<typeof Money>;
type AmazonOrderItem = z.output<typeof OrderItem>;

/** The same orders v0 leaves out (not paid, canceled), in the 2026-01-01 spelling. */
const NOT_INGESTED_STATUSES = new Set(['PENDING', 'PENDING_AVAILABILITY', 'CANCELLED']);

/** Proceeds categories with a canonical place; GIFT_WRAP, COD_FEE and OTHER show up as a reconciliation difference. */
type BreakdownType = 'ITEM' | 'TAX' | 'DISCOUNT' | 'SHIPPING';

/** getOrder's `order`, or one entry of searchOrders' `orders`. */
export function mapAmazonOrder2026(input: unknown): AdapterResult {
  const order = parseNative(AmazonOrder2026, input, 'Amazon order');
  if (order.fulfillment.fulfilledBy === 'AMAZON') {
    return { kind: 'ignored', reason: `Amazon order ${order.orderId} is fulfilled by Amazon (AMAZON).` };
  }
  if (NOT_INGESTED_STATUSES.has(order.fulfillment.fulfillmentStatus)) {
    return {
      kind: 'ignored',
      reason: `Amazon order ${order.orderId} is ${order.fulfillment.fulfillmentStatus}.`,
    };
  }
  const address = order.recipient?.deliveryAddress;

  const currency =
    order.proceeds?.grandTotal?.currencyCode ?? order.orderItems[0]?.product.price?.unitPrice?.currencyCode;
  const mapping = OrderMapping.forCurrency('Amazon order', currency, 'proceeds/grandTotal/currencyCode');
  const amount = (money: AmazonMoney | null | undefined, path: string) => {
    mapping.sameCurrency(money?.currencyCode, `${path}/currencyCode`);
    return mapping.money(money?.amount, `${path}/amount`);
  };
  // Amazon may state a discount as negative proceeds; the canonical order counts it as a positive amount.
  const breakdown = (item: AmazonOrderItem, path: string, type: BreakdownType) =>
    sum(
      (item.proceeds?.breakdowns ?? []).flatMap((entry, index) => {
        if (entry.type !== type) return [];
        const entryPath = `${path}/proceeds/breakdowns/${index}/subtotal`;
        mapping.sameCurrency(entry.subtotal.currencyCode, `${entryPath}/currencyCode`);
        return [
          mapping.money(entry.subtotal.amount, `${entryPath}/amount`, { unsigned: type === 'DISCOUNT' }),
        ];
      }),
    );

  mapping.origin('lines', 'orderItems');
  // An item whose whole quantity was canceled stays in the list with quantityOrdered 0.
  const ordered = order.orderItems
    .map((item, index) => ({ item, path: `orderItems/${index}` }))
    .filter(({ item }) => item.quantityOrdered > 0);
  const lines = ordered.map(({ item, path }, lineNumber) => {
    mapping.originsUnder(`lines/${lineNumber}`, path, {
      lineId: 'orderItemId',
      name: 'product/title',
      quantity: 'quantityOrdered',
      unitPrice: 'product/price/unitPrice',
      discount: 'proceeds/breakdowns',
      tax: 'proceeds/breakdowns',
    });
    const tax = breakdown(item, path, 'TAX');
    return {
      lineId: item.orderItemId,
      sku: mapping.sku(
        `lines/${lineNumber}/sku`,
        [
          [item.product.sellerSku, `${path}/product/sellerSku`],
          [item.product.asin, `${path}/product/asin`],
        ],
        `${path}/product/sellerSku`,
      ),
      ...(blankToUndefined(item.product.title) && { name: item.product.title?.slice(0, 300) }),
      quantity: item.quantityOrdered,
      // Unlike v0's ItemPrice (the whole quantity), unitPrice is already the price of one unit.
      unitPrice: amount(item.product.price?.unitPrice, `${path}/product/price/unitPrice`),
      discount: breakdown(item, path, 'DISCOUNT'),
      tax,
      ...(tax > 0 && { taxLines: [{ name: 'Tax', amount: tax }] }),
    };
  });
  const total = (type: BreakdownType) => sum(ordered.map(({ item, path }) => breakdown(item, path, type)));
  const shippingPrice = total('SHIPPING');

  const fulfillment = amazonFulfillment2026(order, mapping);
  const country = blankToUndefined(address?.countryCode);
  const shippingAddress =
    address && fulfillment.type === 'ship'
      ? mapping.address('shippingAddress', 'recipient/deliveryAddress', {
          name: [address.name, 'name'],
          company: [address.companyName, 'companyName'],
          line1: [address.addressLine1, 'addressLine1'],
          line2: [[address.addressLine2, address.addressLine3].filter(Boolean).join(', '), 'addressLine2'],
          city: [address.city, 'city'],
          region: [address.stateOrRegion, 'stateOrRegion'],
          postalCode: [address.postalCode, 'postalCode'],
          country: [address.countryCode, 'countryCode'],
          phone: [address.phone?.slice(0, 40), 'phone'],
        })
      : undefined;
  const customer = mapping.customer(
    { email: order.buyer?.buyerEmail, name: order.buyer?.buyerName, phone: address?.phone },
    { email: 'buyer/buyerEmail', name: 'buyer/buyerName', phone: 'recipient/deliveryAddress/phone' },
    country,
  );
  mapping.origin('fulfillment', 'fulfillment');
  mapping.originsUnder('totals', '', { total: 'proceeds/grandTotal/amount' });

  const canonical: CanonicalOrderInput = {
    externalId: order.orderId,
    channelOrderNumber: order.orderId,
    placedAt: mapping.timestamp(order.createdTime, 'createdTime'),
    currency: mapping.currency,
    ...(customer && { customer }),
    ...(shippingAddress && { shippingAddress }),
    fulfillment,
    lines,
    shippingPrice,
    taxesIncluded: !TAX_EXCLUSIVE_MARKETPLACES.has(order.salesChannel?.marketplaceId ?? ''),
    // Amazon states only the grand total; the other figures are the sums of its per-item proceeds.
    ...(order.proceeds?.grandTotal && {
      totals: {
        subtotal: total('ITEM'),
        discount: total('DISCOUNT'),
        tax: total('TAX'),
        shipping: shippingPrice,
        total: amount(order.proceeds.grandTotal, 'proceeds/grandTotal'),
      },
    }),
  };
  return { kind: 'order', order: mapping.finish(canonical), raw: input };
}

/**
 * An IN_STORE_PICK_UP order's recipient address is the store's, and the 2026-01-01 order has no
 * store id (v0's StoreChainStoreId and FulfillmentSupplySourceId are gone), so it is refused
 * rather than shipped to the store or collected at a guessed location; anything else ships.
 */
function amazonFulfillment2026(
  order: z.output<typeof AmazonOrder2026>,
  mapping: OrderMapping,
): CanonicalOrderInput['fulfillment'] {
  const pickUp = order.programs?.indexOf('IN_STORE_PICK_UP') ?? -1;
  if (pickUp >= 0) {
    mapping.issue(`programs/${pickUp}`, 'is IN_STORE_PICK_UP but the order names no store to collect from');
  }
  const method = blankToUndefined(order.fulfillment.fulfillmentServiceLevel);
  return { type: 'ship', ...(method && { method: method.slice(0, 100) }) };
}
