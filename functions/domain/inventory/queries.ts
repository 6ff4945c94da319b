import * as z from 'zod';
import { identifier } from '../text.js';

/** Query strings of the inventory's read API. */
const Limit = z.coerce.number().int().min(1).max(500).default(100);

export const LocationInventoryQuery = z.strictObject({
  limit: Limit,
  cursor: z.string().max(2000).optional(),
});

export const ChannelAvailabilityQuery = z.strictObject({
  /** Changes strictly after this instant; normalized to the stored form (UTC, milliseconds). */
  since: z.iso
    .datetime({ offset: true })
    .transform((since) => new Date(since).toISOString())
    .default('1970-01-01T00:00:00.000Z'),
  limit: Limit,
  cursor: z.string().max(2000).optional(),
});

export const ReplenishmentQuery = z.strictObject({
  vendorId: identifier(64).optional(),
});
