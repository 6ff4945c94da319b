import * as z from 'zod';
import { normalizeEmail, normalizePhone } from '../customer.js';
import type { Identifier } from './identity.js';

/**
 * GET /v1/customers: exactly one of `email` or `phone`, normalized as orders' identifiers are, so
 * `Ana@Example.com` finds the customer of `ana@example.com`. A phone must be international
 * (`+351 912 345 678`): the API knows no country to read a national number in.
 */
export const CustomerQuery = z
  .strictObject({
    email: z.email('must be an email address').max(254).optional(),
    phone: z
      .string()
      .max(40)
      .refine((phone) => normalizePhone(phone) !== undefined, {
        message: 'must be a valid phone number in international format, such as +351912345678',
      })
      .optional(),
  })
  .refine((query) => (query.email === undefined) !== (query.phone === undefined), {
    message: 'give exactly one of email or phone',
    path: ['email'],
  })
  .meta({ description: 'Find the customer an email or a phone number belongs to.' });
export type CustomerQuery = z.output<typeof CustomerQuery>;

export function queriedIdentifier(query: CustomerQuery): Identifier {
  const email = normalizeEmail(query.email);
  if (email) return { type: 'email', value: email };
  return { type: 'phone', value: normalizePhone(query.phone) as string };
}

/** A customer id as the API hands them out: a ULID. */
export const CustomerId = z
  .string()
  .regex(/^[0-9A-HJKMNP-TV-Z]{26}$/, 'must be a customer id (a ULID)')
  .meta({ description: 'Opaque customer id (ULID).' });
