import type { Shipment } from '../domain/fulfillment/model.js';
import { ORDERS_TABLE } from '../../lib/tables.js';
import { tableName } from './dynamo.js';
import { queryAll } from './paging.js';

/**
 * Shipment records in the Orders table, one per parcel a carrier took:
 *   TRACKING#<trackingNumber> / SHIPMENT#<shipmentId>
 * The shipment itself lives on its fulfillment order (`shipments`, which the state machine
 * moves on); this record is how a carrier's tracking event, which knows only the tracking number
 * (and the carrier), finds the fulfillment order to apply it to. It is written by the `ship`
 * action in the same transaction as the fulfillment order, so a shipment can always be found by
 * its tracking number once it exists. Keyed by the number alone: carriers name themselves
 * differently (`UPS`, `ups`, a Shippo token), so the reader compares carriers itself.
 */
export const shipmentRecordKey = (trackingNumber: string, shipmentId: string) => ({
  pk: `TRACKING#${trackingNumber}`,
  sk: `SHIPMENT#${shipmentId}`,
});

export interface ShipmentRecord {
  shipmentId: string;
  fulfillmentOrderId: string;
  /** The order the fulfillment order is stored under (its key: ORDER#<orderId> / FO#<id>). */
  orderId: string;
  /** Every order with goods in the parcel (merged orders), the stored one included. */
  orderIds: string[];
  locationId: string;
  carrier: string;
  service?: string;
  trackingNumber: string;
  trackingUrl?: string;
  shippedAt: string;
  lines: { lineId: string; sku: string; quantity: number }[];
}

export function shipmentRecordOf(
  shipment: Shipment,
  fo: {
    fulfillmentOrderId: string;
    orderId: string;
    locationId: string;
    lines: { lineId: string; sku: string }[];
  },
  orderIds: readonly string[],
): ShipmentRecord {
  const skuOf = new Map(fo.lines.map((line) => [line.lineId, line.sku]));
  return {
    shipmentId: shipment.shipmentId,
    fulfillmentOrderId: fo.fulfillmentOrderId,
    orderId: fo.orderId,
    orderIds: [...orderIds],
    locationId: fo.locationId,
    carrier: shipment.carrier,
    ...(shipment.service !== undefined && { service: shipment.service }),
    trackingNumber: shipment.trackingNumber,
    ...(shipment.trackingUrl !== undefined && { trackingUrl: shipment.trackingUrl }),
    shippedAt: shipment.shippedAt,
    lines: shipment.lines.map((line) => ({ ...line, sku: skuOf.get(line.lineId) ?? '' })),
  };
}

/** The item to Put, in the ship action's transaction; a shipment id is never written twice. */
export function shipmentRecordPut(record: ShipmentRecord) {
  return {
    Put: {
      TableName: tableName(ORDERS_TABLE.envVar),
      Item: {
        ...shipmentRecordKey(record.trackingNumber, record.shipmentId),
        entityType: 'Shipment',
        ...record,
      },
      ConditionExpression: 'attribute_not_exists(pk)',
    },
  };
}

/** The shipments with this tracking number, whatever the carrier called itself. */
export async function findShipmentsByTrackingNumber(trackingNumber: string): Promise<ShipmentRecord[]> {
  const items = await queryAll({
    TableName: tableName(ORDERS_TABLE.envVar),
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :shipment)',
    ExpressionAttributeValues: { ':pk': `TRACKING#${trackingNumber}`, ':shipment': 'SHIPMENT#' },
    ConsistentRead: true,
  });
  return items.map(
    ({ pk: _pk, sk: _sk, entityType: _entityType, ...record }) => record as unknown as ShipmentRecord,
  );
}
