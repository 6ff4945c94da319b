import { createHmac } from 'node:crypto';
import { localDay } from '../domain/routing/routing-input.js';
import { sellingLocationOf, type ItemChange } from '../domain/reports/facts.js';
import type { AnalyticsRow } from './schema.js';

/**
 * The analytics rows of one change of an Orders-table item: orders, fulfillment orders and
 * returns export every version they reach, order lines once, when the order is placed. The
 * customer appears only as `customer_id`, an HMAC-SHA-256 of the order's customer key under the
 * deployment's pseudonym key: the same person has the same id in every row, and without the key
 * the id leads back to no email or phone (docs/reports.md, "Analytics export").
 */
export function analyticsRowsOf(
  change: ItemChange,
  context: { timeZone: string; pseudonymKey: string },
): AnalyticsRow[] {
  const dt = (instant: string) => localDay(instant, context.timeZone);
  switch (change.entityType) {
    case 'Order': {
      const order = change.current;
      if (!order || change.previous?.version === order.version) return [];
      const computed = order.reconciliation.computed;
      const rows: AnalyticsRow[] = [
        {
          table: 'orders',
          values: {
            order_id: order.orderId,
            version: order.version,
            channel_id: order.channelId,
            status: order.status,
            currency: order.currency,
            customer_id: order.customerKey ? pseudonymOf(order.customerKey, context.pseudonymKey) : null,
            fulfillment_type: order.fulfillment.type,
            selling_location_id: sellingLocationOf(order),
            placed_at: order.placedAt,
            updated_at: order.updatedAt,
            lines: order.lines.length,
            units: order.lines.reduce((sum, line) => sum + line.quantity, 0),
            revenue: computed.subtotal - computed.discount,
            discounts: computed.discount,
            tax: computed.tax,
            shipping: computed.shipping,
            total: computed.total,
            dt: dt(order.placedAt),
          },
        },
      ];
      if (change.previous) return rows;
      return [
        ...rows,
        ...order.lines.map((line): AnalyticsRow => ({
          table: 'order_lines',
          values: {
            order_id: order.orderId,
            line_id: line.lineId,
            channel_id: order.channelId,
            currency: order.currency,
            sku: line.sku,
            quantity: line.quantity,
            unit_price: line.unitPrice,
            discount: line.discount,
            tax: line.tax,
            revenue: line.unitPrice * line.quantity - line.discount,
            placed_at: order.placedAt,
            dt: dt(order.placedAt),
          },
        })),
      ];
    }
    case 'FulfillmentOrder': {
      const fo = change.current;
      if (!fo) return [];
      const version = (fo as { version?: number }).version ?? 0;
      if (change.previous && ((change.previous as { version?: number }).version ?? 0) === version) return [];
      const units = (pick: (line: { quantity: number; shipped?: number; released?: number }) => number) =>
        fo.lines.reduce((sum, line) => sum + pick(line as never), 0);
      return [
        {
          table: 'fulfillment_orders',
          values: {
            fulfillment_order_id: fo.fulfillmentOrderId,
            version,
            order_id: fo.orderId,
            location_id: fo.locationId,
            kind: fo.kind,
            status: fo.status,
            units: units((line) => line.quantity),
            shipped_units: units((line) => line.shipped ?? 0),
            released_units: units((line) => line.released ?? 0),
            shipments: fo.shipments?.length ?? 0,
            distance_km: fo.distanceKm ?? null,
            promised_by: fo.promisedBy ?? null,
            created_at: fo.createdAt,
            updated_at: fo.updatedAt ?? fo.createdAt,
            dt: dt(fo.createdAt),
          },
        },
      ];
    }
    case 'Return': {
      const authorization = change.current;
      if (!authorization || change.previous?.version === authorization.version) return [];
      return [
        {
          table: 'returns',
          values: {
            return_id: authorization.returnId,
            version: authorization.version,
            order_id: authorization.orderId,
            channel_id: authorization.channelId,
            status: authorization.status,
            units_authorized: authorization.lines.reduce((sum, line) => sum + line.quantity, 0),
            units_received: authorization.lines.reduce((sum, line) => sum + line.received, 0),
            initiated_at: authorization.initiatedAt,
            updated_at: authorization.updatedAt,
            dt: dt(authorization.authorizedAt),
          },
        },
      ];
    }
    case 'Refund':
      return [];
  }
}

export function pseudonymOf(customerKey: string, key: string): string {
  return createHmac('sha256', key).update(customerKey).digest('hex');
}
