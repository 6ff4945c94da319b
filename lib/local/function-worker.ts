import { resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parentPort, workerData } from 'node:worker_threads';
import type { FunctionSpec } from '../topology.js';
import { watchInvocation, type WatchedInvocation } from './invocation-watch.js';
import { lambdaContext, type LambdaHandler } from './lambda.js';
import type { ToWorker, WorkerData } from './function-threads.js';
import { reportingCalls } from './sdk-calls.js';

/**
 * One function's sandbox (see lib/local/function-threads.ts): imports the handler once, runs
 * the invocations it is sent, and answers each with its result or its error. Requests of an
 * invocation are watched (lib/local/invocation-watch.ts): one the main thread has given up on
 * (timed out) or one that a fault kills sends nothing more.
 */
const REPOSITORY_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const { spec, crashSignal, reportCalls } = workerData as WorkerData;
const port = parentPort!;
const signal = new Int32Array(crashSignal);
const running = new Map<number, WatchedInvocation>();

const module = (await import(pathToFileURL(resolve(REPOSITORY_ROOT, spec.entry)).href)) as {
  handler?: unknown;
};
if (typeof module.handler !== 'function') throw new Error(`${spec.entry} does not export a handler function`);
const handler = module.handler as LambdaHandler;

port.on('message', (message: ToWorker) => {
  if (message.kind === 'kill') {
    const invocation = running.get(message.id);
    if (invocation) invocation.crashed = true;
    return;
  }
  void invoke(spec, message.id, message.event, message.deadline, message.crashThreshold);
});
port.postMessage({ kind: 'ready' });

async function invoke(
  spec: FunctionSpec,
  id: number,
  event: unknown,
  deadline: number,
  crashThreshold: number | undefined,
): Promise<void> {
  let answered = false;
  const answer = (outcome: { ok: true; value: unknown } | { ok: false; error: unknown }) => {
    if (answered) return;
    answered = true;
    running.delete(id);
    const failed = (error: unknown) => ({ kind: 'done', id, ok: false, error: serialized(error) });
    try {
      port.postMessage(
        outcome.ok ? { kind: 'done', id, ok: true, value: outcome.value } : failed(outcome.error),
      );
    } catch (error) {
      // A result that can not be copied to the main thread (a function in it, say) fails the
      // invocation, as a result Lambda can not serialize does.
      port.postMessage(failed(error));
    }
  };
  const invocation: WatchedInvocation = {
    writes: 0,
    crashed: false,
    crashes: () => {
      if (invocation.crashed) return true;
      if (crashThreshold === undefined || invocation.writes < crashThreshold) return false;
      if (!askCrash(id, invocation.writes)) return false;
      invocation.crashed = true;
      answer({ ok: false, error: crash(`${spec.id} crashed after its write`) });
      return true;
    },
  };
  running.set(id, invocation);
  try {
    const run = () => handler(event, lambdaContext(spec, deadline));
    const reported = reportCalls
      ? () => reportingCalls((command, items) => port.postMessage({ kind: 'call', command, items }), run)
      : run;
    const value = await watchInvocation(invocation, reported);
    if (!invocation.crashes()) answer({ ok: true, value });
  } catch (error) {
    answer({ ok: false, error });
  } finally {
    running.delete(id);
  }
}

/**
 * The fault rules live in the main thread; a request must be stopped before it leaves, so the
 * worker waits for the main thread's answer (1 lives, 2 dies). Asked only once a crash rule for
 * this function can fire, so an invocation without faults never waits.
 */
function askCrash(id: number, writes: number): boolean {
  Atomics.store(signal, 0, 0);
  port.postMessage({ kind: 'crash?', id, writes });
  Atomics.wait(signal, 0, 0, 10_000);
  return Atomics.load(signal, 0) === 2;
}

function crash(message: string): Error {
  const error = new Error(message);
  error.name = 'InjectedCrash';
  return error;
}

function serialized(error: unknown) {
  if (!(error instanceof Error)) return { name: 'Error', message: String(error) };
  return { name: error.name, message: error.message, stack: error.stack };
}
