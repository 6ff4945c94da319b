import type * as z from 'zod';
import { ConflictError, ValidationError, type FieldIssue } from '../errors.js';
import type { FulfillmentOrderKind } from '../routing/model.js';
import { parseOrThrow } from '../validation.js';
import {
  AcceptBody,
  AcceptCancelBody,
  PackBody,
  PickBody,
  PickedUpBody,
  ReadyForPickupBody,
  ReceiveBody,
  RefuseCancelBody,
  RejectBody,
  RequestCancelBody,
  ShipBody,
  TrackBody,
} from './actions.js';
import type { FulfillmentEvent, FulfillmentEventDetail, FulfillmentEventType } from './events.js';
import {
  PICKUP_KINDS,
  SHIPPING_KINDS,
  reservedOf,
  type CancelAnswer,
  type FulfillmentLine,
  type FulfillmentOrderState,
  type FulfillmentState,
  type Shipment,
  type ShipmentStatus,
} from './model.js';

/**
 * The fulfillment lifecycle as data: per action who takes it, for which kinds of fulfillment
 * order, from which states, to which states, behind which guards. The API (409 for an action out
 * of order), the OpenAPI document, docs/fulfillment.md (its diagram is generated from this table
 * and a test keeps them equal) and the property tests all read this one table.
 */
export const FULFILLMENT_ACTIONS = [
  'accept',
  'reject',
  'pick',
  'pack',
  'ship',
  'track',
  'receive',
  'ready-for-pickup',
  'picked-up',
  'request-cancel',
  'accept-cancel',
  'refuse-cancel',
] as const;
export type FulfillmentAction = (typeof FULFILLMENT_ACTIONS)[number];

export type Actor = 'location' | 'destination_location' | 'customer_service' | 'carrier';

export interface FulfillmentContext {
  /** The decision time (ISO 8601 UTC); the machine never reads a clock. */
  now: string;
  /** Uniform in [0, 1), like Math.random; the pick-up code is its only use. */
  random: () => number;
  /** Sortable ids for packages and shipments. */
  newId: () => string;
  /** ready-for-pickup: transfers still travelling to this store for the same order. */
  pendingInboundTransfers?: number;
}

/** What the caller must do, in the same transaction as writing the new fulfillment order. */
export type FulfillmentEffect =
  /** Give reserved units back: reserved and available at the location change, onHand does not. */
  | { type: 'release_stock'; sku: string; locationId: string; quantity: number }
  /** Units left the building: onHand and reserved both drop, available stays. */
  | { type: 'consume_stock'; sku: string; locationId: string; quantity: number }
  /** The shelf was wrong (a short pick): onHand corrected so the location is not chosen again for it. */
  | { type: 'adjust_stock'; sku: string; locationId: string; quantityDelta: number; reason: 'correction' }
  /** The location's daily capacity gets this fulfillment order back. */
  | { type: 'release_capacity'; locationId: string }
  /** These units need another location; this one is excluded. */
  | {
      type: 'reroute';
      excludeLocationId: string;
      lines: { lineId: string; sku: string; quantity: number }[];
    };

export interface FulfillmentResult {
  fulfillmentOrder: FulfillmentOrderState;
  effects: FulfillmentEffect[];
  events: FulfillmentEvent[];
}

interface GuardFailure {
  kind: 'conflict' | 'validation';
  message: string;
  issues?: FieldIssue[];
}

export interface Guard<Body> {
  name: string;
  description: string;
  check: (fo: FulfillmentOrderState, body: Body, context: FulfillmentContext) => GuardFailure | undefined;
}

export interface TransitionRule<Schema extends z.ZodType = z.ZodType> {
  action: FulfillmentAction;
  actor: Actor;
  description: string;
  kinds: readonly FulfillmentOrderKind[];
  /** Every [from, to] the action can make; staying put (a partial reject) is listed too. */
  moves: readonly Move[];
  body: Schema;
  guards: readonly Guard<z.output<Schema>>[];
  /** Added to the 409 when the action comes too late, to tell the caller what to do instead. */
  tooLate?: { states: readonly FulfillmentState[]; hint: string };
  apply: (fo: FulfillmentOrderState, body: z.output<Schema>, context: FulfillmentContext) => Outcome;
}

export type Move = readonly [from: FulfillmentState, to: FulfillmentState];

/** The states an action is allowed from. */
export function fromStates(transition: Pick<TransitionRule, 'moves'>): FulfillmentState[] {
  return [...new Set(transition.moves.map(([from]) => from))];
}

interface Outcome {
  fo: FulfillmentOrderState;
  effects: FulfillmentEffect[];
  events: PendingEvent[];
}

type PendingEvent = {
  [Type in FulfillmentEventType]: {
    detailType: Type;
    fields: Omit<FulfillmentEventDetail<Type>, keyof BaseFields>;
  };
}[FulfillmentEventType];

