import type {} from 'vitest';
import type { TestProject } from 'vitest/node';
import { startDynamoDbLocal } from '../../lib/local/dynamodb-local.js';

type DynamoDbLocal = Awaited<ReturnType<typeof startDynamoDbLocal>>;

/**
 * One DynamoDB Local for the whole run, on a free loopback port. Test files create their own
 * tables with a unique prefix (test/helpers/tables.ts), so they never see each other's data.
 * The integration and e2e projects both name this setup; they share one Java process (kept on
 * globalThis, as each project may load this module afresh), stopped when the last one is done.
 */
const shared = globalThis as typeof globalThis & {
  omsDynamoDbLocal?: { started: Promise<DynamoDbLocal>; users: number };
};

export default async function setup(project: TestProject) {
  shared.omsDynamoDbLocal ??= { started: startDynamoDbLocal({ timeoutMs: 60_000 }), users: 0 };
  const local = shared.omsDynamoDbLocal;
  local.users += 1;
  const dynamodb = await local.started;
  project.provide('dynamodbEndpoint', dynamodb.endpoint);
  return async () => {
    local.users -= 1;
    if (local.users > 0) return;
    shared.omsDynamoDbLocal = undefined;
    await dynamodb.stop();
  };
}

declare module 'vitest' {
  export interface ProvidedContext {
    dynamodbEndpoint: string;
  }
}
