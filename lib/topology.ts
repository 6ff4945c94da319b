import { CHANNEL_UPDATE_EVENTS } from '../functions/channels/updates/events.js';
import { ROUTES as DECLARED_ROUTES, type RouteDeclaration } from '../functions/routes/index.js';
import type { TableDefinition } from './tables.js';

/**
 * The wiring of the system as plain data: which functions exist, which routes, streams and
 * queues invoke them, and which event rules feed which queues. The CDK constructs (lib/*.ts)
 * and the local runtime (lib/local/) both read it, so the laptop runs the same topology as AWS.
 * Settings that have no meaning locally (memory, IAM) stay in the constructs.
 */
export type TableId = TableDefinition['id'];

export interface FunctionSpec {
  /** Also the POWERTOOLS_SERVICE_NAME of the function. */
  id: string;
  /** Handler module, relative to the repository root; it exports `handler`. */
  entry: string;
  description: string;
  timeoutSeconds: number;
  memoryMb: number;
  /** The tables it reads or writes; its IAM policy grants exactly what this says (lib/functions.ts). */
  tables: TableAccess[];
  /** Publishes to the event bus (needs EVENT_BUS_NAME and events:PutEvents). */
  publishesEvents?: boolean;
  /** Reads channel signing secrets from Secrets Manager. */
  readsChannelSecrets?: boolean;
  /** Reads label providers' API tokens and webhook secrets (the stage's carrier prefix) from Secrets Manager. */
  readsCarrierSecrets?: boolean;
  /** Writes channel signing secrets (the admin API's PUT /v1/channels/{channelId}/secret). */
  writesChannelSecrets?: boolean;
  /** Puts rows to the analytics export's delivery streams and reads its pseudonym key (lib/analytics.ts). */
  exportsAnalytics?: boolean;
  /**
   * Counts, peeks at and redrives the dead letters of every work queue (QUEUES): gets their URLs,
   * and the SQS actions a message move task needs on each queue and its dead-letter queue (lib/routing.ts).
   */
  redrivesDeadLetters?: boolean;
  /**
   * Concurrency reserved for (and capping) the function, for one that must not take the account's
   * whole pool or must not run twice at once; the reason sits beside the number.
   */
  reservedConcurrency?: number;
}

/**
 * A function's use of a table. `read` is GetItem, BatchGetItem and Query on the table; `readWrite`
 * adds PutItem, UpdateItem, DeleteItem and ConditionCheckItem (what TransactWriteItems checks
 * item by item). Queried indexes are named, each granted alone; Scan and BatchWriteItem only
 * when listed in `actions`.
 */
export interface TableAccess {
  table: TableId;
  access: 'read' | 'readWrite';
  /** Global secondary indexes it queries (lib/tables.ts). */
  indexes?: readonly string[];
  actions?: readonly ('Scan' | 'BatchWriteItem')[];
}