type BaseFields = FulfillmentEventDetail<'FulfillmentOrderAccepted'>;

const ALL_KINDS: readonly FulfillmentOrderKind[] = [
  'ship',
  'pickup',
  'ship_to_store',
  'dropship',
  'transfer',
];
const TO_STORE_KINDS: readonly FulfillmentOrderKind[] = ['ship_to_store', 'transfer'];
/** Kinds that took a unit of the location's daily capacity (routing-input.ts, capacityChargesOf). */
const CAPACITY_KINDS: readonly FulfillmentOrderKind[] = ['ship', 'pickup', 'ship_to_store'];
const SHIPMENT_ORDER: readonly ShipmentStatus[] = ['SHIPPED', 'IN_TRANSIT', 'DELIVERED'];

type LineQuantities = { lineId: string; quantity: number }[];

const guards = {
  noPendingCancel: {
    name: 'no_pending_cancel',
    description: 'A cancel request is answered (accept-cancel or refuse-cancel) before any other work.',
    check: (fo) =>
      fo.cancelRequest
        ? { kind: 'conflict', message: 'A cancel request is waiting: accept or refuse it first.' }
        : undefined,
  } satisfies Guard<unknown>,
  cancelPending: {
    name: 'cancel_pending',
    description: 'There is a cancel request to answer.',
    check: (fo) =>
      fo.cancelRequest ? undefined : { kind: 'conflict', message: 'There is no cancel request to answer.' },
  } satisfies Guard<unknown>,
  linesWithinReserved: {
    name: 'lines_within_reserved',
    description: 'Each line named is on the fulfillment order, with no more units than it still holds.',
    check: (fo, body: { lines?: LineQuantities }) =>
      linesFailure(fo, body.lines ?? [], (line) => reservedOf(line), 'still held here'),
  } satisfies Guard<{ lines?: LineQuantities }>,
  everyOpenLinePicked: {
    name: 'every_open_line_listed',
    description: 'A pick lists every open line once, with at most its open units.',
    check: (fo, body: PickBody) => {
      const failure = linesFailure(fo, body.lines, (line) => reservedOf(line), 'open');
      if (failure) return failure;
      const listed = new Set(body.lines.map((line) => line.lineId));
      const missing = fo.lines.filter((line) => reservedOf(line) > 0 && !listed.has(line.lineId));
      if (missing.length === 0) return undefined;
      return {
        kind: 'validation',
        message: 'A pick must list every open line.',
        issues: missing.map((line) => ({
          path: 'lines',
          message: `line ${line.lineId} is missing (list it with quantity 0 if none was found)`,
        })),
      };
    },
  } satisfies Guard<PickBody>,
  packagesWithinPicked: {
    name: 'packages_within_picked',
    description: 'Packages hold no more units of a line than were picked and not packed yet.',
    check: (fo, body: PackBody) => {
      const issues: FieldIssue[] = [];
      const totals = new Map<string, number>();
      body.packages.forEach((pack, p) =>
        pack.lines.forEach((entry, l) => {
          const line = fo.lines.find((candidate) => candidate.lineId === entry.lineId);
          const total = (totals.get(entry.lineId) ?? 0) + entry.quantity;
          totals.set(entry.lineId, total);
          if (!line)
            issues.push({ path: `packages/${p}/lines/${l}/lineId`, message: 'is not a line of this order' });
          else if (total > line.picked - line.packed)
            issues.push({
              path: `packages/${p}/lines/${l}/quantity`,
              message: `exceeds the ${line.picked - line.packed} unit(s) picked and not packed`,
            });
        }),
      );
      return issues.length > 0
        ? { kind: 'validation', message: 'The packages do not add up.', issues }
        : undefined;
    },
  } satisfies Guard<PackBody>,
  shipWithinPacked: {
    name: 'ship_within_packed',
    description: 'A shipment carries packed units not shipped yet; without lines, all of them.',
    check: (fo, body: ShipBody) => {
      if (body.lines) return linesFailure(fo, body.lines, (line) => line.packed - line.shipped, 'packed');
      return fo.lines.some((line) => line.packed > line.shipped)
        ? undefined
        : { kind: 'validation', message: 'Nothing is packed and waiting to ship.' };
    },
  } satisfies Guard<ShipBody>,
  shipmentExists: {
    name: 'shipment_exists',
    description: 'The tracking event names a shipment of this fulfillment order.',
    check: (fo, body: { shipmentId: string }) =>
      fo.shipments.some((shipment) => shipment.shipmentId === body.shipmentId)
        ? undefined
        : {
            kind: 'validation',
            message: 'Unknown shipment.',
            issues: [{ path: 'shipmentId', message: 'is not a shipment of this fulfillment order' }],
          },
  } satisfies Guard<{ shipmentId: string }>,
  inboundTransfersReceived: {
    name: 'inbound_transfers_received',
    description: 'Goods transferred in for the same order have all arrived at the store.',
    check: (_fo, _body, context) =>
      (context.pendingInboundTransfers ?? 0) > 0
        ? {
            kind: 'conflict',
            message: `${context.pendingInboundTransfers} transfer(s) for this order have not arrived yet.`,
          }
        : undefined,
  } satisfies Guard<unknown>,
  pickupCodeMatches: {
    name: 'pickup_code_matches',
    description: 'The customer shows the pick-up code that was issued.',
    check: (fo, body: { pickupCode: string }) =>
      fo.pickupCode === body.pickupCode
        ? undefined
        : {
            kind: 'validation',
            message: 'The pick-up code does not match.',
            issues: [{ path: 'pickupCode', message: 'does not match the code issued' }],
          },
  } satisfies Guard<{ pickupCode: string }>,
};

