import { formatMinorUnits } from './money.js';
import type { Order } from './order.js';
import type { FulfillmentOrder } from './routing/routing-input.js';
import type { AddressChange, Cancellation, ReturnAuthorization, StoredRefund } from './service/records.js';

/** What customer service did to the order (functions/data/service-repository.ts). */
export interface ServiceRecords {
  cancellations: readonly Cancellation[];
  addressChanges: readonly AddressChange[];
  returns: readonly ReturnAuthorization[];
  refunds: readonly StoredRefund[];
}

const NO_SERVICE_RECORDS: ServiceRecords = {
  cancellations: [],
  addressChanges: [],
  returns: [],
  refunds: [],
};

/** What the router leaves on an order (functions/data/routing-repository.ts). */
interface RoutingRecord {
  ruleSetId: string;
  ruleSetVersion: number;
  strategy?: string;
  outcome: string;
  decidedAt: string;
  explanation: { decision: string[] } & Record<string, unknown>;
  unplaced: { lineId: string; sku: string; quantity: number; reason: string }[];
}

/**
 * What the API shows of an order: everything but internal bookkeeping, the totals rendered in
 * the currency's exponent, the fulfillment orders, and for each line where it went and why, so
 * customer service can answer "where is my order" without reading the router's explanation, and
 * what was canceled, returned and refunded.
 */
export function toOrderView(
  order: Order,
  fulfillmentOrders: readonly FulfillmentOrder[] = [],
  service: ServiceRecords = NO_SERVICE_RECORDS,
) {
  const {
    payloadHash: _payloadHash,
    routingIntent: _routingIntent,
    lastCommitId: _lastCommitId,
    ...visible
  } = order as Order & Record<string, unknown>;
  const routing = (order as Order & { routing?: RoutingRecord }).routing;
  const totals = order.totals ?? order.reconciliation.computed;
  const active = fulfillmentOrders.filter((fo) => fo.status !== 'REJECTED');
  return {
    ...visible,
    display: {
      total: `${formatMinorUnits(totals.total, order.currency)} ${order.currency}`,
      subtotal: `${formatMinorUnits(totals.subtotal, order.currency)} ${order.currency}`,
    },
    lines: order.lines.map((line) => ({
      ...line,
      assignments: active.flatMap((fo) =>
        fo.lines
          // A merged fulfillment order holds several orders' lines, each with its order's own line ids.
          .filter(
            (planned) => planned.lineId === line.lineId && (planned.orderId ?? fo.orderId) === order.orderId,
          )
          .map((planned) => ({
            fulfillmentOrderId: fo.fulfillmentOrderId,
            locationId: fo.locationId,
            kind: fo.kind,
            quantity: planned.quantity,
            ...(fo.transferTo !== undefined && { transferTo: fo.transferTo }),
          })),
      ),
      unplaced: (routing?.unplaced ?? [])
        .filter((unplaced) => unplaced.lineId === line.lineId)
        .map(({ quantity, reason }) => ({ quantity, reason })),
    })),
    fulfillmentOrders,
    cancellations: service.cancellations,
    addressChanges: service.addressChanges,
    returns: service.returns,
    refunds: service.refunds,
    refunded: {
      total: service.refunds.reduce((sum, refund) => sum + refund.total, 0),
      display: `${formatMinorUnits(
        service.refunds.reduce((sum, refund) => sum + refund.total, 0),
        order.currency,
      )} ${order.currency}`,
    },
    ...(routing && {
      routing: {
        ...routing,
        summary: routing.explanation.decision,
      },
    }),
  };
}
