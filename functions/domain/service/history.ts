import type { Role } from '../access.js';
import type { FulfillmentOrderState } from '../fulfillment/model.js';
import type { Order } from '../order.js';
import type { AddressChange, Cancellation, ChangedBy, ReturnAuthorization, StoredRefund } from './records.js';

/**
 * The order's history: every change, oldest first, each with when, who and why, read off the
 * records the changes left (the order as received and routed, its fulfillment orders, their
 * cancellations, address changes, returns, refunds), so no writer can forget to log. Fulfillment
 * steps come from the step list each fulfillment order keeps (`history`, with the actor of every
 * action, functions/domain/fulfillment/progress.ts); for one written before steps were kept,
 * from what its state shows (shipments, delivery, collection, a cancel request).
 */
export const HISTORY_KINDS = [
  'received',
  'routed',
  'fulfillment_order_created',
  'fulfillment_order_rejected',
  'fulfillment_step',
  'cancel_requested',
  'canceled',
  'address_changed',
  'return_authorized',
  'return_received',
  'refund_recorded',
  'cancel_accepted',
  'cancel_refused',
] as const;
export type HistoryKind = (typeof HISTORY_KINDS)[number];

export interface HistoryEntry {
  at: string;
  kind: HistoryKind;
  by: ChangedBy;
  why?: string;
  /** What changed, in the words of the record it comes from. */
  details: Record<string, unknown>;
}

const ROUTER: ChangedBy = { type: 'system', component: 'router' };
const LOCATION = (fo: FulfillmentOrderState): ChangedBy => ({
  type: 'system',
  component: `location ${fo.locationId}`,
});

interface RoutingRecord {
  ruleSetId: string;
  ruleSetVersion: number;
  strategy?: string;
  outcome: string;
  decidedAt: string;
  explanation?: { decision?: string[] };
}

type StoredFulfillmentOrder = FulfillmentOrderState & { rejectedAt?: string; rejectionReason?: string };

function fulfillmentEntries(fo: StoredFulfillmentOrder): HistoryEntry[] {
  const summary = { fulfillmentOrderId: fo.fulfillmentOrderId, locationId: fo.locationId, kind: fo.kind };
  const entries: HistoryEntry[] = [
    {
      at: fo.createdAt,
      kind: 'fulfillment_order_created',
      by: ROUTER,
      why: 'routed to this location',
      details: {
        ...summary,
        lines: fo.lines.map(({ lineId, sku, quantity }) => ({ lineId, sku, quantity })),
      },
    },
  ];
  if (fo.history && fo.history.length > 0) {
    return [
      ...entries,
      ...fo.history.map((step): HistoryEntry => {
        const answer = fo.cancelAnswers?.find((candidate) => candidate.version === step.version);
        return {
          at: step.at,
          kind: stepKind(step.action),
          by: {
            type: 'user',
            sub: step.actor.sub,
            role: step.actor.role as Role,
            ...(step.actor.clientId !== undefined && { clientId: step.actor.clientId }),
          },
          // A refusal says why the work goes on; an acceptance, which request it answered.
          why: answer ? (answer.reason ?? answer.requestReason) : step.action,
          details: {
            ...summary,
            step: step.action,
            from: step.from,
            to: step.to,
            ...(answer && {
              request: {
                reason: answer.requestReason,
                requestedAt: answer.requestedAt,
                ...(answer.lines && { lines: answer.lines }),
              },
            }),
          },
        };
      }),
    ];
  }
  if (fo.rejectedAt)
    entries.push({
      at: fo.rejectedAt,
      kind: 'fulfillment_order_rejected',
      by: LOCATION(fo),
      why: fo.rejectionReason ?? 'unspecified',
      details: summary,
    });
  for (const shipment of fo.shipments ?? []) {
    const shipped = {
      ...summary,
      shipmentId: shipment.shipmentId,
      carrier: shipment.carrier,
      trackingNumber: shipment.trackingNumber,
      lines: shipment.lines,
    };
    entries.push({
      at: shipment.shippedAt,
      kind: 'fulfillment_step',
      by: LOCATION(fo),
      why: 'shipped',
      details: { ...shipped, step: 'shipped' },
    });
    if (shipment.deliveredAt)
      entries.push({
        at: shipment.deliveredAt,
        kind: 'fulfillment_step',
        by: { type: 'system', component: 'carrier' },
        why: 'delivered',
        details: { ...shipped, step: 'delivered' },
      });
  }
  if (fo.pickedUpAt)
    entries.push({
      at: fo.pickedUpAt,
      kind: 'fulfillment_step',
      by: LOCATION(fo),
      why: 'collected by the customer',
      details: { ...summary, step: 'picked_up' },
    });
  if (fo.cancelRequest)
    entries.push({
      at: fo.cancelRequest.requestedAt,
      kind: 'cancel_requested',
      by: { type: 'system', component: 'customer service' },
      why: fo.cancelRequest.reason,
      details: { ...summary, lines: fo.cancelRequest.lines },
    });
  return entries;
}

