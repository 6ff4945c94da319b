import type { PreTokenGenerationV2TriggerEvent } from 'aws-lambda';
import { withObservability } from '../shared/middleware.js';

/**
 * Cognito pre-token-generation trigger (V2): Cognito writes custom attributes into ID tokens
 * only, so a store user's `custom:locations` is copied into the access token as `locations`,
 * the claim the handlers read (functions/domain/access.ts). Groups are in access tokens already.
 */
export async function addAccessClaims(
  event: PreTokenGenerationV2TriggerEvent,
): Promise<PreTokenGenerationV2TriggerEvent> {
  const locations = event.request.userAttributes['custom:locations'];
  if (locations) {
    event.response.claimsAndScopeOverrideDetails = {
      ...event.response.claimsAndScopeOverrideDetails,
      accessTokenGeneration: { claimsToAddOrOverride: { locations } },
    };
  }
  return event;
}

export const handler = withObservability(addAccessClaims);
