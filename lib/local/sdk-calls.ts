import { AsyncLocalStorage } from 'node:async_hooks';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';

/**
 * The AWS SDK calls a function sends, for the runtime observer's onFunctionCall (the pipeline
 * bench counts them per order): wherever the function runs, every SDK client's send() within
 * one of its invocations is reported with the command's name and the items it carries.
 */
export interface FunctionCall {
  functionId: string;
  /** The command without its `Command` suffix, e.g. `TransactWriteItems`. */
  command: string;
  items: number;
}

type Report = (command: string, items: number) => void;

interface SendingClient {
  send: (
    command: { constructor: { name: string }; input: Record<string, unknown> },
    ...rest: unknown[]
  ) => unknown;
}

const reports = new AsyncLocalStorage<Report>();
let watching = false;

/** Every SDK client shares the Smithy Client's send(), so one wrapper sees all of them. */
function watchSends(): void {
  if (watching) return;
  watching = true;
  const clientPrototype = Object.getPrototypeOf(DynamoDBClient.prototype) as SendingClient;
  const send = clientPrototype.send;
  clientPrototype.send = function reportedSend(this: unknown, command, ...rest) {
    reports.getStore()?.(command.constructor.name.replace(/Command$/, ''), itemsOf(command.input));
    return send.call(this, command, ...rest);
  };
}

/** Runs `run` with the SDK calls it sends reported to `report`. */
export function reportingCalls<Result>(report: Report, run: () => Promise<Result>): Promise<Result> {
  watchSends();
  return reports.run(report, run);
}

/** Items a request reads or writes: transaction and batch members, PutEvents entries, else one. */
export function itemsOf(input: Record<string, unknown>): number {
  if (Array.isArray(input.TransactItems)) return input.TransactItems.length;
  if (Array.isArray(input.Entries)) return input.Entries.length;
  const batch = (input.RequestItems ?? {}) as Record<string, unknown[] | { Keys: unknown[] }>;
  const batched = Object.values(batch).reduce<number>(
    (sum, requests) => sum + (Array.isArray(requests) ? requests.length : requests.Keys.length),
    0,
  );
  return batched || 1;
}
