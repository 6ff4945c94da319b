import * as z from 'zod';
import { decimal } from '../text.js';

/**
 * The body of each fulfillment action: the API contract of
 * `POST /v1/fulfillment-orders/{id}/<action>`, rendered into the OpenAPI document as is.
 * Quantities are whole units; which lines and how many are allowed is the state machine's call
 * (machine.ts), because it depends on the fulfillment order, not on the body alone.
 */
const LineId = z.string().min(1).max(64);
const Units = z.int('must be a whole number').min(0, 'must not be negative').max(100_000);
const PositiveUnits = Units.min(1, 'must be at least 1');
const Reason = z.string().min(1, 'is required').max(500);
const Text = (max: number) => z.string().min(1, 'is required').max(max);

const LineQuantity = z.strictObject({ lineId: LineId, quantity: PositiveUnits });

/** Each line at most once: two entries for one line are a mistake, never a sum. */
function uniqueLines<Line extends { lineId: string }>(lines: Line[], ctx: z.RefinementCtx): void {
  const seen = new Set<string>();
  lines.forEach((line, index) => {
    if (seen.has(line.lineId))
      ctx.addIssue({ code: 'custom', path: [index, 'lineId'], message: 'lists a line twice' });
    seen.add(line.lineId);
  });
}

const Lines = z.array(LineQuantity).min(1, 'needs at least one line').max(500).superRefine(uniqueLines);

export const AcceptBody = z.strictObject({}).meta({ description: 'The location takes the work.' });

export const RejectBody = z
  .strictObject({
    reason: Reason,
    lines: Lines.optional().meta({ description: 'Only these units go back to the router; absent: all.' }),
  })
  .meta({ description: 'The location can not do (some of) the work: it goes back to the router.' });

export const PickBody = z
  .strictObject({
    lines: z
      .array(z.strictObject({ lineId: LineId, quantity: Units }))
      .min(1, 'needs at least one line')
      .max(500)
      .superRefine(uniqueLines)
      .meta({ description: 'Every open line with the units found; fewer than open is a short pick.' }),
  })
  .meta({ description: 'What was found on the shelf. Missing units are re-routed.' });

export const DimensionsCm = z.strictObject({
  length: decimal().positive().max(1000),
  width: decimal().positive().max(1000),
  height: decimal().positive().max(1000),
});

export const PackBody = z
  .strictObject({
    packages: z
      .array(
        z.strictObject({
          lines: Lines,
          weightGrams: z.int().positive().max(1_000_000).optional(),
          dimensionsCm: DimensionsCm.optional(),
        }),
      )
      .min(1, 'needs at least one package')
      .max(100),
  })
  .meta({ description: 'Picked units put into packages; may be sent more than once.' });

export const ShipBody = z
  .strictObject({
    carrier: Text(100),
    service: Text(100).optional(),
    trackingNumber: Text(100),
    trackingUrl: z
      .url({ protocol: /^https?$/, error: 'must be an http(s) URL' })
      .max(2000)
      .optional(),
    lines: Lines.optional().meta({ description: 'Only these units leave now; absent: every packed unit.' }),
  })
  .meta({ description: 'A parcel handed to a carrier; several per fulfillment order are allowed.' });

export const ReadyForPickupBody = z.strictObject({}).meta({
  description: 'The goods wait at the store; a pick-up code is issued and announced.',
});

export const ReceiveBody = z.strictObject({}).meta({
  description: 'The destination store received the goods: the pick-up is ready.',
});

export const PickedUpBody = z
  .strictObject({ pickupCode: z.string().regex(/^\d{6}$/, 'must be the 6-digit pick-up code') })
  .meta({ description: 'The customer collected the goods, showing the code.' });

export const RequestCancelBody = z
  .strictObject({
    reason: Reason,
    lines: Lines.optional().meta({ description: 'Only these units; absent: all not yet shipped.' }),
  })
  .meta({ description: 'Customer service asks to cancel; work not started is canceled at once.' });

export const AcceptCancelBody = z.strictObject({}).meta({ description: 'The location agrees to cancel.' });

export const RefuseCancelBody = z
  .strictObject({ reason: Reason })
  .meta({ description: 'The location goes on with the work (it is too far along).' });

export const TrackBody = z
  .strictObject({
    shipmentId: Text(64),
    status: z.enum(['in_transit', 'delivered']),
    occurredAt: z.iso.datetime({ offset: true, error: 'must be an ISO 8601 date-time with a time zone' }),
  })
  .meta({ description: "A carrier's tracking event for one shipment." });

export type RejectBody = z.output<typeof RejectBody>;
export type PickBody = z.output<typeof PickBody>;
export type PackBody = z.output<typeof PackBody>;
export type ShipBody = z.output<typeof ShipBody>;
export type PickedUpBody = z.output<typeof PickedUpBody>;
export type RequestCancelBody = z.output<typeof RequestCancelBody>;
export type RefuseCancelBody = z.output<typeof RefuseCancelBody>;
export type TrackBody = z.output<typeof TrackBody>;
