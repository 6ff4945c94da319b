import { ConflictError, ValidationError, type FieldIssue } from '../errors.js';
import { reservedOf, type FulfillmentOrderState } from '../fulfillment/model.js';
import type { Order } from '../order.js';
import { belongsTo } from './fulfillment-view.js';
import { refundFor } from './refunds.js';
import type { CancelOrderBody, Cancellation, ChangedBy, StoredRefund, UnitsOfLine } from './records.js';

/** Work a location has not started: canceled at once. */
const NOT_STARTED = ['CREATED'] as const;
/** Work in progress: the location is asked and accepts or refuses. */
const IN_PROGRESS = ['ACCEPTED', 'PICKED'] as const;

export interface FulfillmentCancel {
  fulfillmentOrderId: string;
  locationId: string;
  lines: UnitsOfLine[];
}

export interface CancelPlan {
  /** Units not at any location: dropped from what the router still has to place. */
  unrouted: UnitsOfLine[];
  /** Units at locations that have not started: their reservations are released now. */
  release: FulfillmentCancel[];
  /** Units at locations that have started: a cancel request each. */
  request: FulfillmentCancel[];
  /** Every unit of the order is canceled once this is applied. */
  wholeOrder: boolean;
}

interface LineUnits {
  lineId: string;
  sku: string;
  /** Units in each bucket, in the order they are canceled from. */
  unrouted: number;
  notStarted: { fo: FulfillmentOrderState; units: number }[];
  inProgress: { fo: FulfillmentOrderState; units: number }[];
  /** Packed, shipped, delivered, collected, or already asked to cancel. */
  beyond: number;
}

/**
 * Where each unit of the order is, for a cancellation: not routed yet, at a location that has not
 * started, at one that has (pick, or picked), or beyond reach (packed, on its way, with the
 * customer, or under a cancel request already). Canceled units are in none of these.
 */
function unitsOf(
  order: Order,
  fulfillmentOrders: readonly FulfillmentOrderState[],
  canceledBefore: readonly Cancellation[],
): LineUnits[] {
  const active = fulfillmentOrders.filter((fo) => fo.status !== 'REJECTED' && fo.status !== 'CANCELED');
  return order.lines.map((line) => {
    const canceled = canceledBefore.reduce(
      (sum, cancellation) =>
        sum +
        cancellation.canceled
          .filter((entry) => entry.lineId === line.lineId)
          .reduce((n, e) => n + e.quantity, 0),
      0,
    );
    const entry: LineUnits = {
      lineId: line.lineId,
      sku: line.sku,
      unrouted: 0,
      notStarted: [],
      inProgress: [],
      beyond: 0,
    };
    let assigned = 0;
    for (const fo of active) {
      for (const foLine of fo.lines) {
        if (foLine.lineId !== line.lineId || !belongsTo(fo, foLine, order.orderId)) continue;
        const reserved = reservedOf(foLine);
        assigned += foLine.quantity - foLine.released;
        if ((NOT_STARTED as readonly string[]).includes(fo.status))
          entry.notStarted.push({ fo, units: reserved });
        else if ((IN_PROGRESS as readonly string[]).includes(fo.status) && !fo.cancelRequest)
          entry.inProgress.push({ fo, units: reserved });
        else entry.beyond += reserved;
        entry.beyond += foLine.shipped;
      }
    }
    entry.unrouted = Math.max(0, line.quantity - canceled - assigned);
    return entry;
  });
}

/**
 * Plans a cancellation of the whole order (no `lines`: every unit not canceled yet) or of some
 * units. Units are taken first from what is not routed, then from locations that have not
 * started, then from those that have (a request). Units packed or beyond can not be canceled:
 * 409 with the hint to return them once delivered. A line not on the order is a 400; more units
 * than are left uncanceled (another agent canceled them first), a 409.
 */