export const FUNCTIONS = {
  postOrder: {
    id: 'post-order',
    entry: 'functions/ingest/post-order.ts',
    description:
      'POST /v1/channels/{channelId}/orders: authenticate, map and store an order (or a change to one) once',
    timeoutSeconds: 10,
    memoryMb: 1024,
    tables: [
      { table: 'Orders', access: 'readWrite' },
      { table: 'Config', access: 'read' },
    ],
    readsChannelSecrets: true,
    // The public route. At its throttle (500/s, lib/stage-config.ts) it needs about 8 concurrent at
    // its modelled 15 ms and 200 if DynamoDB slows it to 400 ms (docs/scale.md). When a dependency
    // slows it further, the cap stops it from taking the account's Lambda pool from the router and
    // the staff routes; the reservation keeps them from starving it.
    reservedConcurrency: 300,
  },
  pollAmazon: {
    id: 'poll-amazon',
    entry: 'functions/ingest/poll-amazon.ts',
    description: 'Scheduled: read new and updated orders of every Amazon channel and store each once',
    timeoutSeconds: 300,
    memoryMb: 512,
    tables: [
      { table: 'Orders', access: 'readWrite' },
      { table: 'Config', access: 'readWrite' },
    ],
    readsChannelSecrets: true,
    // A poll that overruns its schedule must not overlap the next one: both would read the same
    // cursor and spend the channel's API quota twice on the same orders.
    reservedConcurrency: 1,
  },
  getOrder: {
    id: 'get-order',
    entry: 'functions/api/get-order.ts',
    description: 'GET /v1/orders/{orderId}: an order with its status',
    timeoutSeconds: 10,
    memoryMb: 512,
    tables: [{ table: 'Orders', access: 'read' }],
  },
  openApi: {
    id: 'openapi',
    entry: 'functions/api/openapi.ts',
    description: 'GET /openapi.json: the API document',
    timeoutSeconds: 5,
    memoryMb: 256,
    tables: [],
  },
  publishOrderEvents: {
    id: 'publish-order-events',
    entry: 'functions/events/publish-order-events.ts',
    description: 'Orders stream outbox: every order state change becomes an event on the bus',
    timeoutSeconds: 60,
    memoryMb: 512,
    tables: [],
    publishesEvents: true,
  },
  routingApi: {
    id: 'routing-api',
    entry: 'functions/routing/routing-api.ts',
    description: 'Routing rule sets (read, write, validate, activate) and routing simulation',
    timeoutSeconds: 29,
    memoryMb: 1024,
    tables: [
      { table: 'Orders', access: 'read' },
      { table: 'Inventory', access: 'read' },
      { table: 'Config', access: 'readWrite' },
    ],
  },
  routeOrders: {
    id: 'route-orders',
    entry: 'functions/routing/route-orders.ts',
    description:
      'Routing queue consumer: decide where each order ships from, reserve stock, create fulfillment orders',
    timeoutSeconds: 30,
    memoryMb: 1024,
    tables: [
      // byCustomer: the orders a new one may be merged with.
      { table: 'Orders', access: 'readWrite', indexes: ['byCustomer'] },
      { table: 'Inventory', access: 'readWrite' },
      { table: 'Config', access: 'read' },
    ],
  },
  postInventoryMovement: {
    id: 'post-inventory-movement',
    entry: 'functions/inventory/post-movement.ts',
    description: 'POST /v1/inventory/movements: apply and record a stock movement once',
    timeoutSeconds: 10,
    memoryMb: 512,
    tables: [
      { table: 'Inventory', access: 'readWrite' },
      { table: 'Config', access: 'read' },
    ],
  },
  postPosSales: {
    id: 'post-pos-sales',
    entry: 'functions/inventory/post-pos-sales.ts',
    description:
      'POST /v1/locations/{locationId}/pos-sales: record a POS upload, each sale once, each till receipt as an order',
    timeoutSeconds: 30,
    memoryMb: 512,
    tables: [
      { table: 'Inventory', access: 'readWrite' },
      { table: 'Orders', access: 'readWrite' },
      { table: 'Config', access: 'read' },
    ],
  },
  getSkuInventory: {
    id: 'get-sku-inventory',
    entry: 'functions/inventory/get-sku-inventory.ts',
    description: 'GET /v1/inventory/{sku}: stock per location, network and per channel',
    timeoutSeconds: 10,
    memoryMb: 512,
    tables: [
      { table: 'Inventory', access: 'read' },
      { table: 'Config', access: 'read' },
    ],
  },
  getLocationInventory: {
    id: 'get-location-inventory',
    entry: 'functions/inventory/get-location-inventory.ts',
    description: 'GET /v1/locations/{locationId}/inventory: a location stock, paged',
    timeoutSeconds: 10,
    memoryMb: 512,
    tables: [
      { table: 'Inventory', access: 'read', indexes: ['byLocation'] },
      { table: 'Config', access: 'read' },
    ],
  },
  getChannelAvailability: {
    id: 'get-channel-availability',
    entry: 'functions/inventory/get-channel-availability.ts',
    description: 'GET /v1/channels/{channelId}/availability: availability changes since a time',
    timeoutSeconds: 10,
    memoryMb: 512,
    tables: [
      { table: 'Inventory', access: 'read' },
      { table: 'Config', access: 'read' },
    ],
  },
  getReplenishmentSuggestions: {
    id: 'get-replenishment-suggestions',
    entry: 'functions/inventory/get-replenishment-suggestions.ts',
    description: 'GET /v1/replenishment/suggestions: suggested purchase orders per vendor',
    timeoutSeconds: 10,
    memoryMb: 512,
    tables: [{ table: 'Inventory', access: 'read' }],
  },
  inventorySync: {
    id: 'inventory-sync',
    entry: 'functions/inventory/inventory-sync.ts',
    description: 'Inventory stream: network and channel availability, stock alerts, backorder retries',
    timeoutSeconds: 60,
    memoryMb: 512,
    tables: [
      { table: 'Inventory', access: 'readWrite' },
      { table: 'Config', access: 'read' },
      // backordersWaiting: the orders waiting for a SKU whose stock arrived.
      { table: 'Orders', access: 'read', indexes: ['backordersWaiting'] },
    ],
    publishesEvents: true,
  },
  preTokenGeneration: {
    id: 'pre-token-generation',
    entry: 'functions/auth/pre-token-generation.ts',
    description: "Cognito trigger: a store user's or a machine client's locations into the access token",
    timeoutSeconds: 5,
    memoryMb: 256,
    tables: [{ table: 'Config', access: 'read' }],
  },
  machineClientsApi: {
    id: 'machine-clients-api',
    entry: 'functions/access/machine-clients-api.ts',
    description: 'PUT/GET /v1/machine-clients: the locations and channels each machine client acts for',
    timeoutSeconds: 10,
    memoryMb: 256,
    tables: [{ table: 'Config', access: 'readWrite' }],
  },
  adminApi: {
    id: 'admin-api',
    entry: 'functions/admin/admin-api.ts',
    description: 'Admin API: locations, products and channels, and channel signing secrets',
    timeoutSeconds: 10,
    memoryMb: 512,
    tables: [{ table: 'Config', access: 'readWrite' }],
    writesChannelSecrets: true,
  },
  getWorkQueue: {
    id: 'get-work-queue',
    entry: 'functions/fulfillment/list-work-queue.ts',
    description:
      "GET /v1/locations/{locationId}/fulfillment-orders: a location's work in one status, oldest first",
    timeoutSeconds: 10,
    memoryMb: 512,
    tables: [
      { table: 'Orders', access: 'read', indexes: ['byWorkQueue'] },
      { table: 'Config', access: 'read' },
    ],
  },
  getFulfillmentOrder: {
    id: 'get-fulfillment-order',
    entry: 'functions/fulfillment/get-fulfillment-order.ts',
    description: 'GET /v1/fulfillment-orders/{fulfillmentOrderId}: one fulfillment order with its history',
    timeoutSeconds: 10,
    memoryMb: 512,
    tables: [{ table: 'Orders', access: 'read', indexes: ['byFulfillmentOrder'] }],
  },
  postFulfillmentAction: {
    id: 'post-fulfillment-action',
    entry: 'functions/fulfillment/post-fulfillment-action.ts',
    description:
      'POST /v1/fulfillment-orders/{id}/<action>: accept, reject, pick, pack, ship, ready-for-pickup, picked-up, receive, once per Idempotency-Key',
    timeoutSeconds: 15,
    memoryMb: 1024,
    tables: [
      // byFulfillmentOrder: the fulfillment order an action names, by its id alone.
      { table: 'Orders', access: 'readWrite', indexes: ['byFulfillmentOrder'] },
      { table: 'Inventory', access: 'readWrite' },
      { table: 'Config', access: 'read' },
      { table: 'Idempotency', access: 'readWrite' },
    ],
  },
  channelUpdates: {
    id: 'channel-updates',
    entry: 'functions/channels/updates/handler.ts',
    description:
      'Channel-updates queue consumer: tells the channel that sold an order of its shipments, pick-ups, cancellations and refunds',
    timeoutSeconds: 60,
    memoryMb: 512,
    tables: [
      { table: 'Config', access: 'read' },
      { table: 'Orders', access: 'read' },
      { table: 'Idempotency', access: 'readWrite' },
    ],
    readsChannelSecrets: true,
  },
  serviceApi: {
    id: 'service-api',
    entry: 'functions/service/service-api.ts',
    description: 'Customer service: cancellations, address changes, returns received anywhere, order history',
    timeoutSeconds: 29,
    memoryMb: 1024,
    tables: [
      { table: 'Orders', access: 'readWrite' },
      { table: 'Inventory', access: 'readWrite' },
      { table: 'Config', access: 'read' },
    ],
  },
  applyChannelChanges: {
    id: 'apply-channel-changes',
    entry: 'functions/service/apply-channel-changes.ts',
    description:
      "Channel-changes queue consumer: a channel's cancellation or address change applied to the order",
    timeoutSeconds: 30,
    memoryMb: 1024,
    tables: [
      { table: 'Orders', access: 'readWrite' },
      { table: 'Inventory', access: 'readWrite' },
      { table: 'Config', access: 'read' },
    ],
  },
  // Promise, carriers, tracking and SLA (#10, items 5, 6 and 8).
  getOrderTracking: {
    id: 'get-order-tracking',
    entry: 'functions/api/get-order-tracking.ts',
    description: "GET /v1/orders/{orderId}/tracking: the customer's view, with the projected delivery date",
    timeoutSeconds: 10,
    memoryMb: 512,
    tables: [
      { table: 'Orders', access: 'read' },
      { table: 'Config', access: 'read' },
    ],
  },
  buyLabel: {
    id: 'buy-label',
    entry: 'functions/fulfillment/carriers/post-label.ts',
    description: 'POST /v1/fulfillment-orders/{id}/labels: buy a shipping label from the label provider',
    // Two provider calls of at most 10 s each, with time to store the label.
    timeoutSeconds: 29,
    memoryMb: 512,
    tables: [
      { table: 'Orders', access: 'readWrite', indexes: ['byFulfillmentOrder'] },
      { table: 'Config', access: 'read' },
    ],
    readsCarrierSecrets: true,
  },
  shippoTracking: {
    id: 'shippo-tracking',
    entry: 'functions/fulfillment/carriers/post-shippo-tracking.ts',
    description: "POST /v1/carriers/shippo/tracking: Shippo's signed tracking events move shipments",
    timeoutSeconds: 10,
    memoryMb: 512,
    tables: [
      { table: 'Orders', access: 'readWrite', indexes: ['byFulfillmentOrder'] },
      { table: 'Inventory', access: 'readWrite' },
      { table: 'Config', access: 'read' },
    ],
    readsCarrierSecrets: true,
  },
  listOverdueFulfillmentOrders: {
    id: 'list-overdue-fulfillment-orders',
    entry: 'functions/fulfillment/list-overdue.ts',
    description: 'GET /v1/fulfillment-orders?overdue=true: open work past its due-by, most overdue first',
    timeoutSeconds: 10,
    memoryMb: 512,
    tables: [{ table: 'Orders', access: 'read', indexes: ['openWorkByDueBy'] }],
  },
  countOverdueFulfillmentOrders: {
    id: 'count-overdue-fulfillment-orders',
    entry: 'functions/fulfillment/count-overdue.ts',
    description: 'Scheduled: the OverdueFulfillmentOrders metric ops alarm on',
    timeoutSeconds: 60,
    memoryMb: 256,
    tables: [{ table: 'Orders', access: 'read', indexes: ['openWorkByDueBy'] }],
  },
  listOrders: {
    id: 'list-orders',
    entry: 'functions/api/list-orders.ts',
    description: 'GET /v1/orders: order summaries by placed day, status, channel or customer, newest first',
    timeoutSeconds: 10,
    memoryMb: 512,
    // byPlacedDay: orders by the day they were placed; byCustomer: a customer's orders.
    tables: [{ table: 'Orders', access: 'read', indexes: ['byPlacedDay', 'byCustomer'] }],
  },
  // Customers across channels and personal data on request (#14, items 1 and 4).
  linkCustomers: {
    id: 'link-customers',
    entry: 'functions/customers/link-customers.ts',
    description:
      'Customers queue consumer: each received order linked to the customer its email or phone belongs to',
    timeoutSeconds: 30,
    memoryMb: 512,
    tables: [
      { table: 'Orders', access: 'readWrite' },
      { table: 'Config', access: 'read' },
    ],
  },
  customersApi: {
    id: 'customers-api',
    entry: 'functions/customers/customers-api.ts',
    description: 'Customers across channels: find, view, export and erase their personal data',
    timeoutSeconds: 29,
    memoryMb: 1024,
    tables: [
      { table: 'Orders', access: 'readWrite' },
      // Scan: an erasure finds the remembered answers about its orders by content (their keys are digests).
      { table: 'Idempotency', access: 'readWrite', actions: ['Scan'] },
    ],
  },
  // Reports and the analytics export (#14, items 2 and 3).
  reportsStream: {
    id: 'reports-stream',
    entry: 'functions/reports/reports-stream.ts',
    description:
      'Orders stream: sales and fulfillment facts into the day aggregates, each once; rows to the analytics export',
    timeoutSeconds: 60,
    memoryMb: 512,
    tables: [
      { table: 'Reports', access: 'readWrite' },
      { table: 'Orders', access: 'read' },
      { table: 'Config', access: 'read' },
    ],
    exportsAnalytics: true,
  },
  reportsApi: {
    id: 'reports-api',
    entry: 'functions/reports/reports-api.ts',
    description:
      'GET /v1/reports/sales, /bestsellers and /fulfillment: the day aggregates of a range, summed',
    timeoutSeconds: 29,
    memoryMb: 512,
    tables: [{ table: 'Reports', access: 'read' }],
  },
  // Operations: re-routing waiting orders and releasing pre-orders (#12, items 4 and 5).
  rerouteOrder: {
    id: 'reroute-order',
    entry: 'functions/orders/reroute-order.ts',
    description:
      'POST /v1/orders/{orderId}/route: send a parked, backordered or partially routed order back through the router',
    timeoutSeconds: 10,
    memoryMb: 512,
    tables: [{ table: 'Orders', access: 'read' }],
    publishesEvents: true,
  },
  releasePreorders: {
    id: 'release-preorders',
    entry: 'functions/routing/release-preorders.ts',
    description: "Scheduled: route the waiting pre-orders whose products' release date has come",
    timeoutSeconds: 60,
    memoryMb: 512,
    tables: [
      // backordersWaiting: the BACKORDERED and PARTIALLY_ROUTED orders, some waiting for a release date.
      { table: 'Orders', access: 'read', indexes: ['backordersWaiting'] },
      { table: 'Config', access: 'read' },
    ],
    publishesEvents: true,
  },
  // Operations: the work queues' dead letters, seen and redriven from the console (#15, item 3).
  deadLettersApi: {
    id: 'dead-letters-api',
    entry: 'functions/ops/dead-letters-api.ts',
    description:
      "GET /v1/ops/dead-letters and POST /v1/ops/dead-letters/{queue}/redrive: the work queues' dead letters, moved back on request",
    timeoutSeconds: 10,
    memoryMb: 256,
    tables: [],
    redrivesDeadLetters: true,
  },
} as const satisfies Record<string, FunctionSpec>;

