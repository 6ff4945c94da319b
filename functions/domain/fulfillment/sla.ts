import * as z from 'zod';

/** The query of `GET /v1/fulfillment-orders`: today only the overdue listing exists. */
export const OverdueQuery = z.strictObject({
  overdue: z.literal('true', 'must be true: only overdue work is listed here'),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  cursor: z.string().max(2000).optional(),
});
export type OverdueQuery = z.output<typeof OverdueQuery>;
