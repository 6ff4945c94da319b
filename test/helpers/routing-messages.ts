import type { SQSEvent, SQSRecord } from 'aws-lambda';

/** An SQS record carrying an EventBridge event, as the bus rule puts it on the routing queue. */
export function aRoutingMessage(
  detailType: 'OrderReceived' | 'BackorderRetry' | 'FulfillmentOrderRejected' | (string & {}),
  detail: unknown,
  messageId = `msg-${detailType}`,
): SQSRecord {
  return {
    messageId,
    receiptHandle: `receipt-${messageId}`,
    body: JSON.stringify({
      version: '0',
      id: `event-${messageId}`,
      'detail-type': detailType,
      source: 'oms',
      account: '000000000000',
      time: '2026-11-22T10:00:06Z',
      region: 'us-east-1',
      resources: [],
      detail,
    }),
    attributes: {
      ApproximateReceiveCount: '1',
      SentTimestamp: '1795000000000',
      SenderId: 'events',
      ApproximateFirstReceiveTimestamp: '1795000000000',
    },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:RoutingQueue',
    awsRegion: 'us-east-1',
  };
}

export const anSqsEvent = (...records: SQSRecord[]): SQSEvent => ({ Records: records });
