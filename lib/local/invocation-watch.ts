import { AsyncLocalStorage } from 'node:async_hooks';
import { Agent, type ClientRequest } from 'node:http';

/**
 * Watches the requests of one function invocation, wherever the function runs: in this thread
 * (lib/local/faults.ts) or in its own worker (lib/local/function-worker.ts). It counts the writes
 * an invocation sends and cuts off every request of one that is dead, as Lambda ends a crashed or
 * timed-out function; whether a crash fires is decided by the rules of lib/local/faults.ts.
 */
export interface WatchedInvocation {
  writes: number;
  crashed: boolean;
  /** Asked before each request and at the return: does the invocation die now? */
  crashes(): boolean;
}

/** The requests of a function that count as its writes (what a crash after a write follows). */
const WRITE_TARGETS = new Set([
  'DynamoDB_20120810.PutItem',
  'DynamoDB_20120810.UpdateItem',
  'DynamoDB_20120810.DeleteItem',
  'DynamoDB_20120810.BatchWriteItem',
  'DynamoDB_20120810.TransactWriteItems',
  'AWSEvents.PutEvents',
]);

const invocations = new AsyncLocalStorage<WatchedInvocation>();

/**
 * Every node:http request the SDK clients send passes through their agent's addRequest, called
 * synchronously in the caller's async context while the request is being built, before any byte
 * of it is written: the invocation that sends it is known, and a dead one's request never leaves.
 * (diagnostics_channel's http.client.request.start comes only once the body is handed over.)
 */
type AddRequest = (this: Agent, request: ClientRequest, options: unknown) => void;
const agentPrototype = Agent.prototype as unknown as { addRequest: AddRequest };
const addRequest = agentPrototype.addRequest;
agentPrototype.addRequest = function watchedAddRequest(request, options) {
  addRequest.call(this, request, options);
  const invocation = invocations.getStore();
  if (!invocation) return;
  if (invocation.crashes()) return void request.destroy(new Error('The invocation is dead.'));
  if (WRITE_TARGETS.has(String(request.getHeader('x-amz-target')))) invocation.writes += 1;
};

/** Runs `run` with every request it sends watched as `invocation`'s. */
export function watchInvocation<Result>(invocation: WatchedInvocation, run: () => Promise<Result>) {
  return invocations.run(invocation, run);
}
