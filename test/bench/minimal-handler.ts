import { DynamoDBClient } from '@aws-sdk/client-dynamodb';

/**
 * The yardstick of `npm run bundle-size`: a handler that imports only the DynamoDB client, the
 * least any of our functions could load. Bundled like the functions and never deployed.
 */
const client = new DynamoDBClient({});

export const handler = async () => client.config.region();
