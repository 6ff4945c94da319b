import * as z from 'zod';

/**
 * The bus events the channel updates consume, as this consumer reads them. The producers
 * (fulfillment, customer service) declare their own schemas in functions/domain/events.ts; these
 * are deliberately separate and tolerant: they name only the fields an update needs, accept
 * fields they do not know, and so keep working when a producer adds to its event. A detail that
 * lacks a needed field is a message that can never be delivered, and is dead-lettered.
 */
const Line = z.object({ lineId: z.string().min(1), sku: z.string(), quantity: z.number().int().positive() });

const Common = {
  version: z.literal('1'),
  eventId: z.string().min(1),
  orderId: z.string().min(1),
  channelId: z.string().min(1),
  externalId: z.string().min(1),
};

const ShipmentCreated = z.object({
  ...Common,
  fulfillmentOrderId: z.string(),
  locationId: z.string(),
  shipment: z.object({
    shipmentId: z.string(),
    carrier: z.string().min(1),
    service: z.string().optional(),
    trackingNumber: z.string().min(1),
    trackingUrl: z.string().optional(),
    shippedAt: z.string(),
    lines: z.array(Line).min(1),
  }),
});

const OrderReadyForPickup = z.object({
  ...Common,
  fulfillmentOrderId: z.string(),
  locationId: z.string(),
  pickupCode: z.string().min(1),
  readyAt: z.string(),
});

/**
 * OrderCanceled also comes from the Orders outbox when the router cancels an order none of whose
 * lines can be placed (routerCancellation in functions/domain/events.ts): it carries the rules'
 * reason, the unplaced lines and canceledAt as a service cancellation does, and changedAt. The
 * fields stay optional so that router cancellations published before they carried them still parse.
 */
const OrderCanceled = z.object({
  ...Common,
  reason: z.string().optional(),
  lines: z.array(Line).default([]),
  refundId: z.string().optional(),
  canceledAt: z.string().optional(),
  changedAt: z.string().optional(),
});

const OrderLinesCanceled = z.object({
  ...Common,
  reason: z.string().optional(),
  lines: z.array(Line).min(1),
  refundId: z.string().optional(),
  canceledAt: z.string().optional(),
});

const RefundRecorded = z.object({
  ...Common,
  refundId: z.string().min(1),
  cause: z.enum(['cancellation', 'return']),
  currency: z.string().length(3),
  total: z.number().int().nonnegative(),
  shipping: z.number().int().nonnegative().default(0),
  lines: z.array(Line.extend({ amount: z.number().int().nonnegative() })),
  recordedAt: z.string(),
});

export const CHANNEL_UPDATE_EVENTS = [
  'ShipmentCreated',
  'OrderReadyForPickup',
  'OrderCanceled',
  'OrderLinesCanceled',
  'RefundRecorded',
] as const;

/** What an EventBridge rule puts on the queue: the envelope, whose detail is the event. */
export const ChannelUpdateMessage = z.discriminatedUnion('detail-type', [
  z.object({ 'detail-type': z.literal('ShipmentCreated'), detail: ShipmentCreated }),
  z.object({ 'detail-type': z.literal('OrderReadyForPickup'), detail: OrderReadyForPickup }),
  z.object({ 'detail-type': z.literal('OrderCanceled'), detail: OrderCanceled }),
  z.object({ 'detail-type': z.literal('OrderLinesCanceled'), detail: OrderLinesCanceled }),
  z.object({ 'detail-type': z.literal('RefundRecorded'), detail: RefundRecorded }),
]);

type Message = z.output<typeof ChannelUpdateMessage>;

/** One update for the channel that sold an order: the event, named by its kind. */
export type ChannelUpdate =
  | { kind: 'shipment'; event: Extract<Message, { 'detail-type': 'ShipmentCreated' }>['detail'] }
  | { kind: 'ready_for_pickup'; event: Extract<Message, { 'detail-type': 'OrderReadyForPickup' }>['detail'] }
  | { kind: 'order_canceled'; event: Extract<Message, { 'detail-type': 'OrderCanceled' }>['detail'] }
  | { kind: 'lines_canceled'; event: Extract<Message, { 'detail-type': 'OrderLinesCanceled' }>['detail'] }
  | { kind: 'refund'; event: Extract<Message, { 'detail-type': 'RefundRecorded' }>['detail'] };

export type ShipmentEvent = Extract<ChannelUpdate, { kind: 'shipment' }>['event'];
export type PickupEvent = Extract<ChannelUpdate, { kind: 'ready_for_pickup' }>['event'];
export type OrderCanceledEvent = Extract<ChannelUpdate, { kind: 'order_canceled' }>['event'];
export type LinesCanceledEvent = Extract<ChannelUpdate, { kind: 'lines_canceled' }>['event'];
export type RefundEvent = Extract<ChannelUpdate, { kind: 'refund' }>['event'];

const KINDS = {
  ShipmentCreated: 'shipment',
  OrderReadyForPickup: 'ready_for_pickup',
  OrderCanceled: 'order_canceled',
  OrderLinesCanceled: 'lines_canceled',
  RefundRecorded: 'refund',
} as const;

/** The update a queue message carries, or the reason it can not be one. */
export function parseChannelUpdate(body: string): { update: ChannelUpdate } | { invalid: string } {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return { invalid: 'the message is not JSON' };
  }
  const parsed = ChannelUpdateMessage.safeParse(json);
  if (!parsed.success) return { invalid: z.prettifyError(parsed.error) };
  const message = parsed.data;
  return { update: { kind: KINDS[message['detail-type']], event: message.detail } as ChannelUpdate };
}
