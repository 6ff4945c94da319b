import * as z from 'zod';
import type { CanonicalOrderInput } from '../domain/order.js';
import { parseJson } from '../domain/validation.js';
import type { AdapterResult, ChannelAdapter } from './adapter.js';
import { verifyOmsSignedRequest } from './canonical.js';
import { OrderMapping, blankToUndefined, divideRounded, parseNative, sum } from './common.js';

/**
 * Amazon Selling Partner API (Orders API v0). Amazon never calls us: a poller reads getOrder,
 * getOrderItems (all pages) and, for merchant-fulfilled orders, getOrderAddress, then either
 * calls mapAmazonOrder directly or posts `{order, orderItems, shippingAddress}` to the channel's
 * ingest endpoint signed with the OMS scheme, so Amazon orders get the same de-duplication and
 * validation as every other channel.
 */
const Money = z.looseObject({ CurrencyCode: z.string(), Amount: z.string() });
const AmazonAddress = z.looseObject({
  Name: z.string().nullish(),
  AddressLine1: z.string().nullish(),
  AddressLine2: z.string().nullish(),
  AddressLine3: z.string().nullish(),
  City: z.string().nullish(),
  StateOrRegion: z.string().nullish(),
  PostalCode: z.string().nullish(),
  CountryCode: z.string().nullish(),
  Phone: z.string().nullish(),
});
const AmazonOrder = z.looseObject({
  AmazonOrderId: z.string(),
  PurchaseDate: z.string(),
  OrderStatus: z.string(),
  FulfillmentChannel: z.string().nullish(),
  MarketplaceId: z.string().nullish(),
  ShipmentServiceLevelCategory: z.string().nullish(),
  OrderTotal: Money.nullish(),
  IsISPU: z.boolean().nullish(),
  FulfillmentInstruction: z.looseObject({ FulfillmentSupplySourceId: z.string().nullish() }).nullish(),
  ShippingAddress: AmazonAddress.nullish(),
  BuyerInfo: z.looseObject({ BuyerEmail: z.string().nullish(), BuyerName: z.string().nullish() }).nullish(),
});
const AmazonOrderItems = z.array(
  z.looseObject({
    OrderItemId: z.string(),
    ASIN: z.string().nullish(),
    SellerSKU: z.string().nullish(),
    Title: z.string().nullish(),
    QuantityOrdered: z.number().int().nonnegative(),
    ItemPrice: Money.nullish(),
    ItemTax: Money.nullish(),
    PromotionDiscount: Money.nullish(),
    ShippingPrice: Money.nullish(),
    ShippingTax: Money.nullish(),
    ShippingDiscount: Money.nullish(),
    StoreChainStoreId: z.string().nullish(),
  }),
);
type AmazonMoney = z.output<typeof Money>;

export interface AmazonOrderInput {
  /** getOrder's `payload`. */
  order: unknown;
  /** getOrderItems' `payload.OrderItems`, every page concatenated. */
  orderItems: unknown;
  /** getOrderAddress's `payload.ShippingAddress`, when the order's own is withheld (it needs a restricted token). */
  shippingAddress?: unknown;
}

/** Orders that must not (yet) enter the OMS: not paid, canceled, or shipped by Amazon itself. */
const NOT_INGESTED_STATUSES = new Set(['Pending', 'PendingAvailability', 'Canceled']);

/** Marketplaces whose ItemPrice excludes tax (US, Canada); elsewhere Amazon prices include VAT/GST. */
export const TAX_EXCLUSIVE_MARKETPLACES = new Set(['ATVPDKIKX0DER', 'A2EUQ1WTGCTBG2']);

