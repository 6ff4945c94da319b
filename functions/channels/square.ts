import type { Channel } from '../domain/channel.js';
import * as z from 'zod';
import { ValidationError } from '../domain/errors.js';
import type { CanonicalOrderInput } from '../domain/order.js';
import { parseJson } from '../domain/validation.js';
import type { ChannelAdapter } from './adapter.js';
import {
  OrderMapping,
  blankToUndefined,
  divideRounded,
  fullName,
  parseNative,
  percentToFraction,
  sum,
  verifyBase64Hmac,
} from './common.js';

/**
 * Square webhooks. Square signs the notification URL followed by the raw body (base64
 * HMAC-SHA256 with the subscription's signature key), so the URL the ingest endpoint is
 * registered under is part of the signature. `order.created` is thin (an order id): the order
 * itself is fetched from the Orders API through an injected `fetchOrder`.
 */
export const SQUARE_SIGNATURE_HEADER = 'x-square-hmacsha256-signature';
const INGESTED_EVENT = 'order.created';

/** Resolves an order id to Square's order JSON, or undefined when Square does not know it. */
export type SquareOrderFetcher = (orderId: string, channel: Channel) => Promise<unknown>;

const Money = z.looseObject({ amount: z.number(), currency: z.string().nullish() });
const SquareAddress = z.looseObject({
  address_line_1: z.string().nullish(),
  address_line_2: z.string().nullish(),
  locality: z.string().nullish(),
  administrative_district_level_1: z.string().nullish(),
  postal_code: z.string().nullish(),
  country: z.string().nullish(),
  first_name: z.string().nullish(),
  last_name: z.string().nullish(),
});
const Recipient = z.looseObject({
  display_name: z.string().nullish(),
  email_address: z.string().nullish(),
  phone_number: z.string().nullish(),
  address: SquareAddress.nullish(),
});
const SquareOrder = z.looseObject({
  id: z.string(),
  location_id: z.string(),
  reference_id: z.string().nullish(),
  customer_id: z.string().nullish(),
  created_at: z.string(),
  line_items: z.array(
    z.looseObject({
      uid: z.string().nullish(),
      name: z.string().nullish(),
      catalog_object_id: z.string().nullish(),
      variation_name: z.string().nullish(),
      quantity: z.string(),
      base_price_money: Money.nullish(),
      gross_sales_money: Money.nullish(),
      total_discount_money: Money.nullish(),
      total_tax_money: Money.nullish(),
      applied_discounts: z
        .array(z.looseObject({ discount_uid: z.string(), applied_money: Money.nullish() }))
        .nullish(),
      applied_taxes: z
        .array(z.looseObject({ tax_uid: z.string(), applied_money: Money.nullish() }))
        .nullish(),
    }),
  ),
  discounts: z.array(z.looseObject({ uid: z.string().nullish(), name: z.string().nullish() })).nullish(),
  taxes: z
    .array(
      z.looseObject({
        uid: z.string().nullish(),
        name: z.string().nullish(),
        percentage: z.string().nullish(),
        type: z.string().nullish(),
      }),
    )
    .nullish(),
  fulfillments: z
    .array(
      z.looseObject({
        type: z.string(),
        pickup_details: z.looseObject({ recipient: Recipient.nullish() }).nullish(),
        shipment_details: z
          .looseObject({
            recipient: Recipient.nullish(),
            carrier: z.string().nullish(),
            shipping_type: z.string().nullish(),
          })
          .nullish(),
        delivery_details: z.looseObject({ recipient: Recipient.nullish() }).nullish(),
      }),
    )
    .nullish(),
  total_money: Money,
  total_tax_money: Money.nullish(),
  total_discount_money: Money.nullish(),
  note: z.string().nullish(),
});
type SquareOrder = z.output<typeof SquareOrder>;
type Recipient = z.output<typeof Recipient>;

const SquareEvent = z.looseObject({
  type: z.string(),
  event_id: z.string().nullish(),
  data: z
    .looseObject({
      id: z.string().nullish(),
      object: z
        .looseObject({
          order: z.unknown().optional(),
          order_created: z.looseObject({ order_id: z.string().nullish() }).nullish(),
        })
        .nullish(),
    })
    .nullish(),
});

