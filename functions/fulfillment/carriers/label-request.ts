import * as z from 'zod';
import { DimensionsCm } from '../../domain/fulfillment/actions.js';

/** The body of `POST /v1/fulfillment-orders/{id}/labels`: a packed package, or a parcel described. */
export const LabelBody = z
  .strictObject({
    packageId: z.string().min(1).max(64).optional().meta({ description: 'A package of the pack action.' }),
    parcel: z
      .strictObject({ weightGrams: z.int().positive().max(1_000_000), dimensionsCm: DimensionsCm })
      .optional()
      .meta({ description: 'The parcel, when it was not packed through the API.' }),
    carrier: z.string().min(1).max(100).optional().meta({ description: 'Absent: the cheapest rate.' }),
    service: z.string().min(1).max(100).optional(),
  })
  .refine((body) => (body.packageId === undefined) !== (body.parcel === undefined), {
    message: 'give either packageId or parcel',
    path: ['packageId'],
  })
  .meta({ description: 'Buy a shipping label for one parcel of the fulfillment order.' });
export type LabelBody = z.output<typeof LabelBody>;

export const Label = z
  .strictObject({
    labelId: z.string(),
    fulfillmentOrderId: z.string(),
    carrier: z.string(),
    service: z.string().optional(),
    trackingNumber: z.string(),
    trackingUrl: z.string().optional(),
    labelUrl: z.string().optional(),
    cost: z.strictObject({ amount: z.int(), currency: z.string() }).optional(),
    packageId: z.string().optional(),
    provider: z.string(),
    /** Who bought it (from the token): labels cost money. */
    boughtBy: z.strictObject({ sub: z.string(), role: z.string(), clientId: z.string().optional() }),
    createdAt: z.string(),
  })
  .meta({ description: 'A label bought: ship the parcel with its carrier and tracking number.' });
export type Label = z.output<typeof Label>;