export function mapAmazonOrder(input: AmazonOrderInput): AdapterResult {
  const order = parseNative(AmazonOrder, input.order, 'Amazon order');
  if (order.FulfillmentChannel === 'AFN') {
    return { kind: 'ignored', reason: `Amazon order ${order.AmazonOrderId} is fulfilled by Amazon (AFN).` };
  }
  if (NOT_INGESTED_STATUSES.has(order.OrderStatus)) {
    return { kind: 'ignored', reason: `Amazon order ${order.AmazonOrderId} is ${order.OrderStatus}.` };
  }
  const items = parseNative(AmazonOrderItems, input.orderItems, 'Amazon order items', 'OrderItems');
  const address =
    input.shippingAddress === undefined
      ? order.ShippingAddress
      : parseNative(AmazonAddress, input.shippingAddress, 'Amazon order address', 'ShippingAddress');

  const currency = order.OrderTotal?.CurrencyCode ?? items[0]?.ItemPrice?.CurrencyCode;
  const mapping = OrderMapping.forCurrency('Amazon order', currency, 'OrderTotal/CurrencyCode');
  const amount = (money: AmazonMoney | null | undefined, path: string) => {
    mapping.sameCurrency(money?.CurrencyCode, `${path}/CurrencyCode`);
    return mapping.money(money?.Amount, `${path}/Amount`);
  };

  mapping.origin('lines', 'OrderItems');
  // An item whose whole quantity was canceled stays in the list with QuantityOrdered 0.
  const ordered = items
    .map((item, index) => ({ item, path: `OrderItems/${index}` }))
    .filter(({ item }) => item.QuantityOrdered > 0);
  const lines = ordered.map(({ item, path }, lineNumber) => {
    mapping.originsUnder(`lines/${lineNumber}`, path, {
      lineId: 'OrderItemId',
      name: 'Title',
      quantity: 'QuantityOrdered',
      unitPrice: 'ItemPrice',
      discount: 'PromotionDiscount',
      tax: 'ItemTax',
    });
    const quantity = item.QuantityOrdered;
    const tax = amount(item.ItemTax, `${path}/ItemTax`);
    return {
      lineId: item.OrderItemId,
      sku: mapping.sku(
        `lines/${lineNumber}/sku`,
        [
          [item.SellerSKU, `${path}/SellerSKU`],
          [item.ASIN, `${path}/ASIN`],
        ],
        `${path}/SellerSKU`,
      ),
      ...(blankToUndefined(item.Title) && { name: item.Title?.slice(0, 300) }),
      quantity,
      // ItemPrice is the price of the whole quantity; a remainder is rounded half up.
      unitPrice: divideRounded(amount(item.ItemPrice, `${path}/ItemPrice`), quantity),
      discount: amount(item.PromotionDiscount, `${path}/PromotionDiscount`),
      tax,
      ...(tax > 0 && { taxLines: [{ name: 'Tax', amount: tax }] }),
    };
  });
  const itemSum = (pick: (item: (typeof items)[number]) => AmazonMoney | null | undefined, field: string) =>
    sum(ordered.map(({ item, path }) => amount(pick(item), `${path}/${field}`)));
  const shippingPrice = itemSum((item) => item.ShippingPrice, 'ShippingPrice');
  const shippingTax = itemSum((item) => item.ShippingTax, 'ShippingTax');
  const shippingDiscount = itemSum((item) => item.ShippingDiscount, 'ShippingDiscount');

  const fulfillment = amazonFulfillment(
    order,
    ordered.map(({ item }) => item),
    mapping,
  );
  const country = blankToUndefined(address?.CountryCode);
  const shippingAddress =
    address && fulfillment.type === 'ship'
      ? mapping.address('shippingAddress', 'ShippingAddress', {
          name: [address.Name, 'Name'],
          line1: [address.AddressLine1, 'AddressLine1'],
          line2: [[address.AddressLine2, address.AddressLine3].filter(Boolean).join(', '), 'AddressLine2'],
          city: [address.City, 'City'],
          region: [address.StateOrRegion, 'StateOrRegion'],
          postalCode: [address.PostalCode, 'PostalCode'],
          country: [address.CountryCode, 'CountryCode'],
          phone: [address.Phone?.slice(0, 40), 'Phone'],
        })
      : undefined;
  const customer = mapping.customer(
    { email: order.BuyerInfo?.BuyerEmail, name: order.BuyerInfo?.BuyerName, phone: address?.Phone },
    { email: 'BuyerInfo/BuyerEmail', name: 'BuyerInfo/BuyerName', phone: 'ShippingAddress/Phone' },
    country,
  );
  mapping.origin('fulfillment', 'IsISPU');
  mapping.originsUnder('totals', '', { total: 'OrderTotal/Amount' });

  const canonical: CanonicalOrderInput = {
    externalId: order.AmazonOrderId,
    channelOrderNumber: order.AmazonOrderId,
    placedAt: mapping.timestamp(order.PurchaseDate, 'PurchaseDate'),
    currency: mapping.currency,
    ...(customer && { customer }),
    ...(shippingAddress && { shippingAddress }),
    fulfillment,
    lines,
    shippingPrice,
    shippingTax,
    orderDiscount: shippingDiscount,
    taxesIncluded: !TAX_EXCLUSIVE_MARKETPLACES.has(order.MarketplaceId ?? ''),
    // Amazon states only the order total; the other figures are the sums of its per-item amounts.
    ...(order.OrderTotal && {
      totals: {
        subtotal: itemSum((item) => item.ItemPrice, 'ItemPrice'),
        discount: itemSum((item) => item.PromotionDiscount, 'PromotionDiscount') + shippingDiscount,
        tax: itemSum((item) => item.ItemTax, 'ItemTax') + shippingTax,
        shipping: shippingPrice,
        total: amount(order.OrderTotal, 'OrderTotal'),
      },
    }),
  };
  return { kind: 'order', order: mapping.finish(canonical), raw: input };
}

/**
 * IsISPU (in-store pick-up) orders are collected at the store in the items' StoreChainStoreId,
 * else at the FulfillmentInstruction's supply source; anything else ships.
 */
function amazonFulfillment(
  order: z.output<typeof AmazonOrder>,
  items: z.output<typeof AmazonOrderItems>,
  mapping: OrderMapping,
): CanonicalOrderInput['fulfillment'] {
  if (order.IsISPU) {
    const locationId =
      blankToUndefined(items.find((item) => blankToUndefined(item.StoreChainStoreId))?.StoreChainStoreId) ??
      blankToUndefined(order.FulfillmentInstruction?.FulfillmentSupplySourceId);
    if (locationId) return { type: 'pickup', locationId: locationId.slice(0, 64) };
    mapping.issue(
      'IsISPU',
      'is true but no item has a StoreChainStoreId and there is no FulfillmentSupplySourceId',
    );
  }
  const method = blankToUndefined(order.ShipmentServiceLevelCategory);
  return { type: 'ship', ...(method && { method: method.slice(0, 100) }) };
}

const AmazonEnvelope = z.looseObject({
  order: z.unknown(),
  orderItems: z.unknown(),
  shippingAddress: z.unknown().optional(),
});

/** For the poller's signed POST of `{order, orderItems, shippingAddress}` to the ingest endpoint. */
export const amazonAdapter: ChannelAdapter = {
  format: 'amazon',
  authenticate: verifyOmsSignedRequest,
  async toCanonical(request) {
    const envelope = parseNative(AmazonEnvelope, parseJson(request.rawBody), 'Amazon order envelope');
    return mapAmazonOrder({
      order: envelope.order,
      orderItems: envelope.orderItems,
      ...(envelope.shippingAddress !== undefined && { shippingAddress: envelope.shippingAddress }),
    });
  },
};
