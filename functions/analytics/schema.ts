/**
 * The analytics export's tables as data: the Glue tables in AWS (lib/analytics.ts), the Parquet
 * files written locally (lib/local/firehose.ts) and the rows the stream produces
 * (functions/analytics/rows.ts) all read these columns, so the same SQL runs in Athena and in
 * DuckDB. Every table is partitioned by `dt` (YYYY-MM-DD, the reporting time zone's day of the
 * row's time). No column holds personal data: `customer_id` is an HMAC of the customer key.
 */
export type ColumnType = 'string' | 'bigint' | 'double';

export interface AnalyticsTable {
  name: 'orders' | 'order_lines' | 'fulfillment_orders' | 'returns';
  description: string;
  columns: readonly { name: string; type: ColumnType }[];
}

const s = (name: string) => ({ name, type: 'string' as const });
const n = (name: string) => ({ name, type: 'bigint' as const });

export const ANALYTICS_TABLES: readonly AnalyticsTable[] = [
  {
    name: 'orders',
    description: 'One row per stored version of an order (the latest version is its state)',
    columns: [
      s('order_id'),
      n('version'),
      s('channel_id'),
      s('status'),
      s('currency'),
      s('customer_id'),
      s('fulfillment_type'),
      s('selling_location_id'),
      s('placed_at'),
      s('updated_at'),
      n('lines'),
      n('units'),
      n('revenue'),
      n('discounts'),
      n('tax'),
      n('shipping'),
      n('total'),
    ],
  },
  {
    name: 'order_lines',
    description: 'One row per order line, as placed',
    columns: [
      s('order_id'),
      s('line_id'),
      s('channel_id'),
      s('currency'),
      s('sku'),
      n('quantity'),
      n('unit_price'),
      n('discount'),
      n('tax'),
      n('revenue'),
      s('placed_at'),
    ],
  },
  {
    name: 'fulfillment_orders',
    description: 'One row per stored version of a fulfillment order',
    columns: [
      s('fulfillment_order_id'),
      n('version'),
      s('order_id'),
      s('location_id'),
      s('kind'),
      s('status'),
      n('units'),
      n('shipped_units'),
      n('released_units'),
      n('shipments'),
      { name: 'distance_km', type: 'double' },
      s('promised_by'),
      s('created_at'),
      s('updated_at'),
    ],
  },
  {
    name: 'returns',
    description: 'One row per stored version of a return authorization',
    columns: [
      s('return_id'),
      n('version'),
      s('order_id'),
      s('channel_id'),
      s('status'),
      n('units_authorized'),
      n('units_received'),
      s('initiated_at'),
      s('updated_at'),
    ],
  },
];

export type AnalyticsTableName = AnalyticsTable['name'];

/** A row of one table: its columns, and the partition it belongs to. */
export interface AnalyticsRow {
  table: AnalyticsTableName;
  values: Record<string, string | number | null> & { dt: string };
}

/** The delivery stream (Firehose) of a table is named `<prefix><table with dashes>`. */
export const deliveryStreamName = (prefix: string, table: AnalyticsTableName) =>
  `${prefix}${table.replace(/_/g, '-')}`;

/** The delivery streams' name prefix, set where the deployment exports (lib/analytics.ts). */
export const ANALYTICS_STREAM_PREFIX_ENV = 'ANALYTICS_DELIVERY_STREAM_PREFIX';
/** The secret (its ARN in AWS) holding the pseudonym key of `customer_id`. */
export const ANALYTICS_PSEUDONYM_SECRET_ENV = 'ANALYTICS_PSEUDONYM_SECRET';