export function planCancellation(
  order: Order,
  fulfillmentOrders: readonly FulfillmentOrderState[],
  canceledBefore: readonly Cancellation[],
  body: CancelOrderBody,
): CancelPlan {
  // A whole-order cancellation interrupted after its releases left the order canceled but
  // unrecorded (`canceledBy` names no cancellation): it may be sent again, to be recorded.
  const canceledBy = (order as Order & { canceledBy?: string }).canceledBy;
  const unrecorded = canceledBy !== undefined && !canceledBefore.some((c) => c.cancellationId === canceledBy);
  if (order.status === 'CANCELED' && !unrecorded)
    throw new ConflictError(`Order ${order.orderId} is canceled already.`);
  const units = unitsOf(order, fulfillmentOrders, canceledBefore);
  const cancellable = (entry: LineUnits) =>
    entry.unrouted + [...entry.notStarted, ...entry.inProgress].reduce((sum, part) => sum + part.units, 0);
  const requested =
    body.lines ??
    units
      .map((entry) => ({ lineId: entry.lineId, quantity: cancellable(entry) + entry.beyond }))
      .filter((entry) => entry.quantity > 0);

  const invalid: FieldIssue[] = [];
  const exceeded: FieldIssue[] = [];
  const tooLate: FieldIssue[] = [];
  const plan: CancelPlan = { unrouted: [], release: [], request: [], wholeOrder: false };
  const add = (list: FulfillmentCancel[], fo: FulfillmentOrderState, line: UnitsOfLine) => {
    const existing = list.find((entry) => entry.fulfillmentOrderId === fo.fulfillmentOrderId);
    if (existing) existing.lines.push(line);
    else list.push({ fulfillmentOrderId: fo.fulfillmentOrderId, locationId: fo.locationId, lines: [line] });
  };
  requested.forEach((entry, index) => {
    const line = units.find((candidate) => candidate.lineId === entry.lineId);
    if (!line) {
      invalid.push({ path: `lines/${index}/lineId`, message: 'is not a line of this order' });
      return;
    }
    const left = cancellable(line);
    if (entry.quantity > left + line.beyond) {
      exceeded.push({
        path: `lines/${index}/quantity`,
        message: `exceeds the ${left + line.beyond} unit(s) not canceled yet`,
      });
      return;
    }
    if (entry.quantity > left) {
      tooLate.push({
        path: `lines/${index}/quantity`,
        message: `${line.beyond} unit(s) are packed, shipped or already asked to cancel; ${left} can be canceled`,
      });
      return;
    }
    let open = entry.quantity;
    const take = (available: number) => {
      const taken = Math.min(open, available);
      open -= taken;
      return taken;
    };
    const unrouted = take(line.unrouted);
    if (unrouted > 0) plan.unrouted.push({ lineId: line.lineId, sku: line.sku, quantity: unrouted });
    for (const { fo, units: available } of line.notStarted) {
      const taken = take(available);
      if (taken > 0) add(plan.release, fo, { lineId: line.lineId, sku: line.sku, quantity: taken });
    }
    for (const { fo, units: available } of line.inProgress) {
      const taken = take(available);
      if (taken > 0) add(plan.request, fo, { lineId: line.lineId, sku: line.sku, quantity: taken });
    }
  });
  if (invalid.length > 0) throw new ValidationError('The cancellation does not match the order.', invalid);
  if (exceeded.length > 0)
    throw new ConflictError('The cancellation asks for units that are canceled already.', {
      errors: exceeded,
    });
  if (tooLate.length > 0) {
    throw new ConflictError('Some units can not be canceled any more: they are packed or on their way.', {
      errors: tooLate,
      hint: 'Return them once delivered: POST /v1/returns.',
    });
  }
  const canceledNow = (lineId: string) =>
    [...plan.unrouted, ...plan.release.flatMap((fo) => fo.lines)]
      .filter((entry) => entry.lineId === lineId)
      .reduce((sum, entry) => sum + entry.quantity, 0);
  plan.wholeOrder =
    plan.request.length === 0 &&
    units.every((line) => canceledNow(line.lineId) === cancellable(line) + line.beyond);
  if (plan.unrouted.length + plan.release.length + plan.request.length === 0)
    throw new ConflictError(`Nothing of order ${order.orderId} is left to cancel.`);
  return plan;
}

/** Units canceled at once by a plan, per line (the refund's lines). */
export function canceledUnits(plan: CancelPlan): UnitsOfLine[] {
  const byLine = new Map<string, UnitsOfLine>();
  for (const entry of [...plan.unrouted, ...plan.release.flatMap((fo) => fo.lines)]) {
    const existing = byLine.get(entry.lineId);
    if (existing) existing.quantity += entry.quantity;
    else byLine.set(entry.lineId, { ...entry });
  }
  return [...byLine.values()];
}

