import { inject } from 'vitest';
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { createTables, localClient } from '../../lib/local/dynamodb-local.js';
import { TABLES } from '../../lib/tables.js';

/**
 * Gives a test file its own set of tables in the shared DynamoDB Local and points the functions'
 * environment at them. Call it in beforeAll, before any function module talks to DynamoDB.
 */
export async function useLocalTables(): Promise<{
  names: Record<string, string>;
  itemCount(envVar: string): Promise<number>;
}> {
  const endpoint = inject('dynamodbEndpoint');
  process.env.AWS_ENDPOINT_URL_DYNAMODB = endpoint;
  const client = localClient(endpoint);
  const prefix = `t${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}-`;
  const names = await createTables(client, TABLES, prefix);
  Object.assign(process.env, names);
  return {
    names,
    async itemCount(envVar: string) {
      const { Count } = await client.send(new ScanCommand({ TableName: names[envVar], Select: 'COUNT' }));
      return Count ?? 0;
    },
  };
}