export type FunctionKey = keyof typeof FUNCTIONS;

/** A route of functions/routes, whose function is one this topology deploys. */
export interface RouteSpec extends RouteDeclaration {
  function: FunctionKey;
}

export const ROUTES: readonly RouteSpec[] = DECLARED_ROUTES;

export interface StreamSubscriptionSpec {
  table: TableId;
  function: FunctionKey;
  batchSize: number;
  maxBatchingWindowSeconds: number;
  /** Retries of a failing batch before its records go to the on-failure destination. */
  retryAttempts: number;
  /** Records older than this are sent to the on-failure destination instead of processed. */
  maxRecordAgeSeconds: number;
  bisectBatchOnError: boolean;
}

export const STREAM_SUBSCRIPTIONS: readonly StreamSubscriptionSpec[] = [
  {
    table: 'Orders',
    function: 'publishOrderEvents',
    batchSize: 100,
    maxBatchingWindowSeconds: 1,
    retryAttempts: 5,
    maxRecordAgeSeconds: 3600,
    bisectBatchOnError: true,
  },
  {
    table: 'Inventory',
    function: 'inventorySync',
    batchSize: 100,
    maxBatchingWindowSeconds: 1,
    retryAttempts: 10,
    maxRecordAgeSeconds: 3600,
    bisectBatchOnError: false,
  },
  // The Orders stream's second (and last: DynamoDB advises at most two) reader.
  {
    table: 'Orders',
    function: 'reportsStream',
    batchSize: 100,
    maxBatchingWindowSeconds: 1,
    retryAttempts: 10,
    maxRecordAgeSeconds: 3600,
    bisectBatchOnError: true,
  },
];

