import * as z from 'zod';
import type { Order } from '../order.js';
import { FULFILLMENT_STATES, NOT_YET_WORK, reservedOf, type FulfillmentOrderState } from './model.js';

/**
 * What a location (a store app, a WMS) reads of a fulfillment order: the work, with the names of
 * the goods and who they are for. The pick-up code is never shown: the customer brings it, and
 * `picked-up` checks it.
 */
export interface FulfillmentOrderView {
  fulfillmentOrderId: string;
  orderId: string;
  /** Orders with goods in it, when orders were merged. */
  orderIds?: string[];
  locationId: string;
  transferTo?: string;
  kind: FulfillmentOrderState['kind'];
  status: FulfillmentOrderState['status'];
  version: number;
  createdAt: string;
  updatedAt: string;
  dueBy?: string;
  lines: {
    lineId: string;
    orderId: string;
    sku: string;
    name?: string;
    quantity: number;
    picked: number;
    packed: number;
    shipped: number;
    released: number;
    /** Units still to work on here. */
    open: number;
  }[];
  /** Ship and drop-ship: where the parcel goes. */
  shipTo?: Order['shippingAddress'];
  /** Pick-up, ship-to-store and transfers: who collects, and where. */
  pickup?: { locationId: string; customer?: { name?: string; email?: string; phone?: string } };
  packages: FulfillmentOrderState['packages'];
  shipments: FulfillmentOrderState['shipments'];
  cancelRequest?: FulfillmentOrderState['cancelRequest'];
  cancelAnswers?: FulfillmentOrderState['cancelAnswers'];
  history: NonNullable<FulfillmentOrderState['history']>;
}

const PICKUP_VIEW_KINDS: readonly FulfillmentOrderState['kind'][] = ['pickup', 'ship_to_store', 'transfer'];

export function toFulfillmentOrderView(
  fo: FulfillmentOrderState & { dueBy?: string },
  orders: ReadonlyMap<string, Order>,
): FulfillmentOrderView {
  const order = orders.get(fo.orderId);
  const nameOf = (orderId: string, lineId: string) =>
    orders.get(orderId)?.lines.find((line) => line.lineId === lineId)?.name;
  const orderIds = [...new Set(fo.lines.map((line) => line.orderId ?? fo.orderId))];
  const customer = order?.customer;
  return {
    fulfillmentOrderId: fo.fulfillmentOrderId,
    orderId: fo.orderId,
    ...(orderIds.length > 1 && { orderIds }),
    locationId: fo.locationId,
    ...(fo.transferTo !== undefined && { transferTo: fo.transferTo }),
    kind: fo.kind,
    status: fo.status,
    version: fo.version,
    createdAt: fo.createdAt,
    updatedAt: fo.updatedAt,
    ...(fo.dueBy !== undefined && { dueBy: fo.dueBy }),
    lines: fo.lines.map((line) => {
      const orderId = line.orderId ?? fo.orderId;
      const name = nameOf(orderId, line.lineId);
      return {
        lineId: line.lineId,
        orderId,
        sku: line.sku,
        ...(name !== undefined && { name }),
        quantity: line.quantity,
        picked: line.picked,
        packed: line.packed,
        shipped: line.shipped,
        released: line.released,
        open: reservedOf(line),
      };
    }),
    ...(!PICKUP_VIEW_KINDS.includes(fo.kind) && order?.shippingAddress && { shipTo: order.shippingAddress }),
    ...(PICKUP_VIEW_KINDS.includes(fo.kind) && {
      pickup: {
        locationId: fo.kind === 'pickup' ? fo.locationId : (fo.transferTo ?? fo.locationId),
        ...(customer && {
          customer: {
            ...(customer.name !== undefined && { name: customer.name }),
            ...(customer.email !== undefined && { email: customer.email }),
            ...(customer.phone !== undefined && { phone: customer.phone }),
          },
        }),
      },
    }),
    packages: fo.packages,
    shipments: fo.shipments,
    // A waiting cancel request is the next thing the location answers (accept-cancel or refuse-cancel).
    ...(fo.cancelRequest && { cancelRequest: fo.cancelRequest }),
    ...(fo.cancelAnswers && { cancelAnswers: fo.cancelAnswers }),
    history: fo.history ?? [],
  };
}

/** States a work queue can be asked for: every state but the ones that are not work yet. */
export const QUEUE_STATES = FULFILLMENT_STATES.filter((state) => !NOT_YET_WORK.includes(state));

const QueueState = z.enum(QUEUE_STATES as [string, ...string[]], {
  error: `must be one of ${QUEUE_STATES.join(', ')}`,
});

/**
 * `status` lists one state, paged by `cursor`. `statuses` (comma-separated) lists several in one
 * call, `limit` of each, for a store's whole queue on a slow connection; it takes no cursor,
 * since each state pages on its own (`nextCursors` names each state's `status`+`cursor` query).
 */
export const WorkQueueQuery = z
  .strictObject({
    status: QueueState.optional().meta({ description: 'The status to list; default CREATED (new work).' }),
    statuses: z
      .string()
      .max(400)
      .transform((list) => list.split(','))
      .pipe(
        z
          .array(QueueState)
          .min(1)
          .refine((states) => new Set(states).size === states.length, 'lists a status twice'),
      )
      .optional()
      .meta({ description: 'Several statuses, comma-separated, instead of `status`; no `cursor`.' }),
    limit: z.coerce
      .number()
      .int('must be a whole number')
      .min(1, 'must be at least 1')
      .max(100, 'must be at most 100')
      .default(25),
    cursor: z
      .string()
      .min(1)
      .max(4096)
      .optional()
      .meta({ description: '`nextCursor` of the previous page.' }),
  })
  .superRefine((query, ctx) => {
    if (query.statuses === undefined) return;
    if (query.status !== undefined)
      ctx.addIssue({ code: 'custom', path: ['statuses'], message: 'give either status or statuses' });
    if (query.cursor !== undefined)
      ctx.addIssue({
        code: 'custom',
        path: ['cursor'],
        message: 'pages one status: use it with status, not statuses',
      });
  })
  .transform(({ status, statuses, ...rest }) => ({
    ...rest,
    status: status ?? 'CREATED',
    ...(statuses !== undefined && { statuses }),
  }));
export type WorkQueueQuery = z.output<typeof WorkQueueQuery>;

/** The `Idempotency-Key` header every action needs: printable ASCII, as the IETF draft has it. */
export const IdempotencyKey = z
  .string({ error: 'is required: every fulfillment action takes an Idempotency-Key header' })
  .min(1, 'is required: every fulfillment action takes an Idempotency-Key header')
  .max(255, 'must be at most 255 characters')
  .regex(/^[\x21-\x7e]+$/, 'must be printable ASCII without spaces');