function linesFailure(
  fo: FulfillmentOrderState,
  lines: LineQuantities,
  limit: (line: FulfillmentLine) => number,
  what: string,
): GuardFailure | undefined {
  const issues: FieldIssue[] = [];
  lines.forEach((entry, index) => {
    const line = fo.lines.find((candidate) => candidate.lineId === entry.lineId);
    if (!line)
      issues.push({ path: `lines/${index}/lineId`, message: 'is not a line of this fulfillment order' });
    else if (entry.quantity > limit(line))
      issues.push({ path: `lines/${index}/quantity`, message: `exceeds the ${limit(line)} unit(s) ${what}` });
  });
  return issues.length > 0
    ? { kind: 'validation', message: 'The lines do not match the fulfillment order.', issues }
    : undefined;
}

function rule<Schema extends z.ZodType>(definition: TransitionRule<Schema>): TransitionRule {
  return definition as unknown as TransitionRule;
}

export const TRANSITIONS: readonly TransitionRule[] = [
  rule({
    action: 'accept',
    actor: 'location',
    description: 'The location takes the work.',
    kinds: ALL_KINDS,
    moves: [['CREATED', 'ACCEPTED']],
    body: AcceptBody,
    guards: [],
    apply: (fo) => ({ fo: { ...fo, status: 'ACCEPTED' }, effects: [], events: [accepted()] }),
  }),
  rule({
    action: 'reject',
    actor: 'location',
    description: 'All or some units go back to the router, which will not choose this location again.',
    kinds: ALL_KINDS,
    moves: [
      ['CREATED', 'CREATED'],
      ['CREATED', 'REJECTED'],
      ['ACCEPTED', 'ACCEPTED'],
      ['ACCEPTED', 'REJECTED'],
    ],
    body: RejectBody,
    guards: [guards.noPendingCancel, guards.linesWithinReserved],
    apply: (fo, body) => rejectUnits(fo, body.lines, body.reason),
  }),
  rule({
    action: 'pick',
    actor: 'location',
    description:
      'What was found on the shelf; a short pick rejects the missing units and corrects the stock.',
    kinds: ALL_KINDS,
    moves: [
      ['ACCEPTED', 'PICKED'],
      ['ACCEPTED', 'REJECTED'],
    ],
    body: PickBody,
    guards: [guards.noPendingCancel, guards.everyOpenLinePicked],
    apply: pick,
  }),
  rule({
    action: 'pack',
    actor: 'location',
    description: 'Picked units go into packages (with weight and dimensions for the label).',
    kinds: ALL_KINDS,
    moves: [
      ['PICKED', 'PACKED'],
      ['PACKED', 'PACKED'],
      ['PARTIALLY_SHIPPED', 'PARTIALLY_SHIPPED'],
    ],
    body: PackBody,
    guards: [guards.noPendingCancel, guards.packagesWithinPicked],
    apply: pack,
  }),
  rule({
    action: 'ship',
    actor: 'location',
    description: 'A carrier takes packed units; stock leaves the location. Several shipments are allowed.',
    kinds: SHIPPING_KINDS,
    moves: [
      ['PACKED', 'PARTIALLY_SHIPPED'],
      ['PACKED', 'SHIPPED'],
      ['PARTIALLY_SHIPPED', 'PARTIALLY_SHIPPED'],
      ['PARTIALLY_SHIPPED', 'SHIPPED'],
    ],
    body: ShipBody,
    guards: [guards.noPendingCancel, guards.shipWithinPacked],
    apply: ship,
  }),
  rule({
    action: 'track',
    actor: 'carrier',
    description:
      'A tracking event (manual or a carrier webhook) moves a shipment on; stale events change nothing.',
    kinds: SHIPPING_KINDS,
    moves: [
      ['PARTIALLY_SHIPPED', 'PARTIALLY_SHIPPED'],
      ['SHIPPED', 'IN_TRANSIT'],
      ['SHIPPED', 'DELIVERED'],
      ['IN_TRANSIT', 'IN_TRANSIT'],
      ['IN_TRANSIT', 'DELIVERED'],
      ['DELIVERED', 'DELIVERED'],
      ['READY_FOR_PICKUP', 'READY_FOR_PICKUP'],
      ['PICKED_UP', 'PICKED_UP'],
    ],
    body: TrackBody,
    guards: [guards.shipmentExists],
    apply: track,
  }),
  rule({
    action: 'receive',
    actor: 'destination_location',
    description: 'The pick-up store received the goods: the pick-up is ready and a code is issued.',
    kinds: TO_STORE_KINDS,
    moves: [
      ['SHIPPED', 'READY_FOR_PICKUP'],
      ['IN_TRANSIT', 'READY_FOR_PICKUP'],
    ],
    body: ReceiveBody,
    guards: [],
    apply: receive,
  }),
  rule({
    action: 'ready-for-pickup',
    actor: 'location',
    description: 'The goods wait at the counter; a pick-up code is issued and announced.',
    kinds: ['pickup'],
    moves: [
      ['PICKED', 'READY_FOR_PICKUP'],
      ['PACKED', 'READY_FOR_PICKUP'],
    ],
    body: ReadyForPickupBody,
    guards: [guards.noPendingCancel, guards.inboundTransfersReceived],
    apply: (fo, _body, context) => readyForPickup(fo, context, fo.locationId),
  }),
  rule({
    action: 'picked-up',
    actor: 'destination_location',
    description: 'The customer collected the goods with the code; a store pick-up hands its stock over.',
    kinds: PICKUP_KINDS,
    moves: [['READY_FOR_PICKUP', 'PICKED_UP']],
    body: PickedUpBody,
    guards: [guards.pickupCodeMatches],
    apply: pickedUp,
  }),
  rule({
    action: 'request-cancel',
    actor: 'customer_service',
    description: 'Work not started is canceled at once; work in progress asks the location.',
    kinds: ALL_KINDS,
    moves: [
      ['CREATED', 'CREATED'],
      ['CREATED', 'CANCELED'],
      ['ACCEPTED', 'ACCEPTED'],
      ['PICKED', 'PICKED'],
    ],
    body: RequestCancelBody,
    guards: [guards.noPendingCancel, guards.linesWithinReserved],
    tooLate: {
      states: [
        'PACKED',
        'PARTIALLY_SHIPPED',
        'SHIPPED',
        'IN_TRANSIT',
        'DELIVERED',
        'READY_FOR_PICKUP',
        'PICKED_UP',
      ],
      hint: 'It is packed or further along, so the cancel is refused: return the goods once delivered.',
    },
    apply: requestCancel,
  }),
  rule({
    action: 'accept-cancel',
    actor: 'location',
    description: 'The location agrees: the requested units are released, canceled and refunded.',
    kinds: ALL_KINDS,
    moves: [
      ['ACCEPTED', 'ACCEPTED'],
      ['ACCEPTED', 'CANCELED'],
      ['PICKED', 'PICKED'],
      ['PICKED', 'CANCELED'],
    ],
    body: AcceptCancelBody,
    guards: [guards.cancelPending],
    apply: (fo, _body, context) => {
      const request = fo.cancelRequest!;
      const { cancelRequest: _answered, ...rest } = fo;
      const outcome = cancelUnits(rest, request.lines, request.reason);
      return { ...outcome, fo: withAnswer(outcome.fo, fo, 'accepted', context) };
    },
  }),
  rule({
    action: 'refuse-cancel',
    actor: 'location',
    description: 'The location goes on with the work (it is too far along) and says why.',
    kinds: ALL_KINDS,
    moves: [
      ['ACCEPTED', 'ACCEPTED'],
      ['PICKED', 'PICKED'],
    ],
    body: RefuseCancelBody,
    guards: [guards.cancelPending],
    apply: (fo, body, context) => {
      const { cancelRequest: _answered, ...rest } = fo;
      return {
        fo: withAnswer(rest, fo, 'refused', context, body.reason),
        effects: [],
        events: [{ detailType: 'FulfillmentCancelRefused', fields: { reason: body.reason } }],
      };
    },
  }),
];