export interface QueueSpec {
  id: string;
  /** Environment variable through which functions get the queue URL. */
  envVar: string;
  visibilityTimeoutSeconds: number;
  /** Receives before a message moves to the dead-letter queue. */
  maxReceiveCount: number;
  /** The function that consumes the queue, once it exists. */
  consumer?: {
    function: FunctionKey;
    batchSize: number;
    maxBatchingWindowSeconds: number;
    maxConcurrency: number;
  };
}

export const QUEUES = {
  routing: {
    id: 'RoutingQueue',
    envVar: 'ROUTING_QUEUE_URL',
    // At least 6x the consumer's timeout, as AWS advises, so retries within a batch are not redelivered early.
    visibilityTimeoutSeconds: 180,
    maxReceiveCount: 5,
    consumer: {
      function: 'routeOrders',
      batchSize: 10,
      maxBatchingWindowSeconds: 1,
      // From `npm run scale-model`: the router concurrency a flash sale of 5,000 reservations/s
      // needs, with headroom (docs/scale.md). Lambda's account default of 1,000 leaves room for the rest.
      maxConcurrency: 300,
    },
  },
  channelUpdates: {
    id: 'ChannelUpdatesQueue',
    envVar: 'CHANNEL_UPDATES_QUEUE_URL',
    // 6x the consumer's timeout: a failed update (429, 5xx, timeout) is tried again every 6
    // minutes, 8 times in all, so a channel's outage of up to about 45 minutes loses nothing.
    visibilityTimeoutSeconds: 360,
    maxReceiveCount: 8,
    consumer: {
      function: 'channelUpdates',
      batchSize: 5,
      maxBatchingWindowSeconds: 5,
      // Channel APIs limit requests per store (Shopify's REST bucket refills at 2 a second):
      // few updates at once keep the OMS inside them.
      maxConcurrency: 5,
    },
  },
  channelChanges: {
    id: 'ChannelChangeQueue',
    envVar: 'CHANNEL_CHANGE_QUEUE_URL',
    // 6x the consumer's timeout, as for routing.
    visibilityTimeoutSeconds: 180,
    maxReceiveCount: 5,
    consumer: {
      function: 'applyChannelChanges',
      batchSize: 10,
      maxBatchingWindowSeconds: 1,
      maxConcurrency: 10,
    },
  },
  customers: {
    id: 'CustomersQueue',
    envVar: 'CUSTOMERS_QUEUE_URL',
    // 6x the consumer's timeout, as for routing.
    visibilityTimeoutSeconds: 180,
    maxReceiveCount: 5,
    consumer: {
      function: 'linkCustomers',
      batchSize: 10,
      maxBatchingWindowSeconds: 1,
      // Links of one customer race on its profile (and lose to each other, then read again):
      // a few at once keep the retries rare.
      maxConcurrency: 5,
    },
  },
} as const satisfies Record<string, QueueSpec>;

