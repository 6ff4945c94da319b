import * as z from 'zod';
import type { DomainEvent } from '../events.js';
import type { AddressChange, Cancellation, ReturnAuthorization, StoredRefund } from './records.js';

/** A channel's change as stored (functions/data/service-repository.ts ChannelChangeRecord). */
interface ChannelChangeRecord {
  orderId: string;
  channelId: string;
  externalId: string;
  change: unknown;
  deliveryId?: string;
  receivedAt: string;
}

/**
 * The events of customer service, published by the Orders stream outbox from the records of
 * functions/data/service-repository.ts (one per record written, never one per request), with
 * stable ids so a replayed stream record is dropped downstream. The channels' write-back
 * (cancellations and refunds sent to Shopify and WooCommerce) subscribes to OrderCanceled,
 * OrderLinesCanceled and RefundRecorded: their fields below are a contract.
 */
const Units = z.object({ lineId: z.string(), sku: z.string(), quantity: z.number().int() });
const OrderRef = {
  version: z.literal('1'),
  eventId: z.string().meta({ description: 'Deduplication key: <record id>:<what happened>.' }),
  orderId: z.string(),
  channelId: z.string(),
  externalId: z.string(),
};

const Canceled = {
  ...OrderRef,
  reason: z.string(),
  lines: z.array(Units).meta({ description: 'The units canceled by this change.' }),
  refundId: z.string().optional(),
  canceledAt: z.string(),
};

/**
 * OrderCanceled keeps the fields it had as a status event (status, previousStatus, orderVersion,
 * changedAt), so existing subscribers go on working, and gains the cancellation's.
 */
export const OrderCanceledV1 = z
  .object({
    ...Canceled,
    status: z.literal('CANCELED'),
    previousStatus: z.string(),
    orderVersion: z.number().int(),
    changedAt: z.string(),
    cancellationId: z.string().optional(),
  })
  .meta({ description: 'detail of OrderCanceled, version 1: the whole order is canceled.' });
export type OrderCanceledV1 = z.infer<typeof OrderCanceledV1>;

export const OrderLinesCanceledV1 = z.object({ ...Canceled, cancellationId: z.string() }).meta({
  description: 'detail of OrderLinesCanceled, version 1: some units are canceled, the order goes on.',
});
export type OrderLinesCanceledV1 = z.infer<typeof OrderLinesCanceledV1>;

export const RefundRecordedV1 = z
  .object({
    ...OrderRef,
    refundId: z.string(),
    cause: z.enum(['cancellation', 'return']),
    currency: z.string(),
    total: z.number().int().meta({ description: 'Minor units owed back: the lines plus the shipping.' }),
    shipping: z.number().int(),
    lines: z.array(Units.extend({ amount: z.number().int() })),
    recordedAt: z.string(),
  })
  .meta({ description: 'detail of RefundRecorded, version 1: what the channel should pay back.' });
export type RefundRecordedV1 = z.infer<typeof RefundRecordedV1>;

export const OrderShippingAddressChangedV1 = z
  .object({
    ...OrderRef,
    changeId: z.string(),
    country: z.string().meta({ description: 'Of the new address; subscribers read the rest from the API.' }),
    reroutedFulfillmentOrderIds: z.array(z.string()),
    changedAt: z.string(),
  })
  .meta({ description: 'detail of OrderShippingAddressChanged, version 1.' });

export const FulfillmentOrderRerouteRequestedV1 = z
  .object({
    version: z.literal('1'),
    eventId: z.string(),
    orderId: z.string(),
    fulfillmentOrderId: z.string(),
    reason: z.string(),
  })
  .meta({
    description:
      'detail of FulfillmentOrderRerouteRequested, version 1: unstarted work the router places again (from another location).',
  });