/**
 * Every unit of each line canceled so far, with `more`: what the order keeps beside its lines so
 * that the router, placing an order not routed yet, places only what is still wanted.
 */
export function canceledTotals(
  cancellations: readonly Pick<Cancellation, 'canceled'>[],
  more: readonly UnitsOfLine[] = [],
): UnitsOfLine[] {
  const byLine = new Map<string, UnitsOfLine>();
  for (const entry of [...cancellations.flatMap((cancellation) => cancellation.canceled), ...more]) {
    const existing = byLine.get(entry.lineId);
    if (existing) existing.quantity += entry.quantity;
    else byLine.set(entry.lineId, { lineId: entry.lineId, sku: entry.sku, quantity: entry.quantity });
  }
  return [...byLine.values()];
}

export interface AcceptedCancellation {
  cancellation: Cancellation;
  refund?: StoredRefund;
  /** The order's canceled units once this is recorded (canceledTotals). */
  canceledUnits: UnitsOfLine[];
}

/**
 * What a location's accepted cancel request records for one order it serves: a cancellation of
 * the units it released (`before` holds the request, `after` the released units) and their
 * refund, computed as an immediate cancellation's after every refund recorded so far, with the
 * shipping too when no unit of the order is left. Nothing released for the order: undefined.
 */
export function acceptedCancellation(args: {
  order: Order;
  before: FulfillmentOrderState;
  after: FulfillmentOrderState;
  cancellations: readonly Cancellation[];
  refunds: readonly StoredRefund[];
  ids: { cancellationId: string; refundId: string };
  now: string;
  by: ChangedBy;
}): AcceptedCancellation | undefined {
  const { order, before, after } = args;
  const request = before.cancelRequest;
  if (!request) return undefined;
  const canceled = after.lines.flatMap((line) => {
    const was = before.lines.find((candidate) => candidate.lineId === line.lineId);
    const quantity = line.released - (was?.released ?? 0);
    return quantity > 0 && belongsTo(after, line, order.orderId)
      ? [{ lineId: line.lineId, sku: line.sku, quantity }]
      : [];
  });
  if (canceled.length === 0) return undefined;
  const canceledUnits = canceledTotals(args.cancellations, canceled);
  const wholeOrder = order.lines.every(
    (line) => (canceledUnits.find((entry) => entry.lineId === line.lineId)?.quantity ?? 0) >= line.quantity,
  );
  const refund = refundFor({
    order,
    cause: 'cancellation',
    sourceId: args.ids.cancellationId,
    lines: canceled,
    previous: args.refunds,
    shipping: wholeOrder,
    refundId: args.ids.refundId,
    now: args.now,
    by: args.by,
  });
  const cancellation: Cancellation = {
    cancellationId: args.ids.cancellationId,
    orderId: order.orderId,
    channelId: order.channelId,
    externalId: order.externalId,
    reason: request.reason,
    canceled,
    requested: [],
    wholeOrder,
    accepted: {
      fulfillmentOrderId: after.fulfillmentOrderId,
      locationId: after.locationId,
      requestedAt: request.requestedAt,
    },
    ...(refund && { refundId: refund.refundId }),
    previousStatus: order.status,
    orderVersion: order.version + 1,
    canceledAt: args.now,
    by: args.by,
  };
  return { cancellation, ...(refund && { refund }), canceledUnits };
}

/**
 * The order's lines less the units canceled so far (`canceledUnits`, kept on the order with each
 * cancellation): what the router places of an order it has not routed yet. Undefined when nothing
 * was canceled, so such an order is routed (and merged) as it came.
 */
export function linesStillWanted(
  order: Order & { canceledUnits?: readonly UnitsOfLine[] },
): UnitsOfLine[] | undefined {
  const canceled = order.canceledUnits ?? [];
  if (canceled.length === 0) return undefined;
  return order.lines.flatMap((line) => {
    const quantity = line.quantity - (canceled.find((entry) => entry.lineId === line.lineId)?.quantity ?? 0);
    return quantity > 0 ? [{ lineId: line.lineId, sku: line.sku, quantity }] : [];
  });
}
