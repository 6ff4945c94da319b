import { resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { MessagePort } from 'node:worker_threads';
import type { ToWorker, WorkerData } from './function-threads.js';
import { watchInvocation, type WatchedInvocation } from './invocation-watch.js';
import { lambdaContext, type LambdaHandler } from './lambda.js';
import { reportingCalls } from './sdk-calls.js';

/**
 * One function's sandbox (see lib/local/function-threads.ts; function-worker-boot.mjs calls this
 * in the worker with its parent port): imports the handler once, runs the invocations it is
 * sent, and answers each with its result or its error. Requests of an invocation are watched
 * (lib/local/invocation-watch.ts): one the main thread has given up on (timed out) or one that a
 * fault kills sends nothing more.
 */
const REPOSITORY_ROOT = fileURLToPath(new URL('../../', import.meta.url));

export async function serveFunction(port: MessagePort, { spec, crashSignal, reportCalls }: WorkerData) {
  const signal = new Int32Array(crashSignal);
  const running = new Map<number, WatchedInvocation>();
  const module = (await import(pathToFileURL(resolve(REPOSITORY_ROOT, spec.entry)).href)) as {
    handler?: unknown;
  };
  if (typeof module.handler !== 'function')
    throw new Error(`${spec.entry} does not export a handler function`);
  const handler = module.handler as LambdaHandler;

  /**
   * The fault rules live in the main thread; a request must be stopped before it leaves, so the
   * worker waits for the main thread's answer (1 lives, 2 dies). Asked only once a crash rule for
   * this function can fire, so an invocation without faults never waits.
   */
  const askCrash = (id: number, writes: number): boolean => {
    Atomics.store(signal, 0, 0);
    port.postMessage({ kind: 'crash?', id, writes });
    Atomics.wait(signal, 0, 0, 10_000);
    return Atomics.load(signal, 0) === 2;
  };

  const invoke = async (message: Extract<ToWorker, { kind: 'invoke' }>): Promise<void> => {
    const { id, event, deadline, crashThreshold } = message;
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
  };

  port.on('message', (message: ToWorker) => {
    if (message.kind === 'invoke') return void invoke(message);
    const invocation = running.get(message.id);
    if (invocation) invocation.crashed = true;
  });
  port.postMessage({ kind: 'ready' });
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
