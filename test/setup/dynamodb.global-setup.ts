import type {} from 'vitest';
import type { TestProject } from 'vitest/node';
import { startDynamoDbLocal } from '../../lib/local/dynamodb-local.js';

/**
 * One DynamoDB Local for the whole run, on a free loopback port. Test files create their own
 * tables with a unique prefix (test/helpers/tables.ts), so they never see each other's data.
 */
export default async function setup(project: TestProject) {
  const dynamodb = await startDynamoDbLocal({ timeoutMs: 60_000 });
  project.provide('dynamodbEndpoint', dynamodb.endpoint);
  return async () => {
    await dynamodb.stop();
  };
}

declare module 'vitest' {
  export interface ProvidedContext {
    dynamodbEndpoint: string;
  }
}