export function createSquareAdapter(dependencies: { fetchOrder: SquareOrderFetcher }): ChannelAdapter {
  return {
    format: 'square',
    authenticate(request, secret) {
      verifyBase64Hmac({
        header: request.headers[SQUARE_SIGNATURE_HEADER],
        headerName: SQUARE_SIGNATURE_HEADER,
        signedContent: `${request.url}${request.rawBody}`,
        secret,
      });
    },
    async toCanonical(request, channel) {
      const event = parseNative(SquareEvent, parseJson(request.rawBody), 'Square event');
      if (event.type !== INGESTED_EVENT) {
        return {
          kind: 'ignored',
          reason: `Square event ${event.type} is not ingested: orders enter through ${INGESTED_EVENT}, and changes to them go through the OMS API.`,
        };
      }
      const raw =
        event.data?.object?.order ?? (await fetchThinOrder(event, channel, dependencies.fetchOrder));
      const order = mapSquareOrder(raw);
      return { kind: 'order', order, raw, ...(event.event_id && { deliveryId: event.event_id }) };
    },
  };
}

async function fetchThinOrder(
  event: z.output<typeof SquareEvent>,
  channel: Channel,
  fetchOrder: SquareOrderFetcher,
): Promise<unknown> {
  const orderId = event.data?.object?.order_created?.order_id ?? event.data?.id;
  if (!orderId) {
    throw new ValidationError('The Square event names no order.', [
      { path: 'data/object/order_created/order_id', message: 'is required' },
    ]);
  }
  const order = await fetchOrder(orderId, channel);
  if (order === undefined) {
    throw new ValidationError(`Square has no order ${orderId}.`, [
      { path: 'data/object/order_created/order_id', message: `Square does not know order ${orderId}` },
    ]);
  }
  return order;
}

/** Maps a Square order (Orders API shape, amounts already in minor units) to the canonical order. */
export function mapSquareOrder(raw: unknown) {
  const order = parseNative(SquareOrder, raw, 'Square order');
  const currency = order.total_money.currency ?? order.line_items[0]?.base_price_money?.currency ?? undefined;
  const mapping = OrderMapping.forCurrency('Square order', currency, 'total_money/currency');
  const amount = (money: z.output<typeof Money> | null | undefined, path: string) => {
    mapping.sameCurrency(money?.currency, `${path}/currency`);
    return mapping.minorUnits(money?.amount, `${path}/amount`);
  };
  const discountNames = new Map((order.discounts ?? []).map((discount) => [discount.uid, discount.name]));
  const taxes = new Map((order.taxes ?? []).map((tax) => [tax.uid, tax]));

  mapping.origin('lines', 'line_items');
  const lines = order.line_items.map((line, index) => {
    const path = `line_items/${index}`;
    mapping.originsUnder(`lines/${index}`, path, {
      lineId: 'uid',
      name: 'name',
      quantity: 'quantity',
      unitPrice: 'gross_sales_money',
      discount: 'total_discount_money',
      tax: 'total_tax_money',
    });
    const quantity = mapping.quantity(line.quantity, `${path}/quantity`);
    // gross_sales_money is the line before discounts, modifiers included; older shapes lack it.
    const unitPrice = line.gross_sales_money
      ? divideRounded(amount(line.gross_sales_money, `${path}/gross_sales_money`), quantity)
      : amount(line.base_price_money, `${path}/base_price_money`);
    const discounts = (line.applied_discounts ?? []).map((applied, appliedIndex) => {
      const name = blankToUndefined(discountNames.get(applied.discount_uid));
      return {
        ...(name && { code: name.slice(0, 100) }),
        amount: amount(applied.applied_money, `${path}/applied_discounts/${appliedIndex}/applied_money`),
      };
    });
    const taxLines = (line.applied_taxes ?? []).map((applied, appliedIndex) => {
      const tax = taxes.get(applied.tax_uid);
      const rate = tax?.percentage ? percentToFraction(tax.percentage) : undefined;
      return {
        name: (blankToUndefined(tax?.name) ?? 'Tax').slice(0, 100),
        ...(rate !== undefined && { rate }),
        amount: amount(applied.applied_money, `${path}/applied_taxes/${appliedIndex}/applied_money`),
      };
    });
    const name = fullName(line.name, line.variation_name ? `(${line.variation_name})` : undefined);
    return {
      lineId: blankToUndefined(line.uid) ?? String(index + 1),
      // Square lines reference a catalog item variation, not a SKU; an ad-hoc line has neither.
      sku: mapping.sku(
        `lines/${index}/sku`,
        [
          [line.catalog_object_id, `${path}/catalog_object_id`],
          [line.name ? `custom-${line.name}` : undefined, `${path}/name`],
        ],
        `${path}/catalog_object_id`,
      ),
      ...(name && { name }),
      quantity,
      unitPrice,
      discount: amount(line.total_discount_money, `${path}/total_discount_money`),
      tax: amount(line.total_tax_money, `${path}/total_tax_money`),
      ...(taxLines.length > 0 && { taxLines }),
      ...(discounts.length > 0 && { discounts }),
    };
  });

  const { fulfillment, recipient, recipientPath } = squareFulfillment(order);
  const recipientAddress = recipient?.address;
  const shippingAddress =
    recipientAddress && fulfillment.type === 'ship'
      ? mapping.address('shippingAddress', `${recipientPath}/address`, {
          name: [
            recipient.display_name ?? fullName(recipientAddress.first_name, recipientAddress.last_name),
            'first_name',
          ],
          line1: [recipientAddress.address_line_1, 'address_line_1'],
          line2: [recipientAddress.address_line_2, 'address_line_2'],
          city: [recipientAddress.locality, 'locality'],
          region: [recipientAddress.administrative_district_level_1, 'administrative_district_level_1'],
          postalCode: [recipientAddress.postal_code, 'postal_code'],
          country: [recipientAddress.country, 'country'],
        })
      : undefined;
  const customer = mapping.customer(
    {
      id: order.customer_id,
      email: recipient?.email_address,
      name: recipient?.display_name,
      phone: recipient?.phone_number,
    },
    {
      id: 'customer_id',
      email: `${recipientPath}/email_address`,
      name: `${recipientPath}/display_name`,
      phone: `${recipientPath}/phone_number`,
    },
    blankToUndefined(recipientAddress?.country),
  );
  mapping.origin('fulfillment', 'fulfillments');
  mapping.originsUnder('totals', '', {
    subtotal: 'line_items',
    discount: 'total_discount_money',
    tax: 'total_tax_money',
    total: 'total_money',
  });

  const canonical: CanonicalOrderInput = {
    externalId: order.id,
    ...(blankToUndefined(order.reference_id) && { channelOrderNumber: order.reference_id?.slice(0, 64) }),
    placedAt: mapping.timestamp(order.created_at, 'created_at'),
    currency: mapping.currency,
    ...(customer && { customer }),
    ...(shippingAddress && { shippingAddress }),
    fulfillment,
    lines,
    taxesIncluded: (order.taxes ?? []).some((tax) => tax.type === 'INCLUSIVE'),
    totals: {
      // Square states no subtotal; the sum of its line gross sales stands in.
      subtotal: sum(
        order.line_items.map((line, index) =>
          amount(line.gross_sales_money ?? null, `line_items/${index}/gross_sales_money`),
        ),
      ),
      discount: amount(order.total_discount_money, 'total_discount_money'),
      tax: amount(order.total_tax_money, 'total_tax_money'),
      shipping: 0,
      total: amount(order.total_money, 'total_money'),
    },
    ...(blankToUndefined(order.note) && { note: order.note?.slice(0, 2000) }),
  };
  return mapping.finish(canonical);
}

