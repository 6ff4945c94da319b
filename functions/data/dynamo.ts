import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { traced } from '../shared/tracing.js';

/**
 * One document client per Lambda container, created on first use so that tests and the local
 * runtime can point AWS_ENDPOINT_URL_DYNAMODB at DynamoDB Local before anything connects.
 */
let documentClient: DynamoDBDocumentClient | undefined;

export function dynamo(): DynamoDBDocumentClient {
  documentClient ??= DynamoDBDocumentClient.from(traced(new DynamoDBClient({})), {
    marshallOptions: { removeUndefinedValues: true },
  });
  return documentClient;
}

export function tableName(envVar: string): string {
  const name = process.env[envVar];
  if (!name) throw new Error(`Environment variable ${envVar} is not set.`);
  return name;
}