/** The answered request, appended to the fulfillment order's answers with the version it makes. */
function withAnswer(
  fo: FulfillmentOrderState,
  asked: FulfillmentOrderState,
  answer: CancelAnswer['answer'],
  context: FulfillmentContext,
  reason?: string,
): FulfillmentOrderState {
  const request = asked.cancelRequest!;
  const entry: CancelAnswer = {
    answer,
    requestReason: request.reason,
    ...(reason !== undefined && { reason }),
    ...(request.lines && { lines: request.lines }),
    requestedAt: request.requestedAt,
    answeredAt: context.now,
    version: asked.version + 1,
  };
  return { ...fo, cancelAnswers: [...(asked.cancelAnswers ?? []), entry] };
}

export function ruleFor(action: FulfillmentAction): TransitionRule {
  const found = TRANSITIONS.find((candidate) => candidate.action === action);
  if (!found) throw new Error(`No transition rule for ${action}.`);
  return found;
}

export function isFulfillmentAction(action: string): action is FulfillmentAction {
  return (FULFILLMENT_ACTIONS as readonly string[]).includes(action);
}

/**
 * Applies one action to a fulfillment order: the body is validated, the action must be allowed
 * for the order's kind and state (else a ConflictError naming the current state, a 409), the
 * guards must pass, and the answer is the new fulfillment order with the effects to commit with
 * it and the events to publish. Nothing is written; the caller commits it all in one transaction.
 */
