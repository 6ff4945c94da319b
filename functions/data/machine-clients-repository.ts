import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { MachineClientGrant } from '../domain/machine-client.js';
import { CONFIG_TABLE } from '../../lib/tables.js';
import { dynamo, tableName } from './dynamo.js';
import { queryAll } from './paging.js';

/** Config table: MACHINE_CLIENT / <clientId>, beside the other kinds of configuration. */
const grantKey = (clientId: string) => ({ pk: 'MACHINE_CLIENT', sk: clientId });

export async function getMachineClientGrant(clientId: string): Promise<MachineClientGrant | undefined> {
  const { Item } = await dynamo().send(
    new GetCommand({ TableName: tableName(CONFIG_TABLE.envVar), Key: grantKey(clientId) }),
  );
  return Item ? MachineClientGrant.parse(withoutKeys(Item)) : undefined;
}

/** Creates or replaces the grant; answers whether it existed before. */
export async function putMachineClientGrant(grant: MachineClientGrant): Promise<{ created: boolean }> {
  const { Attributes } = await dynamo().send(
    new PutCommand({
      TableName: tableName(CONFIG_TABLE.envVar),
      Item: { ...grantKey(grant.clientId), entityType: 'MachineClientGrant', ...grant },
      ReturnValues: 'ALL_OLD',
    }),
  );
  return { created: Attributes === undefined };
}

/** Every grant; there are as many as the retailer has integrations, a few dozen at most. */
export async function listMachineClientGrants(): Promise<MachineClientGrant[]> {
  const items = await queryAll({
    TableName: tableName(CONFIG_TABLE.envVar),
    KeyConditionExpression: 'pk = :kind',
    ExpressionAttributeValues: { ':kind': grantKey('').pk },
  });
  return items.map((item) => MachineClientGrant.parse(withoutKeys(item)));
}

function withoutKeys(item: Record<string, unknown>): Record<string, unknown> {
  const { pk: _pk, sk: _sk, entityType: _entityType, ...grant } = item;
  return grant;
}
