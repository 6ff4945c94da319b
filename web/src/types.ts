/**
 * What the console reads of the API's answers: the parts it shows. The API's contract is
 * /openapi.json; these name only the fields used here.
 */
export interface Address {
  name?: string;
  line1: string;
  line2?: string;
  city: string;
  region?: string;
  postalCode: string;
  country: string;
  phone?: string;
}

export interface FulfillmentLine {
  lineId: string;
  orderId: string;
  sku: string;
  name?: string;
  quantity: number;
  picked: number;
  packed: number;
  shipped: number;
  released: number;
  open: number;
}

export interface Shipment {
  shipmentId: string;
  carrier: string;
  service?: string;
  trackingNumber: string;
  trackingUrl?: string;
  status: string;
  shippedAt?: string;
}

export interface FulfillmentOrder {
  fulfillmentOrderId: string;
  orderId: string;
  locationId: string;
  transferTo?: string;
  kind: 'ship' | 'pickup' | 'ship_to_store' | 'dropship' | 'transfer';
  status: string;
  createdAt: string;
  dueBy?: string;
  lines: FulfillmentLine[];
  shipTo?: Address;
  pickup?: { locationId: string; customer?: { name?: string; email?: string; phone?: string } };
  packages: Package[];
  shipments: Shipment[];
  history?: FulfillmentStep[];
}

export interface OrderLine {
  lineId: string;
  sku: string;
  name?: string;
  quantity: number;
  assignments: {
    fulfillmentOrderId: string;
    locationId: string;
    kind: string;
    quantity: number;
    transferTo?: string;
  }[];
  unplaced: { quantity: number; reason: string }[];
}

export interface Refund {
  refundId: string;
  cause: string;
  total: number;
  recordedAt: string;
  lines: { lineId: string; sku: string; quantity: number }[];
}

export interface ReturnAuthorization {
  returnId: string;
  status: string;
  lines: { lineId: string; quantity: number; reason: string }[];
}

export interface OrderView {
  orderId: string;
  channelId: string;
  externalId: string;
  status: string;
  currency: string;
  createdAt?: string;
  customer?: { name?: string; email?: string; phone?: string };
  shippingAddress?: Address;
  display: { total: string; subtotal: string };
  lines: OrderLine[];
  /** The stored fulfillment orders: no shipments until the first one leaves. */
  fulfillmentOrders: (Omit<FulfillmentOrder, 'shipments'> & {
    shipments?: Shipment[];
    promisedBy?: string;
  })[];
  cancellations: {
    cancellationId: string;
    reason: string;
    canceled: { lineId: string; quantity: number }[];
  }[];
  returns: ReturnAuthorization[];
  refunds: Refund[];
  refunded: { total: number; display: string };
  routing?: { outcome: string; ruleSetId: string; ruleSetVersion: number; summary: string[] };
}

export interface Tracking {
  status: string;
  promisedBy?: string;
  projectedDelivery?: string;
  late?: boolean;
  parcels: { carrier: string; trackingNumber: string; trackingUrl?: string; status: string }[];
}

export interface HistoryEntry {
  at: string;
  kind: string;
  by: { type: string; sub?: string; role?: string; component?: string; channelId?: string };
  why?: string;
}

export interface StockLevel {
  sku: string;
  locationId: string;
  onHand: number;
  reserved: number;
  available: number;
  safetyStock: number;
  inTransit?: number;
}

export interface SkuInventory {
  sku: string;
  locations: StockLevel[];
  network: {
    onHand: number;
    reserved: number;
    available: number;
    inTransit: number;
    availableToPromise: number;
  };
  reorderPoint?: number;
  lowStock?: boolean;
}

export interface LocationSummary {
  locationId: string;
  name: string;
  type: string;
}

export interface ReplenishmentSuggestion {
  vendorId: string;
  lines: {
    sku: string;
    quantity: number;
    availableToPromise: number;
    reorderPoint: number;
    suggestedAt: string;
  }[];
}

export interface OverduePage {
  asOf: string;
  items: (Pick<
    FulfillmentOrder,
    'fulfillmentOrderId' | 'orderId' | 'locationId' | 'kind' | 'status' | 'createdAt'
  > & { dueBy: string })[];
  nextCursor?: string;
}

/* The associate's packing, labels, transfers and one-call queue (web/src/screens/fulfillment-order.tsx). */
export interface DimensionsCm {
  length: number;
  width: number;
  height: number;
}

export interface Package {
  packageId: string;
  lines: { lineId: string; quantity: number }[];
  weightGrams?: number;
  dimensionsCm?: DimensionsCm;
}

export interface FulfillmentStep {
  action: string;
  at: string;
  from: string;
  to: string;
}

/** `POST /v1/fulfillment-orders/{id}/labels`: a label bought for one package. */
export interface Label {
  labelId: string;
  carrier: string;
  service?: string;
  trackingNumber: string;
  trackingUrl?: string;
  labelUrl?: string;
  cost?: { amount: number; currency: string };
  packageId?: string;
}

/** `GET /v1/locations/{id}/fulfillment-orders?statuses=…`: several statuses in one answer. */
export interface WorkPage {
  locationId: string;
  statuses: string[];
  items: FulfillmentOrder[];
  nextCursors?: Record<string, string>;
}

// Operations: dead letters and KPIs (functions/api/dead-letters-paths.ts, docs/reports.md).
export interface DeadLetterQueue {
  queue: string;
  deadLetterQueue: string;
  messages: number;
  lastRedrive?: { status: string; moved: number };
  peek: {
    messageId: string;
    receiveCount: number;
    sentAt?: string;
    firstReceivedAt?: string;
    type?: string;
    ids: Record<string, string>;
  }[];
}

export interface DeadLetterRedrive {
  queue: string;
  taskHandle?: string;
  requestedBy: { sub: string; role: string };
  requestedAt: string;
}

export interface SalesFigures {
  currency: string;
  orders: number;
  units: number;
  revenue: number;
  discounts: number;
  tax: number;
  refunds: number;
  returns: number;
}

export interface SalesReport<Key extends string> {
  from: string;
  to: string;
  timeZone: string;
  rows: (SalesFigures & Record<Key, string | null>)[];
}

export interface Percentiles {
  samples: number;
  p50Seconds: number | null;
  p95Seconds: number | null;
}

export interface FulfillmentReport {
  from: string;
  to: string;
  timeZone: string;
  counts: Record<string, number>;
  kpis: {
    fillRate: number | null;
    splitRate: number | null;
    shipmentsPerOrder: number | null;
    shipFromStoreShare: number | null;
    clickAndCollectShare: number | null;
    averageDistanceKm: number | null;
    backorderRate: number | null;
    timeToRoute: Percentiles;
    timeToShip: Percentiles;
    onTimeRate: number | null;
    shippedOnTimeRate: number | null;
    rejectionRate: number | null;
    cancellationRate: number | null;
    returnRate: number | null;
  };
}