export function applyFulfillmentAction(
  fo: FulfillmentOrderState,
  action: string,
  body: unknown,
  context: FulfillmentContext,
): FulfillmentResult {
  if (!isFulfillmentAction(action))
    throw new ValidationError(`Unknown fulfillment action ${action}.`, [
      { path: '(action)', message: `must be one of ${FULFILLMENT_ACTIONS.join(', ')}` },
    ]);
  const transition = ruleFor(action);
  const parsed = parseOrThrow(transition.body, body, `${action} request`);
  if (!transition.kinds.includes(fo.kind))
    throw conflict(fo, transition, `${action} does not apply to a ${fo.kind} fulfillment order.`);
  const allowedFrom = fromStates(transition);
  if (!allowedFrom.includes(fo.status)) {
    const tooLate = transition.tooLate?.states.includes(fo.status) ? transition.tooLate.hint : undefined;
    throw conflict(
      fo,
      transition,
      `Can not ${action} fulfillment order ${fo.fulfillmentOrderId}: it is ${fo.status}` +
        ` (${action} is allowed from ${allowedFrom.join(', ')}).`,
      tooLate,
    );
  }
  for (const guard of transition.guards) {
    const failure = guard.check(fo, parsed, context);
    if (!failure) continue;
    if (failure.kind === 'conflict') throw conflict(fo, transition, failure.message, undefined, guard.name);
    throw new ValidationError(failure.message, failure.issues ?? []);
  }

  const outcome = transition.apply(fo, parsed, context);
  if (outcome.fo === fo && outcome.events.length === 0)
    return { fulfillmentOrder: fo, effects: [], events: [] };
  if (!transition.moves.some(([from, to]) => from === fo.status && to === outcome.fo.status))
    throw new Error(`${action} led ${fo.fulfillmentOrderId} to ${outcome.fo.status}, not in its rule.`);
  const version = fo.version + 1;
  const next: FulfillmentOrderState = { ...outcome.fo, version, updatedAt: context.now };
  return {
    fulfillmentOrder: next,
    effects: outcome.effects,
    events: outcome.events.map((pending) => toEvent(next, pending, context.now)),
  };
}

function conflict(
  fo: FulfillmentOrderState,
  transition: TransitionRule,
  message: string,
  hint?: string,
  guard?: string,
): ConflictError {
  return new ConflictError(hint ? `${message} ${hint}` : message, {
    fulfillmentOrderId: fo.fulfillmentOrderId,
    action: transition.action,
    currentState: fo.status,
    kind: fo.kind,
    allowedFrom: fromStates(transition),
    ...(guard !== undefined && { guard }),
    ...(hint !== undefined && { hint }),
  });
}

function toEvent(fo: FulfillmentOrderState, pending: PendingEvent, now: string): FulfillmentEvent {
  const base: BaseFields = {
    version: '1',
    eventId: `${fo.fulfillmentOrderId}:v${fo.version}:${pending.detailType}`,
    fulfillmentOrderId: fo.fulfillmentOrderId,
    orderId: fo.orderId,
    locationId: fo.locationId,
    kind: fo.kind,
    status: fo.status,
    occurredAt: now,
  };
  return { detailType: pending.detailType, detail: { ...base, ...pending.fields } } as FulfillmentEvent;
}

const accepted = (): PendingEvent => ({ detailType: 'FulfillmentOrderAccepted', fields: {} });

interface Released {
  fo: FulfillmentOrderState;
  effects: FulfillmentEffect[];
  lines: { lineId: string; sku: string; quantity: number }[];
  whole: boolean;
}

