import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { apiOf } from '../../../bin/cli/api.js';
import { inventoryTableOf } from '../../../bin/cli/inventory.js';
import { stackOutputs } from '../../../bin/cli/target.js';

/** The CLI against a deployed stage: everything it needs comes from the outputs of Oms-<stage>. */
const cloudFormation = mockClient(CloudFormationClient);
const outputsOf = (stage: string) => ({
  Stacks: [
    {
      StackName: `Oms-${stage}`,
      CreationTime: new Date(),
      StackStatus: 'UPDATE_COMPLETE' as const,
      Outputs: [
        { OutputKey: 'ApiUrl', OutputValue: `https://api-${stage}.example.com/` },
        { OutputKey: 'TokenUrl', OutputValue: `https://auth-${stage}.example.com/oauth2/token` },
        { OutputKey: 'InventoryTableName', OutputValue: `Oms-${stage}-Inventory` },
      ],
    },
  ],
});

beforeEach(() => {
  cloudFormation.reset();
  for (const stage of ['prod', 'staging', 'creds', 'nocreds']) {
    cloudFormation.on(DescribeStacksCommand, { StackName: `Oms-${stage}` }).resolves(outputsOf(stage));
  }
  vi.stubEnv('OMS_TOKEN', '');
  vi.stubEnv('OMS_API_URL', '');
  vi.stubEnv('OMS_CLIENT_ID', '');
  vi.stubEnv('OMS_CLIENT_SECRET', '');
  vi.stubEnv('OMS_TOKEN_URL', '');
});
afterEach(() => {
  vi.unstubAllEnvs();
  vi.unstubAllGlobals();
});

describe('the stack of a stage', () => {
  it('is read once per process, from the outputs of Oms-<stage>', async () => {
    const first = await stackOutputs('prod');
    const again = await stackOutputs('prod');

    expect(first).toMatchObject({
      ApiUrl: 'https://api-prod.example.com/',
      InventoryTableName: 'Oms-prod-Inventory',
    });
    expect(again).toBe(first);
    expect(cloudFormation.commandCalls(DescribeStacksCommand)).toHaveLength(1);
  });

  it('names the stack when it does not exist, and asks again next time', async () => {
    cloudFormation
      .on(DescribeStacksCommand, { StackName: 'Oms-missing' })
      .rejects(new Error('Stack with id Oms-missing does not exist'));

    await expect(stackOutputs('missing')).rejects.toThrow('Oms-missing does not exist');
    await expect(stackOutputs('missing')).rejects.toThrow();
    expect(cloudFormation.commandCalls(DescribeStacksCommand, { StackName: 'Oms-missing' })).toHaveLength(2);
  });
});

describe('the API of a stage', () => {
  it("is the stack's ApiUrl, with the token of OMS_TOKEN", async () => {
    vi.stubEnv('OMS_TOKEN', 'a-person-token');

    expect(await apiOf({ aws: true, stage: 'staging' })).toEqual({
      url: 'https://api-staging.example.com',
      token: 'a-person-token',
    });
  });

  it("gets a machine client's token with client credentials at the stack's TokenUrl", async () => {
    vi.stubEnv('OMS_CLIENT_ID', 'ops-robot');
    vi.stubEnv('OMS_CLIENT_SECRET', 's3cret');
    const fetched = vi.fn(async (_url: string, _init: RequestInit) =>
      Response.json({ access_token: 'machine-token', expires_in: 3600 }),
    );
    vi.stubGlobal('fetch', fetched);

    const api = await apiOf({ aws: true, stage: 'creds' });

    expect(api.token).toBe('machine-token');
    const [url, init] = fetched.mock.calls[0]!;
    expect(url).toBe('https://auth-creds.example.com/oauth2/token');
    expect(String(init.body)).toBe('grant_type=client_credentials');
    expect((init.headers as Record<string, string>).authorization).toBe(
      `Basic ${Buffer.from('ops-robot:s3cret').toString('base64')}`,
    );
  });

  it('says what to give when there is neither a token nor a machine client', async () => {
    await expect(apiOf({ aws: true, stage: 'nocreds' })).rejects.toThrow(/OMS_TOKEN.*OMS_CLIENT_ID/);
  });

  it('takes --api and --token over the stack', async () => {
    expect(await apiOf({ aws: true, stage: 'prod', api: 'https://other.example.com//', token: 't' })).toEqual(
      {
        url: 'https://other.example.com',
        token: 't',
      },
    );
  });
});

describe('the inventory check of a stage', () => {
  it("scans the stack's InventoryTableName, or the table named", async () => {
    expect(await inventoryTableOf({ aws: true, stage: 'prod' })).toEqual({ tableName: 'Oms-prod-Inventory' });
    expect(
      await inventoryTableOf({ aws: true, stage: 'prod', table: 'Other', endpoint: 'http://127.0.0.1:8000' }),
    ).toEqual({
      tableName: 'Other',
      endpoint: 'http://127.0.0.1:8000',
    });
  });
});