const STEP_KINDS: Partial<Record<string, HistoryKind>> = {
  'request-cancel': 'cancel_requested',
  'accept-cancel': 'cancel_accepted',
  'refuse-cancel': 'cancel_refused',
};
const stepKind = (action: string): HistoryKind => STEP_KINDS[action] ?? 'fulfillment_step';

export function orderHistory(sources: {
  order: Order;
  fulfillmentOrders: readonly StoredFulfillmentOrder[];
  cancellations: readonly Cancellation[];
  addressChanges: readonly AddressChange[];
  returns: readonly ReturnAuthorization[];
  refunds: readonly StoredRefund[];
}): HistoryEntry[] {
  const { order } = sources;
  const routing = (order as Order & { routing?: RoutingRecord }).routing;
  const entries: HistoryEntry[] = [
    {
      at: order.receivedAt,
      kind: 'received',
      by: { type: 'channel', channelId: order.channelId },
      why: 'the channel sent the order',
      details: { externalId: order.externalId, placedAt: order.placedAt },
    },
    ...(routing
      ? [
          {
            at: routing.decidedAt,
            kind: 'routed' as const,
            by: ROUTER,
            why: `rule set ${routing.ruleSetId} v${routing.ruleSetVersion}${routing.strategy ? `, strategy ${routing.strategy}` : ''}`,
            details: {
              ruleSetId: routing.ruleSetId,
              ruleSetVersion: routing.ruleSetVersion,
              outcome: routing.outcome,
              summary: routing.explanation?.decision ?? [],
            },
          },
        ]
      : []),
    ...sources.fulfillmentOrders.flatMap(fulfillmentEntries),
    ...sources.cancellations.map((cancellation): HistoryEntry => ({
      at: cancellation.canceledAt,
      kind: 'canceled',
      by: cancellation.by,
      why: cancellation.reason,
      details: {
        cancellationId: cancellation.cancellationId,
        wholeOrder: cancellation.wholeOrder,
        canceled: cancellation.canceled,
        requested: cancellation.requested,
        ...(cancellation.accepted && { accepted: cancellation.accepted }),
      },
    })),
    ...sources.addressChanges.map((change): HistoryEntry => ({
      at: change.changedAt,
      kind: 'address_changed',
      by: change.by,
      ...(change.reason !== undefined && { why: change.reason }),
      details: { changeId: change.changeId, address: change.address, rerouted: change.rerouted },
    })),
    ...sources.returns.flatMap((authorization): HistoryEntry[] => [
      {
        at: authorization.authorizedAt,
        kind: 'return_authorized',
        by: authorization.by,
        why: authorization.lines.map((line) => `${line.lineId}: ${line.reason}`).join('; '),
        details: {
          returnId: authorization.returnId,
          lines: authorization.lines.map(({ lineId, sku, quantity }) => ({ lineId, sku, quantity })),
          ...(authorization.override && { override: authorization.override }),
          ...(authorization.replacements && { replacements: authorization.replacements }),
        },
      },
      ...authorization.receipts.map((receipt): HistoryEntry => ({
        at: receipt.receivedAt,
        kind: 'return_received',
        by: receipt.by,
        why: `received at ${receipt.locationId}`,
        details: {
          returnId: authorization.returnId,
          receiptId: receipt.receiptId,
          locationId: receipt.locationId,
          lines: receipt.lines,
        },
      })),
    ]),
    ...sources.refunds.map((refund): HistoryEntry => ({
      at: refund.recordedAt,
      kind: 'refund_recorded',
      by: refund.by,
      why: refund.cause,
      details: {
        refundId: refund.refundId,
        currency: refund.currency,
        total: refund.total,
        sourceId: refund.sourceId,
      },
    })),
  ];
  // Stable: entries of the same instant keep the order above (a cancellation before its refund).
  return entries
    .map((entry, index) => ({ entry, index }))
    .sort((a, b) => (a.entry.at === b.entry.at ? a.index - b.index : a.entry.at < b.entry.at ? -1 : 1))
    .map(({ entry }) => entry);
}
