import { TransactionCanceledException, type CancellationReason } from '@aws-sdk/client-dynamodb';

/**
 * What DynamoDB throws when it cancels a transaction: one reason per item, in the order the items
 * were sent (`'None'` for an item that would have succeeded).
 */
export function aCanceledTransaction(
  ...codes: NonNullable<CancellationReason['Code']>[]
): TransactionCanceledException {
  return new TransactionCanceledException({
    message: `Transaction cancelled, please refer cancellation reasons for specific reasons [${codes.join(', ')}]`,
    $metadata: {},
    CancellationReasons: codes.map((Code) => ({ Code })),
  });
}