export type QueueKey = keyof typeof QUEUES;

export interface EventRuleSpec {
  id: string;
  description: string;
  /** An EventBridge event pattern. */
  pattern: { source: string[]; 'detail-type': string[] };
  target: { queue: QueueKey };
}

export const EVENT_RULES: readonly EventRuleSpec[] = [
  {
    id: 'RouteOrders',
    description:
      'Orders to route: new, waiting for stock that has arrived, rejected by a location, moved by an address change, released by ops or by their pre-order date',
    pattern: {
      source: ['oms'],
      'detail-type': [
        'OrderReceived',
        'BackorderRetry',
        'FulfillmentOrderRejected',
        'FulfillmentOrderRerouteRequested',
        'OrderRerouteRequested',
        'PreorderReleased',
      ],
    },
    target: { queue: 'routing' },
  },
  {
    id: 'ChannelUpdates',
    description: 'Shipments, pick-ups, cancellations and refunds to tell the channel that sold the order',
    pattern: {
      source: ['oms'],
      'detail-type': [...CHANNEL_UPDATE_EVENTS],
    },
    target: { queue: 'channelUpdates' },
  },
  {
    id: 'ChannelChanges',
    description: "A channel's cancellation or address change of an order it sent, applied off the webhook",
    pattern: { source: ['oms'], 'detail-type': ['ChannelOrderChangeReceived'] },
    target: { queue: 'channelChanges' },
  },
  {
    id: 'LinkCustomers',
    description: 'Received orders to link to the customer their email or phone belongs to',
    pattern: { source: ['oms'], 'detail-type': ['OrderReceived'] },
    target: { queue: 'customers' },
  },
];

/** A function run on a fixed rate, for channels that must be polled (Amazon never calls us). */
export interface ScheduleSpec {
  id: string;
  function: FunctionKey;
  rateMinutes: number;
}

export const SCHEDULES: readonly ScheduleSpec[] = [
  { id: 'PollAmazon', function: 'pollAmazon', rateMinutes: 5 },
  { id: 'CountOverdueFulfillmentOrders', function: 'countOverdueFulfillmentOrders', rateMinutes: 5 },
  // Release dates are days; an hour late is on time for a pre-order.
  { id: 'ReleasePreorders', function: 'releasePreorders', rateMinutes: 60 },
];

export const EVENT_BUS_ENV = 'EVENT_BUS_NAME';

/**
 * The functions that store channels' raw payloads and delivery keys (the POS upload keeps each
 * till receipt as its order's payload): they receive the stage's retention period (functions/data/retention.ts), from which those items' TTL is computed.
 */
export const CHANNEL_PAYLOAD_WRITERS: readonly FunctionKey[] = ['postOrder', 'pollAmazon', 'postPosSales'];
