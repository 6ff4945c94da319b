import type { IncomingMessage, ServerResponse } from 'node:http';
import { LoopbackServer } from './loopback-server.js';
import { ANALYTICS_TABLES, deliveryStreamName } from '../../functions/analytics/schema.js';
import type { ParquetFiles } from './parquet.js';

/**
 * A local Kinesis Data Firehose: it answers PutRecordBatch on a loopback endpoint in the
 * service's JSON 1.1 protocol, so the unmodified SDK client of the reports function reaches it
 * through AWS_ENDPOINT_URL_FIREHOSE, and it does what the delivery streams of lib/analytics.ts do
 * with the records: converts them to Parquet in their table's `dt` partition. It delivers at
 * once rather than buffering, so a test sees a record as soon as it was put.
 */
export const LOCAL_ANALYTICS_STREAM_PREFIX = 'oms-local-';

const MAX_RECORDS = 500;

export class LocalFirehose {
  private readonly endpoint = new LoopbackServer((request, response) => this.serve(request, response));
  readonly streams = new Map(
    ANALYTICS_TABLES.map((table) => [deliveryStreamName(LOCAL_ANALYTICS_STREAM_PREFIX, table.name), table]),
  );

  constructor(private readonly files: ParquetFiles) {}

  async putRecordBatch(streamName: string, records: readonly { Data?: string }[]) {
    const table = this.streams.get(streamName);
    if (!table)
      throw new LocalFirehoseError('ResourceNotFoundException', `Delivery stream ${streamName} not found.`);
    if (records.length === 0 || records.length > MAX_RECORDS)
      throw new LocalFirehoseError(
        'ValidationException',
        `PutRecordBatch takes 1 to ${MAX_RECORDS} records.`,
      );
    const rows = records.map(
      (record) =>
        JSON.parse(Buffer.from(record.Data ?? '', 'base64').toString('utf8')) as Record<string, unknown>,
    );
    await this.files.write(table, rows);
    return {
      FailedPutCount: 0,
      Encrypted: false,
      RequestResponses: records.map((_, index) => ({ RecordId: `${Date.now()}-${index}` })),
    };
  }

  listen(port = 0): Promise<string> {
    return this.endpoint.listen(port);
  }

  async close(): Promise<void> {
    await this.endpoint.close();
    this.files.close();
  }

  private async serve(request: IncomingMessage, response: ServerResponse): Promise<void> {
    try {
      if (request.method !== 'POST' || request.headers['x-amz-target'] !== 'Firehose_20150804.PutRecordBatch')
        throw new LocalFirehoseError('UnknownOperationException', 'Only PutRecordBatch is served locally.');
      const chunks: Buffer[] = [];
      for await (const chunk of request as AsyncIterable<Buffer>) chunks.push(chunk);
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
        DeliveryStreamName?: string;
        Records?: { Data?: string }[];
      };
      reply(response, 200, await this.putRecordBatch(body.DeliveryStreamName ?? '', body.Records ?? []));
    } catch (error) {
      // A file that could not be written is the service's fault, which the SDK retries.
      if (error instanceof LocalFirehoseError)
        reply(response, 400, { __type: error.type, message: error.message });
      else reply(response, 500, { __type: 'ServiceUnavailableException', message: (error as Error).message });
    }
  }
}

class LocalFirehoseError extends Error {
  constructor(
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}

function reply(response: ServerResponse, statusCode: number, body: unknown): void {
  response.writeHead(statusCode, { 'content-type': 'application/x-amz-json-1.1' }).end(JSON.stringify(body));
}
