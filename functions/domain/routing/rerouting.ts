import * as z from 'zod';
import type { Actor } from '../access.js';
import { ConflictError } from '../errors.js';
import type { DomainEvent } from '../events.js';
import type { OrderStatus } from '../order.js';
import type { Product, UnplacedLine } from './model.js';

/**
 * Sending an order back through the router without a change of stock: ops releasing a parked,
 * backordered or partially routed order (`POST /v1/orders/{orderId}/route`), and the hourly
 * release of pre-orders whose products' release date has come (release-preorders). Both only
 * ask: the event goes to the routing queue (the RouteOrders rule) and the router decides, with
 * the rules, stock and clock it reads then, as for any other routing.
 */
export const REROUTABLE_STATUSES = [
  'PARKED',
  'BACKORDERED',
  'PARTIALLY_ROUTED',
] as const satisfies readonly OrderStatus[];

const EventId = z.string().meta({ description: 'Deduplication key: <orderId>:v<order version>:<kind>.' });
const ActorSchema = z.object({ sub: z.string(), role: z.string(), clientId: z.string().optional() });

export const OrderRerouteRequestedV1 = z
  .object({
    version: z.literal('1'),
    eventId: EventId,
    orderId: z.string(),
    status: z.enum(REROUTABLE_STATUSES),
    requestedBy: ActorSchema,
    requestedAt: z.string(),
  })
  .meta({
    description:
      'detail of OrderRerouteRequested, version 1: ops asked the router to route a parked, backordered or partially routed order again.',
  });
export type OrderRerouteRequestedV1 = z.infer<typeof OrderRerouteRequestedV1>;

export const PreorderReleasedV1 = z
  .object({
    version: z.literal('1'),
    eventId: EventId,
    orderId: z.string(),
    skus: z.array(z.string()),
    releasedAt: z.string(),
  })
  .meta({
    description:
      'detail of PreorderReleased, version 1: the release date of these pre-order SKUs of a waiting order has come; the router routes their lines.',
  });
export type PreorderReleasedV1 = z.infer<typeof PreorderReleasedV1>;

export const REROUTING_EVENT_CATALOGUE = [
  { detailType: 'OrderRerouteRequested', version: '1', schema: OrderRerouteRequestedV1 },
  { detailType: 'PreorderReleased', version: '1', schema: PreorderReleasedV1 },
] as const;

/** The order as a re-route request sees it. */
export interface ReroutableOrder {
  orderId: string;
  status: OrderStatus;
  version: number;
}

/** Ops' request to route the order again, or a 409 naming why its state can not be re-routed. */
export function rerouteRequest(
  order: ReroutableOrder,
  actor: Actor,
  now: string,
): DomainEvent<OrderRerouteRequestedV1> {
  const status = order.status;
  if (!isReroutable(status)) {
    throw new ConflictError(
      `Order ${order.orderId} is ${status}: only ${REROUTABLE_STATUSES.join(', ')} orders can be re-routed.`,
      { status },
    );
  }
  return {
    detailType: 'OrderRerouteRequested',
    detail: {
      version: '1',
      eventId: `${order.orderId}:v${order.version}:reroute`,
      orderId: order.orderId,
      status,
      requestedBy: {
        sub: actor.sub,
        role: actor.role,
        ...(actor.clientId !== undefined && { clientId: actor.clientId }),
      },
      requestedAt: now,
    },
  };
}

function isReroutable(status: OrderStatus): status is (typeof REROUTABLE_STATUSES)[number] {
  return (REROUTABLE_STATUSES as readonly OrderStatus[]).includes(status);
}

/** Whether a pre-order of the product may ship at `now`: it has no release date, or it has come. */
export function isReleased(product: Pick<Product, 'preorderReleaseDate'> | undefined, now: string): boolean {
  const releaseDate = product?.preorderReleaseDate;
  return releaseDate === undefined || Date.parse(releaseDate) <= Date.parse(now);
}

/** An order waiting with pre-order lines, as the release schedule reads it. */
export interface WaitingPreorder extends ReroutableOrder {
  unplaced: readonly UnplacedLine[];
}

/** The SKUs of an order's pre-order lines. */
export function preorderSkus(unplaced: readonly UnplacedLine[]): string[] {
  return [...new Set(unplaced.filter((line) => line.reason === 'preorder').map((line) => line.sku))];
}

/** One PreorderReleased per waiting order with a pre-order line whose product's date has come. */
export function releasedPreorders(
  orders: readonly WaitingPreorder[],
  products: Readonly<Record<string, Pick<Product, 'preorderReleaseDate'>>>,
  now: string,
): DomainEvent<PreorderReleasedV1>[] {
  return orders.flatMap((order) => {
    const skus = preorderSkus(order.unplaced).filter((sku) => isReleased(products[sku], now));
    if (skus.length === 0) return [];
    return [
      {
        detailType: 'PreorderReleased',
        detail: {
          version: '1',
          eventId: `${order.orderId}:v${order.version}:preorder`,
          orderId: order.orderId,
          skus,
          releasedAt: now,
        },
      },
    ];
  });
}
