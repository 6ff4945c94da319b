import * as z from 'zod';
import type { DomainEvent } from '../events.js';
import { FULFILLMENT_STATES } from './model.js';

/**
 * The events of the fulfillment lifecycle, with their schemas (version 1). Like the order events
 * (functions/domain/events.ts) they share source `oms` and carry what subscribers route on: the
 * fulfillment order, its order and location, and the units concerned. The eventId is
 * `<fulfillmentOrderId>:v<version>:<detail-type>`, so a replayed write yields the same ids.
 */
const UnitsOfLine = z.object({ lineId: z.string(), sku: z.string(), quantity: z.number().int() });

const Base = z.object({
  version: z.literal('1'),
  eventId: z.string(),
  fulfillmentOrderId: z.string(),
  orderId: z.string(),
  locationId: z.string(),
  kind: z.enum(['ship', 'pickup', 'ship_to_store', 'dropship', 'transfer']),
  status: z.enum(FULFILLMENT_STATES),
  occurredAt: z.string(),
});

const ShipmentFields = {
  shipmentId: z.string(),
  carrier: z.string(),
  service: z.string().optional(),
  trackingNumber: z.string(),
  trackingUrl: z.string().optional(),
};

export const FULFILLMENT_EVENT_SCHEMAS = {
  FulfillmentOrderAccepted: Base,
  FulfillmentOrderRejected: Base.extend({
    reason: z.string(),
    lines: z.array(UnitsOfLine),
    whole: z.boolean().meta({ description: 'Whether nothing is left for this location to do.' }),
  }),
  FulfillmentOrderPicked: Base.extend({
    shortLines: z.array(UnitsOfLine).meta({ description: 'Units not found: released and re-routed.' }),
  }),
  FulfillmentOrderPacked: Base.extend({ packages: z.number().int() }),
  ShipmentCreated: Base.extend({ ...ShipmentFields, lines: z.array(UnitsOfLine) }),
  ShipmentInTransit: Base.extend(ShipmentFields),
  ShipmentDelivered: Base.extend(ShipmentFields),
  FulfillmentOrderReceived: Base.extend({ receivedAt: z.string() }),
  OrderReadyForPickup: Base.extend({ pickupLocationId: z.string(), pickupCode: z.string() }),
  OrderPickedUp: Base.extend({ pickupLocationId: z.string(), lines: z.array(UnitsOfLine) }),
  FulfillmentCancelRequested: Base.extend({ reason: z.string() }),
  FulfillmentCancelRefused: Base.extend({ reason: z.string() }),
  FulfillmentOrderCanceled: Base.extend({
    reason: z.string(),
    lines: z.array(UnitsOfLine),
    whole: z.boolean(),
  }),
} as const;

export type FulfillmentEventType = keyof typeof FULFILLMENT_EVENT_SCHEMAS;
export type FulfillmentEventDetail<Type extends FulfillmentEventType> = z.output<
  (typeof FULFILLMENT_EVENT_SCHEMAS)[Type]
>;

export type FulfillmentEvent = {
  [Type in FulfillmentEventType]: DomainEvent<FulfillmentEventDetail<Type>> & { detailType: Type };
}[FulfillmentEventType];

const OrderFields = {
  channelId: z.string().meta({ description: 'The channel that sold the order.' }),
  externalId: z.string().meta({ description: "The order's id in that channel." }),
};

/**
 * The events as the outbox publishes them (progress.ts, publishedEvents): each names the order's
 * channel and external id, so the channel that sold it can be told; a fulfillment order of
 * merged orders publishes one per order, with that order's lines and an eventId suffixed with
 * `:<orderId>`. ShipmentCreated and OrderReadyForPickup are the contract channel updates read.
 */
export const PUBLISHED_FULFILLMENT_EVENT_SCHEMAS = {
  ...(Object.fromEntries(
    Object.entries(FULFILLMENT_EVENT_SCHEMAS).map(([type, schema]) => [type, schema.extend(OrderFields)]),
  ) as unknown as { [Type in FulfillmentEventType]: z.ZodObject }),
  ShipmentCreated: Base.extend({
    ...OrderFields,
    shipment: z.object({
      ...ShipmentFields,
      shippedAt: z.string(),
      lines: z.array(UnitsOfLine),
    }),
  }),
  OrderReadyForPickup: Base.extend({
    ...OrderFields,
    locationId: z.string().meta({ description: 'The store where the customer collects the goods.' }),
    sourceLocationId: z
      .string()
      .meta({ description: 'The location of the fulfillment order (a transfer: its source).' }),
    pickupLocationId: z.string(),
    pickupCode: z.string().meta({ description: 'The six-digit code the customer shows at the store.' }),
    readyAt: z.string(),
  }),
};