export const ReturnAuthorizedV1 = z
  .object({
    ...OrderRef,
    returnId: z.string(),
    lines: z.array(Units),
    exchange: z.boolean(),
    authorizedAt: z.string(),
  })
  .meta({ description: 'detail of ReturnAuthorized, version 1.' });

export const ReturnReceivedV1 = z
  .object({
    ...OrderRef,
    returnId: z.string(),
    receiptId: z.string(),
    locationId: z.string(),
    lines: z.array(Units.extend({ condition: z.enum(['resellable', 'damaged']) })),
    refundId: z.string().optional(),
    exchangeOrderId: z.string().optional(),
    receivedAt: z.string(),
  })
  .meta({ description: 'detail of ReturnReceived, version 1: returned units arrived at a location.' });

export const ChannelOrderChangeReceivedV1 = z
  .object({
    ...OrderRef,
    change: z.discriminatedUnion('type', [
      z.object({ type: z.literal('cancel'), reason: z.string() }),
      // The address itself stays in the stored change: events carry no personal data (docs/privacy.md).
      z.object({
        type: z.literal('shipping_address'),
        country: z.string().meta({ description: 'Of the new address.' }),
      }),
    ]),
    changeKey: z.string().meta({
      description:
        'The stored change, ORDER#<orderId> / CHANGE#<changeKey>, from which the OMS reads the new address.',
    }),
    deliveryId: z.string().optional(),
    receivedAt: z.string(),
  })
  .meta({
    description:
      'detail of ChannelOrderChangeReceived, version 1: a channel canceled an order or changed its address; the OMS applies it (internal).',
  });

export const SERVICE_EVENT_CATALOGUE = [
  { detailType: 'OrderLinesCanceled', version: '1', schema: OrderLinesCanceledV1 },
  { detailType: 'RefundRecorded', version: '1', schema: RefundRecordedV1 },
  { detailType: 'OrderShippingAddressChanged', version: '1', schema: OrderShippingAddressChangedV1 },
  {
    detailType: 'FulfillmentOrderRerouteRequested',
    version: '1',
    schema: FulfillmentOrderRerouteRequestedV1,
  },
  { detailType: 'ReturnAuthorized', version: '1', schema: ReturnAuthorizedV1 },
  { detailType: 'ReturnReceived', version: '1', schema: ReturnReceivedV1 },
  { detailType: 'ChannelOrderChangeReceived', version: '1', schema: ChannelOrderChangeReceivedV1 },
] as const;

const ref = (record: { orderId: string; channelId: string; externalId: string }, eventId: string) => ({
  version: '1' as const,
  eventId,
  orderId: record.orderId,
  channelId: record.channelId,
  externalId: record.externalId,
});

/** A cancellation announces the units it canceled at once; requests are announced by their fulfillment orders. */
export function cancellationEvents(cancellation: Cancellation): DomainEvent[] {
  const canceled = {
    reason: cancellation.reason,
    lines: cancellation.canceled,
    ...(cancellation.refundId && { refundId: cancellation.refundId }),
    canceledAt: cancellation.canceledAt,
    cancellationId: cancellation.cancellationId,
  };
  if (cancellation.wholeOrder) {
    const detail: OrderCanceledV1 = {
      ...ref(cancellation, `${cancellation.orderId}:v${cancellation.orderVersion}`),
      ...canceled,
      status: 'CANCELED',
      previousStatus: cancellation.previousStatus,
      orderVersion: cancellation.orderVersion,
      changedAt: cancellation.canceledAt,
    };
    return [{ detailType: 'OrderCanceled', detail }];
  }
  if (cancellation.canceled.length === 0) return [];
  const detail: OrderLinesCanceledV1 = {
    ...ref(cancellation, `${cancellation.cancellationId}:canceled`),
    ...canceled,
  };
  return [{ detailType: 'OrderLinesCanceled', detail }];
}

