import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';

/**
 * Stream images as plain items, for the Orders stream's readers (the outbox and the reports),
 * apart from either so that neither loads the other's clients.
 */
export function image(attributes: NonNullable<DynamoDBRecord['dynamodb']>['NewImage']) {
  if (!attributes) return undefined;
  const repaired = Object.fromEntries(
    Object.entries(attributes).map(([name, value]) => [name, withEmptyMaps(value as AttributeValue)]),
  );
  return unmarshall(repaired);
}

/**
 * DynamoDB Local's stream hands an empty map over as a bare `{}` instead of `{ "M": {} }`, and
 * `unmarshall` throws on it: read it as the empty map it was, so that one order holding an
 * empty object can not stall the outbox (and leave itself RECEIVED for ever).
 */
function withEmptyMaps(value: AttributeValue): AttributeValue {
  if (Object.keys(value).length === 0) return { M: {} };
  if (value.M) {
    return {
      M: Object.fromEntries(Object.entries(value.M).map(([name, entry]) => [name, withEmptyMaps(entry)])),
    };
  }
  if (value.L) return { L: value.L.map(withEmptyMaps) };
  return value;
}