/** Releases units (all still held when `only` is absent) and says whether any work is left. */
function releaseUnits(fo: FulfillmentOrderState, only: LineQuantities | undefined): Released {
  const wanted = (line: FulfillmentLine) =>
    only ? (only.find((entry) => entry.lineId === line.lineId)?.quantity ?? 0) : reservedOf(line);
  const released = fo.lines
    .map((line) => ({ lineId: line.lineId, sku: line.sku, quantity: wanted(line) }))
    .filter((line) => line.quantity > 0);
  const lines = fo.lines.map((line) => {
    const quantity = wanted(line);
    if (quantity === 0) return line;
    // Units that left were picked and packed: a release after a partial shipment keeps them.
    const kept = line.shipped + reservedOf(line) - quantity;
    return {
      ...line,
      released: line.released + quantity,
      picked: Math.min(line.picked, kept),
      packed: Math.min(line.packed, kept),
    };
  });
  const next = { ...fo, lines };
  const whole = lines.every((line) => reservedOf(line) === 0);
  return {
    fo: next,
    lines: released,
    whole,
    effects: [...stockReleases(fo, released), ...capacity(fo, whole)],
  };
}

function stockReleases(fo: FulfillmentOrderState, lines: Released['lines']): FulfillmentEffect[] {
  if (fo.kind === 'dropship') return [];
  return lines.map(({ sku, quantity }) => ({
    type: 'release_stock',
    sku,
    locationId: fo.locationId,
    quantity,
  }));
}

function capacity(fo: FulfillmentOrderState, whole: boolean): FulfillmentEffect[] {
  return whole && CAPACITY_KINDS.includes(fo.kind)
    ? [{ type: 'release_capacity', locationId: fo.locationId }]
    : [];
}

function reroute(fo: FulfillmentOrderState, lines: Released['lines']): FulfillmentEffect[] {
  return lines.length > 0 ? [{ type: 'reroute', excludeLocationId: fo.locationId, lines }] : [];
}

function rejectUnits(fo: FulfillmentOrderState, only: LineQuantities | undefined, reason: string): Outcome {
  const released = releaseUnits(fo, only);
  return {
    fo: { ...released.fo, status: released.whole ? 'REJECTED' : fo.status },
    effects: [...released.effects, ...reroute(fo, released.lines)],
    events: [
      {
        detailType: 'FulfillmentOrderRejected',
        fields: { reason, lines: released.lines, whole: released.whole },
      },
    ],
  };
}

function cancelUnits(fo: FulfillmentOrderState, only: LineQuantities | undefined, reason: string): Outcome {
  const released = releaseUnits(fo, only);
  return {
    fo: { ...released.fo, status: released.whole ? 'CANCELED' : fo.status },
    effects: released.effects,
    events: [
      {
        detailType: 'FulfillmentOrderCanceled',
        fields: { reason, lines: released.lines, whole: released.whole },
      },
    ],
  };
}

/** States whose fulfillment order may still hold units at its location: what a release can give back. */
export const RELEASABLE_STATES: readonly FulfillmentState[] = [
  'CREATED',
  'ACCEPTED',
  'PICKED',
  'PACKED',
  'PARTIALLY_SHIPPED',
  'READY_FOR_PICKUP',
];

export interface ReleaseRequest {
  reason: string;
  /** Absent: every unit still held. */
  lines?: LineQuantities;
  /** CANCELED: the units are no longer wanted; REJECTED: they go back to the router. */
  outcome: 'CANCELED' | 'REJECTED';
}

/**
 * Gives units of a fulfillment order back outside the action table: the seam for decisions
 * taken elsewhere (a customer-service cancellation, ops releasing stuck work, docs/runbook.md).
 * The stock and capacity effects and the events are the same as a reject's or a cancel's; once
 * nothing is held, the fulfillment order ends in `outcome` (SHIPPED when some units had left).
 */
export function releaseFulfillmentUnits(
  fo: FulfillmentOrderState,
  request: ReleaseRequest,
  context: Pick<FulfillmentContext, 'now'>,
): FulfillmentResult {
  if (!RELEASABLE_STATES.includes(fo.status))
    throw new ConflictError(
      `Can not release units of fulfillment order ${fo.fulfillmentOrderId}: it is ${fo.status}.`,
      { fulfillmentOrderId: fo.fulfillmentOrderId, currentState: fo.status, allowedFrom: RELEASABLE_STATES },
    );
  const failure = linesFailure(fo, request.lines ?? [], (line) => reservedOf(line), 'still held here');
  if (failure) throw new ValidationError(failure.message, failure.issues ?? []);
  const released = releaseUnits(fo, request.lines);
  if (released.lines.length === 0) return { fulfillmentOrder: fo, effects: [], events: [] };
  const anyLeft = released.fo.lines.some((line) => line.shipped > 0);
  const ended: FulfillmentState = anyLeft ? 'SHIPPED' : request.outcome;
  const status = released.whole ? ended : fo.status;
  const version = fo.version + 1;
  const next: FulfillmentOrderState = { ...released.fo, status, version, updatedAt: context.now };
  const detailType = request.outcome === 'REJECTED' ? 'FulfillmentOrderRejected' : 'FulfillmentOrderCanceled';
  const pending: PendingEvent = {
    detailType,
    fields: { reason: request.reason, lines: released.lines, whole: released.whole },
  };
  return {
    fulfillmentOrder: next,
    effects: [...released.effects, ...(request.outcome === 'REJECTED' ? reroute(fo, released.lines) : [])],
    events: [toEvent(next, pending, context.now)],
  };
}

