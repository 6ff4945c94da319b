import type { PreTokenGenerationV2TriggerEvent, PreTokenGenerationV3TriggerEvent } from 'aws-lambda';
import { grantClaims } from '../domain/machine-client.js';
import { getMachineClientGrant } from '../data/machine-clients-repository.js';
import { withObservability } from '../shared/middleware.js';

/** Version 3 of the trigger: user sign-ins arrive as in version 2, plus client-credentials grants. */
export type TokenTriggerEvent = PreTokenGenerationV2TriggerEvent | PreTokenGenerationV3TriggerEvent;

/**
 * Cognito pre-token-generation trigger (V3): puts into the access token the `locations` and
 * `channels` claims the handlers read (functions/domain/access.ts).
 * - A person: Cognito writes custom attributes into ID tokens only, so a store user's
 *   `custom:locations` is copied. Groups are in access tokens already.
 * - A machine client (client credentials): it has no user and no attributes, so its grant is
 *   read from the Config table (PUT /v1/machine-clients/{clientId}). A client with no grant is
 *   limited by its scopes alone. A failed read fails the token request rather than issue a token
 *   without its limits.
 */
export async function addAccessClaims<Event extends TokenTriggerEvent>(event: Event): Promise<Event> {
  const claims =
    event.triggerSource === 'TokenGeneration_ClientCredentials'
      ? grantClaims(await getMachineClientGrant(event.callerContext.clientId))
      : userClaims(event.request.userAttributes);
  if (Object.keys(claims).length > 0) {
    event.response.claimsAndScopeOverrideDetails = {
      ...event.response.claimsAndScopeOverrideDetails,
      accessTokenGeneration: { claimsToAddOrOverride: claims },
    };
  }
  return event;
}

function userClaims(attributes: Record<string, string>): Record<string, string> {
  const locations = attributes['custom:locations'];
  return locations ? { locations } : {};
}

export const handler = withObservability((event: TokenTriggerEvent) => addAccessClaims(event));
