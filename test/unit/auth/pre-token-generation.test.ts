import type { PreTokenGenerationV2TriggerEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { addAccessClaims } from '../../../functions/auth/pre-token-generation.js';
import { principalFromClaims } from '../../../functions/domain/access.js';

function aTriggerEvent(userAttributes: Record<string, string>): PreTokenGenerationV2TriggerEvent {
  return {
    version: '2',
    triggerSource: 'TokenGeneration_HostedAuth',
    region: 'eu-west-1',
    userPoolId: 'eu-west-1_pool',
    userName: 'maria',
    callerContext: { awsSdkVersion: '3', clientId: 'console' },
    request: { userAttributes, groupConfiguration: { groupsToOverride: ['store'] } },
    response: { claimsAndScopeOverrideDetails: {} },
  } as PreTokenGenerationV2TriggerEvent;
}

describe('the pre-token-generation trigger', () => {
  it("puts a store user's locations into the access token, where the handlers read them", async () => {
    const event = await addAccessClaims(
      aTriggerEvent({ sub: 'maria', 'custom:locations': 'STORE-A,STORE-B' }),
    );

    const added = event.response.claimsAndScopeOverrideDetails.accessTokenGeneration?.claimsToAddOrOverride;
    expect(added).toEqual({ locations: 'STORE-A,STORE-B' });
    expect(principalFromClaims({ sub: 'maria', 'cognito:groups': '[store]', ...added }).locationIds).toEqual([
      'STORE-A',
      'STORE-B',
    ]);
  });

  it('leaves the tokens of a user without locations as Cognito made them', async () => {
    const event = await addAccessClaims(aTriggerEvent({ sub: 'oscar' }));

    expect(event.response.claimsAndScopeOverrideDetails).toEqual({});
  });
});