function pick(fo: FulfillmentOrderState, body: PickBody): Outcome {
  const found = (line: FulfillmentLine) => body.lines.find((entry) => entry.lineId === line.lineId)?.quantity;
  const short = fo.lines
    .map((line) => ({ lineId: line.lineId, quantity: reservedOf(line) - (found(line) ?? reservedOf(line)) }))
    .filter((line) => line.quantity > 0);
  const released = releaseUnits(fo, short);
  const lines = released.fo.lines.map((line) => ({ ...line, picked: reservedOf(line) }));
  const corrections: FulfillmentEffect[] =
    fo.kind === 'dropship'
      ? []
      : released.lines.map(({ sku, quantity }) => ({
          type: 'adjust_stock',
          sku,
          locationId: fo.locationId,
          quantityDelta: -quantity,
          reason: 'correction',
        }));
  const events: PendingEvent[] = [
    { detailType: 'FulfillmentOrderPicked', fields: { shortLines: released.lines } },
  ];
  if (released.lines.length > 0)
    events.push({
      detailType: 'FulfillmentOrderRejected',
      fields: { reason: 'short pick', lines: released.lines, whole: released.whole },
    });
  return {
    fo: { ...released.fo, lines, status: released.whole ? 'REJECTED' : 'PICKED' },
    effects: [...released.effects, ...corrections, ...reroute(fo, released.lines)],
    events,
  };
}

function pack(fo: FulfillmentOrderState, body: PackBody, context: FulfillmentContext): Outcome {
  const packages = body.packages.map((pkg) => ({ packageId: context.newId(), ...pkg }));
  const packedNow = new Map<string, number>();
  for (const pkg of body.packages)
    for (const line of pkg.lines)
      packedNow.set(line.lineId, (packedNow.get(line.lineId) ?? 0) + line.quantity);
  return {
    fo: {
      ...fo,
      status: fo.status === 'PARTIALLY_SHIPPED' ? 'PARTIALLY_SHIPPED' : 'PACKED',
      lines: fo.lines.map((line) => ({ ...line, packed: line.packed + (packedNow.get(line.lineId) ?? 0) })),
      packages: [...fo.packages, ...packages],
    },
    effects: [],
    events: [{ detailType: 'FulfillmentOrderPacked', fields: { packages: packages.length } }],
  };
}

function ship(fo: FulfillmentOrderState, body: ShipBody, context: FulfillmentContext): Outcome {
  const units =
    body.lines ?? fo.lines.map((line) => ({ lineId: line.lineId, quantity: line.packed - line.shipped }));
  const leaving = fo.lines
    .map((line) => ({
      lineId: line.lineId,
      sku: line.sku,
      quantity: units.find((entry) => entry.lineId === line.lineId)?.quantity ?? 0,
    }))
    .filter((line) => line.quantity > 0);
  const shipment: Shipment = {
    shipmentId: context.newId(),
    carrier: body.carrier,
    ...(body.service !== undefined && { service: body.service }),
    trackingNumber: body.trackingNumber,
    ...(body.trackingUrl !== undefined && { trackingUrl: body.trackingUrl }),
    lines: leaving.map(({ lineId, quantity }) => ({ lineId, quantity })),
    status: 'SHIPPED',
    shippedAt: context.now,
  };
  const lines = fo.lines.map((line) => ({
    ...line,
    shipped: line.shipped + (leaving.find((entry) => entry.lineId === line.lineId)?.quantity ?? 0),
  }));
  const next = { ...fo, lines, shipments: [...fo.shipments, shipment] };
  return {
    fo: { ...next, status: lines.every((line) => reservedOf(line) === 0) ? 'SHIPPED' : 'PARTIALLY_SHIPPED' },
    effects:
      fo.kind === 'dropship'
        ? []
        : leaving.map(({ sku, quantity }) => ({
            type: 'consume_stock',
            sku,
            locationId: fo.locationId,
            quantity,
          })),
    events: [
      {
        detailType: 'ShipmentCreated',
        fields: { ...shipmentFields(shipment), lines: leaving },
      },
    ],
  };
}

function shipmentFields(shipment: Shipment) {
  return {
    shipmentId: shipment.shipmentId,
    carrier: shipment.carrier,
    ...(shipment.service !== undefined && { service: shipment.service }),
    trackingNumber: shipment.trackingNumber,
    ...(shipment.trackingUrl !== undefined && { trackingUrl: shipment.trackingUrl }),
  };
}