export function refundEvents(refund: StoredRefund): DomainEvent<RefundRecordedV1>[] {
  return [
    {
      detailType: 'RefundRecorded',
      detail: {
        ...ref(refund, `${refund.refundId}:recorded`),
        refundId: refund.refundId,
        cause: refund.cause,
        currency: refund.currency,
        total: refund.total,
        shipping: refund.shipping.total,
        lines: refund.lines.map(({ lineId, sku, quantity, total }) => ({
          lineId,
          sku,
          quantity,
          amount: total,
        })),
        recordedAt: refund.recordedAt,
      },
    },
  ];
}

export function addressChangeEvents(change: AddressChange): DomainEvent[] {
  const changed: z.infer<typeof OrderShippingAddressChangedV1> = {
    ...ref(change, `${change.changeId}:changed`),
    changeId: change.changeId,
    country: change.address.country,
    reroutedFulfillmentOrderIds: change.rerouted.map((fo) => fo.fulfillmentOrderId),
    changedAt: change.changedAt,
  };
  return [
    { detailType: 'OrderShippingAddressChanged', detail: changed },
    ...change.rerouted.map((fo) => ({
      detailType: 'FulfillmentOrderRerouteRequested',
      detail: {
        version: '1',
        eventId: `${change.changeId}:${fo.fulfillmentOrderId}:reroute`,
        orderId: change.orderId,
        fulfillmentOrderId: fo.fulfillmentOrderId,
        reason: 'shipping address changed',
      },
    })),
  ];
}

/** A return announces itself once authorized, then each receipt once. */
export function returnEvents(
  previous: ReturnAuthorization | undefined,
  current: ReturnAuthorization | undefined,
): DomainEvent[] {
  if (!current) return [];
  const events: DomainEvent[] = [];
  if (!previous) {
    const authorized: z.infer<typeof ReturnAuthorizedV1> = {
      ...ref(current, `${current.returnId}:authorized`),
      returnId: current.returnId,
      lines: current.lines.map(({ lineId, sku, quantity }) => ({ lineId, sku, quantity })),
      exchange: current.replacements !== undefined,
      authorizedAt: current.authorizedAt,
    };
    events.push({ detailType: 'ReturnAuthorized', detail: authorized });
  }
  const known = new Set((previous?.receipts ?? []).map((receipt) => receipt.receiptId));
  for (const receipt of current.receipts) {
    if (known.has(receipt.receiptId)) continue;
    const received: z.infer<typeof ReturnReceivedV1> = {
      ...ref(current, `${current.returnId}:${receipt.receiptId}:received`),
      returnId: current.returnId,
      receiptId: receipt.receiptId,
      locationId: receipt.locationId,
      lines: receipt.lines.map(({ lineId, sku, quantity, condition }) => ({
        lineId,
        sku,
        quantity,
        condition,
      })),
      ...(receipt.refundId && { refundId: receipt.refundId }),
      ...(current.exchangeOrderId && { exchangeOrderId: current.exchangeOrderId }),
      receivedAt: receipt.receivedAt,
    };
    events.push({ detailType: 'ReturnReceived', detail: received });
  }
  return events;
}

/** A channel's change, announced once for the consumer that applies it (apply-channel-changes.ts). */
export function channelChangeEvents(record: ChannelChangeRecord, sk: string): DomainEvent[] {
  const change = record.change as
    { type: 'cancel'; reason: string } | { type: 'shipping_address'; address: { country: string } };
  const detail: z.infer<typeof ChannelOrderChangeReceivedV1> = {
    ...ref(record, `${record.orderId}:${sk}`),
    change:
      change.type === 'shipping_address'
        ? { type: 'shipping_address', country: change.address.country }
        : { type: 'cancel', reason: change.reason },
    changeKey: sk.slice('CHANGE#'.length),
    ...(record.deliveryId !== undefined && { deliveryId: record.deliveryId }),
    receivedAt: record.receivedAt,
  };
  return [{ detailType: 'ChannelOrderChangeReceived', detail }];
}