/**
 * PICKUP fulfillments are collected at the order's location. SHIPMENT and DELIVERY ship to the
 * recipient. An order with no fulfillment at all is a counter sale at a Square POS: the goods
 * left the store with the customer, so it is a pick-up at the order's location too.
 */
function squareFulfillment(order: SquareOrder): {
  fulfillment: CanonicalOrderInput['fulfillment'];
  recipient?: Recipient;
  recipientPath: string;
} {
  const fulfillments = order.fulfillments ?? [];
  const index = Math.max(
    0,
    fulfillments.findIndex((entry) => entry.type === 'PICKUP'),
  );
  const chosen = fulfillments[index];
  const path = `fulfillments/${index}`;
  if (!chosen || chosen.type === 'PICKUP') {
    const recipient = chosen?.pickup_details?.recipient ?? undefined;
    return {
      fulfillment: { type: 'pickup', locationId: order.location_id },
      ...(recipient && { recipient }),
      recipientPath: `${path}/pickup_details/recipient`,
    };
  }
  if (chosen.type === 'DELIVERY') {
    const recipient = chosen.delivery_details?.recipient ?? undefined;
    return {
      fulfillment: { type: 'ship', method: 'delivery' },
      ...(recipient && { recipient }),
      recipientPath: `${path}/delivery_details/recipient`,
    };
  }
  const details = chosen.shipment_details;
  const method = blankToUndefined(details?.shipping_type);
  const carrier = blankToUndefined(details?.carrier);
  return {
    fulfillment: {
      type: 'ship',
      ...(method && { method: method.slice(0, 100) }),
      ...(carrier && { carrier: carrier.slice(0, 100) }),
    },
    ...(details?.recipient && { recipient: details.recipient }),
    recipientPath: `${path}/shipment_details/recipient`,
  };
}