function track(fo: FulfillmentOrderState, body: TrackBody): Outcome {
  const target: ShipmentStatus = body.status === 'delivered' ? 'DELIVERED' : 'IN_TRANSIT';
  const current = fo.shipments.find((shipment) => shipment.shipmentId === body.shipmentId)!;
  if (SHIPMENT_ORDER.indexOf(current.status) >= SHIPMENT_ORDER.indexOf(target))
    return { fo, effects: [], events: [] };
  const moved: Shipment = {
    ...current,
    status: target,
    ...(target === 'IN_TRANSIT' ? { inTransitAt: body.occurredAt } : { deliveredAt: body.occurredAt }),
  };
  const shipments = fo.shipments.map((shipment) => (shipment === current ? moved : shipment));
  return {
    fo: { ...fo, shipments, status: statusAfterTracking(fo, shipments) },
    effects: [],
    events: [
      {
        detailType: target === 'DELIVERED' ? 'ShipmentDelivered' : 'ShipmentInTransit',
        fields: shipmentFields(moved),
      },
    ],
  };
}

/**
 * Once everything has left, the fulfillment order follows its shipments: in transit as soon as
 * one moves, delivered when all arrived. Goods for a pick-up store wait for `receive` instead.
 */
function statusAfterTracking(fo: FulfillmentOrderState, shipments: Shipment[]): FulfillmentState {
  if (fo.status !== 'SHIPPED' && fo.status !== 'IN_TRANSIT') return fo.status;
  const allDelivered = shipments.every((shipment) => shipment.status === 'DELIVERED');
  return allDelivered && !TO_STORE_KINDS.includes(fo.kind) ? 'DELIVERED' : 'IN_TRANSIT';
}

function receive(fo: FulfillmentOrderState, _body: unknown, context: FulfillmentContext): Outcome {
  const shipments = fo.shipments.map((shipment) =>
    shipment.status === 'DELIVERED'
      ? shipment
      : { ...shipment, status: 'DELIVERED' as const, deliveredAt: context.now },
  );
  const ready = readyForPickup({ ...fo, shipments }, context, fo.transferTo ?? fo.locationId);
  return {
    ...ready,
    events: [
      { detailType: 'FulfillmentOrderReceived', fields: { receivedAt: context.now } },
      ...ready.events,
    ],
  };
}

function readyForPickup(
  fo: FulfillmentOrderState,
  context: FulfillmentContext,
  pickupLocationId: string,
): Outcome {
  const pickupCode = pickupCodeFrom(context.random);
  return {
    fo: { ...fo, status: 'READY_FOR_PICKUP', pickupCode },
    effects: [],
    events: [{ detailType: 'OrderReadyForPickup', fields: { pickupLocationId, pickupCode } }],
  };
}

/** Six digits, each from one draw of the injected source. */
export function pickupCodeFrom(random: () => number): string {
  return Array.from({ length: 6 }, () => {
    const draw = random();
    if (!(draw >= 0 && draw < 1)) throw new Error(`The random source gave ${draw}, not a number in [0, 1).`);
    return Math.floor(draw * 10).toString();
  }).join('');
}

function pickedUp(fo: FulfillmentOrderState, _body: unknown, context: FulfillmentContext): Outcome {
  const handedOver = fo.lines
    .map((line) => ({ lineId: line.lineId, sku: line.sku, quantity: reservedOf(line) }))
    .filter((line) => line.quantity > 0);
  const stockLeavesHere = fo.kind === 'pickup';
  const lines = stockLeavesHere
    ? fo.lines.map((line) => ({ ...line, shipped: line.shipped + reservedOf(line) }))
    : fo.lines;
  const goods = stockLeavesHere
    ? handedOver
    : fo.lines
        .map((line) => ({ lineId: line.lineId, sku: line.sku, quantity: line.shipped }))
        .filter((l) => l.quantity > 0);
  return {
    fo: { ...fo, lines, status: 'PICKED_UP', pickedUpAt: context.now },
    effects: stockLeavesHere
      ? handedOver.map(({ sku, quantity }) => ({
          type: 'consume_stock',
          sku,
          locationId: fo.locationId,
          quantity,
        }))
      : [],
    events: [
      {
        detailType: 'OrderPickedUp',
        fields: { pickupLocationId: fo.transferTo ?? fo.locationId, lines: goods },
      },
    ],
  };
}

function requestCancel(
  fo: FulfillmentOrderState,
  body: RequestCancelBody,
  context: FulfillmentContext,
): Outcome {
  if (fo.status === 'CREATED') return cancelUnits(fo, body.lines, body.reason);
  return {
    fo: {
      ...fo,
      cancelRequest: {
        reason: body.reason,
        ...(body.lines && { lines: body.lines }),
        requestedAt: context.now,
      },
    },
    effects: [],
    events: [{ detailType: 'FulfillmentCancelRequested', fields: { reason: body.reason } }],
  };
}
