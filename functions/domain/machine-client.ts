import * as z from 'zod';
import { identifier, MAX_KEY_IDENTIFIER, text } from './text.js';

/**
 * What a machine client (a WMS, a 3PL, an ERP, a channel reading availability) acts for. Its
 * scopes come from its identity provider; the locations and channels it is limited to are kept
 * here, because Cognito's client-credentials grant has no user and so no attribute to hold them.
 * The pre-token-generation trigger writes them into the client's access tokens as the
 * `locations` / `channels` claims the handlers read (functions/domain/access.ts).
 */
export const MAX_GRANTED_IDS = 200;

const ids = z.array(identifier(MAX_KEY_IDENTIFIER)).max(MAX_GRANTED_IDS);

export const MachineClientGrantInput = z
  .strictObject({
    description: text(500).optional(),
    /** Absent: every location. Empty: none. */
    locationIds: ids.optional(),
    /** Absent: every channel. Empty: none. */
    channelIds: ids.optional(),
  })
  .meta({
    description:
      'The locations and channels a machine client acts for; its scopes stay with the identity provider.',
  });
export type MachineClientGrantInput = z.output<typeof MachineClientGrantInput>;

export const MachineClientGrant = MachineClientGrantInput.extend({
  clientId: identifier(MAX_KEY_IDENTIFIER),
  updatedAt: z.string(),
  updatedBy: z.strictObject({ sub: z.string(), role: z.string(), clientId: z.string().optional() }),
}).meta({ description: 'A machine client grant, with who stored it and when.' });
export type MachineClientGrant = z.output<typeof MachineClientGrant>;

/** The claims a grant adds to an access token, in the comma form the handlers read. */
export function grantClaims(grant: MachineClientGrant | undefined): Record<string, string> {
  if (!grant) return {};
  return {
    ...(grant.locationIds && { locations: grant.locationIds.join(',') }),
    ...(grant.channelIds && { channels: grant.channelIds.join(',') }),
  };
}
