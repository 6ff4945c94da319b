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

const ChannelOrder = z.object({ orderId: z.string(), channelId: z.string() });

/** The customer view the API answers (view.ts builds it; a test holds the two together). */
export const CustomerViewSchema = z
  .object({
    customerId: CustomerId,
    createdAt: z.string(),
    updatedAt: z.string(),
    identities: z
      .array(
        z.object({
          type: z.enum(['email', 'phone']),
          value: z.string().meta({ description: 'Lower-cased email, or phone in E.164.' }),
          linkedBy: ChannelOrder.meta({ description: 'The order that brought the identifier.' }),
          linkedAt: z.string(),
        }),
      )
      .meta({
        description: 'How the customer is recognized, each identifier with the order that brought it.',
      }),
    merges: z
      .array(
        z.object({
          customerId: z.string().meta({ description: 'The customer found to be this one.' }),
          mergedBy: ChannelOrder.meta({ description: 'The order that carried identifiers of both.' }),
          mergedAt: z.string(),
        }),
      )
      .meta({ description: 'Customers merged into this one.' }),
    orders: z.array(
      z.object({
        orderId: z.string(),
        channelId: z.string(),
        externalId: z.string(),
        status: z.string(),
        placedAt: z.string(),
        currency: z.string(),
        total: z.int().meta({ description: 'Minor units of the currency.' }),
        linkedAt: z.string(),
      }),
    ),
    returns: z.array(
      z.object({
        returnId: z.string(),
        orderId: z.string(),
        channelId: z.string(),
        status: z.string(),
        lines: z.array(
          z.object({ lineId: z.string(), sku: z.string(), quantity: z.int(), received: z.int() }),
        ),
        authorizedAt: z.string(),
      }),
    ),
    totals: z
      .array(
        z.object({
          currency: z.string(),
          orders: z.int(),
          ordered: z.int().meta({ description: 'Totals of the orders not canceled, in minor units.' }),
          refunded: z.int().meta({ description: 'Refunds recorded, in minor units.' }),
        }),
      )
      .meta({ description: 'Per currency, never converted.' }),
    erasure: z
      .object({ erasureId: z.string(), erasedAt: z.string() })
      .optional()
      .meta({ description: 'Present once the personal data was erased.' }),
  })
  .meta({ description: 'A customer across every channel.' });

/** What an erasure records, and answers. */
export const ErasureSchema = z
  .object({
    erasureId: z.string(),
    customerId: z.string(),
    customerIds: z
      .array(z.string())
      .meta({ description: 'Every customer id the person had, merged ones included.' }),
    orderIds: z.array(z.string()),
    requestedBy: z.object({ sub: z.string(), role: z.string(), clientId: z.string().optional() }),
    erasedAt: z.string(),
    itemsScrubbed: z.int(),
    itemsDeleted: z.int(),
  })
  .meta({ description: 'A record that the personal data was erased, and who asked.' });
