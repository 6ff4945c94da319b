import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import type { PreTokenGenerationV2TriggerEvent, PreTokenGenerationV3TriggerEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { addAccessClaims } from '../../../functions/auth/pre-token-generation.js';
import { principalFromClaims } from '../../../functions/domain/access.js';

const dynamo = mockClient(DynamoDBDocumentClient);
const CONFIG_TABLE = 'config-unit';

beforeEach(() => {
  dynamo.reset();
  process.env.CONFIG_TABLE = CONFIG_TABLE;
});
afterAll(() => {
  dynamo.restore();
});

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

function aClientCredentialsEvent(clientId: string): PreTokenGenerationV3TriggerEvent {
  return {
    version: '3',
    triggerSource: 'TokenGeneration_ClientCredentials',
    region: 'eu-west-1',
    userPoolId: 'eu-west-1_pool',
    userName: clientId,
    callerContext: { awsSdkVersion: '3', clientId },
    request: { userAttributes: {}, groupConfiguration: {}, scopes: ['oms/inventory.write'] },
    response: { claimsAndScopeOverrideDetails: {} },
  };
}

const aGrant = (grant: Record<string, unknown>) => ({
  pk: 'MACHINE_CLIENT',
  sk: 'wms-lisbon',
  entityType: 'MachineClientGrant',
  clientId: 'wms-lisbon',
  updatedAt: '2026-12-01T10:00:00.000Z',
  updatedBy: { sub: 'ana', role: 'admin' },
  ...grant,
});

describe('the pre-token-generation trigger for machine clients', () => {
  it("puts the client's granted locations and channels into its access token", async () => {
    dynamo
      .on(GetCommand, { TableName: CONFIG_TABLE, Key: { pk: 'MACHINE_CLIENT', sk: 'wms-lisbon' } })
      .resolves({ Item: aGrant({ locationIds: ['WH-LIS', 'STORE-LIS-CHIADO'], channelIds: ['web'] }) });

    const event = await addAccessClaims(aClientCredentialsEvent('wms-lisbon'));

    const added = event.response.claimsAndScopeOverrideDetails.accessTokenGeneration?.claimsToAddOrOverride;
    expect(added).toEqual({ locations: 'WH-LIS,STORE-LIS-CHIADO', channels: 'web' });
    const principal = principalFromClaims({ sub: 'wms-lisbon', client_id: 'wms-lisbon', ...added }, [
      'oms/inventory.write',
    ]);
    expect(principal).toMatchObject({
      role: 'integration',
      locationIds: ['WH-LIS', 'STORE-LIS-CHIADO'],
      channelIds: ['web'],
    });
  });

  it('limits a client granted no location to none, not to all', async () => {
    dynamo.on(GetCommand).resolves({ Item: aGrant({ locationIds: [] }) });

    const event = await addAccessClaims(aClientCredentialsEvent('wms-lisbon'));

    const added = event.response.claimsAndScopeOverrideDetails.accessTokenGeneration?.claimsToAddOrOverride;
    expect(added).toEqual({ locations: '' });
    expect(principalFromClaims({ sub: 'wms-lisbon', ...added }).locationIds).toEqual([]);
  });

  it('leaves a client without a grant limited by its scopes alone', async () => {
    dynamo.on(GetCommand).resolves({});

    const event = await addAccessClaims(aClientCredentialsEvent('erp'));

    expect(event.response.claimsAndScopeOverrideDetails).toEqual({});
  });

  it('fails the token request when the grant can not be read, rather than drop its limits', async () => {
    dynamo.on(GetCommand).rejects(new Error('ProvisionedThroughputExceededException'));

    await expect(addAccessClaims(aClientCredentialsEvent('wms-lisbon'))).rejects.toThrow(
      'ProvisionedThroughputExceededException',
    );
  });

  it("never reads grants for a person's sign-in", async () => {
    await addAccessClaims(aTriggerEvent({ sub: 'maria', 'custom:locations': 'STORE-A' }));

    expect(dynamo.commandCalls(GetCommand)).toHaveLength(0);
  });
});
