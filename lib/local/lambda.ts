import { randomBytes, randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Context } from 'aws-lambda';
import type { FunctionSpec } from '../topology.js';
import { LOCAL_REGION } from './dynamodb-local.js';
import type { LocalFaults } from './faults.js';
import { FunctionThreads } from './function-threads.js';
import { reportingCalls, type FunctionCall } from './sdk-calls.js';

/**
 * Runs the functions of the topology the way Lambda runs them: each handler module is imported
 * on its first invocation (a cold start) and kept for the next ones, and every invocation gets a
 * Context whose clock runs out at the function's timeout. Where a function runs is the
 * isolation (OMS_LOCAL_ISOLATION): `thread`, each function in a worker thread of its own
 * (lib/local/function-threads.ts), the default of the runtime; or `inline`, every function in
 * this thread, sharing its module state and event loop, which the end-to-end tests use so that
 * their coverage counts the handlers and the caches they clear are the handlers' own.
 */
export type LambdaHandler = (event: unknown, context: Context) => Promise<unknown>;

export const LOCAL_ACCOUNT = '000000000000';

const REPOSITORY_ROOT = fileURLToPath(new URL('../../', import.meta.url));

export class LambdaTimeoutError extends Error {
  constructor(functionId: string, timeoutMs: number) {
    super(`Task timed out after ${(timeoutMs / 1000).toFixed(2)} seconds (${functionId})`);
    this.name = 'LambdaTimeoutError';
  }
}

export type Isolation = 'thread' | 'inline';

export const ISOLATION_ENV = 'OMS_LOCAL_ISOLATION';

export function isolationFromEnvironment(env: NodeJS.ProcessEnv = process.env): Isolation | undefined {
  const text = env[ISOLATION_ENV];
  if (!text) return undefined;
  if (text !== 'thread' && text !== 'inline') {
    throw new Error(`${ISOLATION_ENV} must be thread or inline, got ${text}.`);
  }
  return text;
}

export class LocalFunctions {
  private readonly handlers = new Map<string, Promise<LambdaHandler>>();
  private readonly threads: FunctionThreads | undefined;

  /** With `onCall`, the SDK calls of every invocation are reported (lib/local/sdk-calls.ts). */
  constructor(
    private readonly faults?: Pick<LocalFaults, 'invoke' | 'crashThreshold' | 'crashFires'>,
    isolation: Isolation = 'inline',
    private readonly onCall?: (call: FunctionCall) => void,
  ) {
    if (isolation === 'thread') this.threads = new FunctionThreads({ crashRules: faults, onCall });
  }

  /**
   * Invokes the function of `spec` with `event`; rejects when it throws or runs out of time
   * (`timeoutMs`, the spec's timeout unless given). With faults, a function that runs out of
   * time is also cut off from every service, as Lambda ends it.
   */
  async invoke(spec: FunctionSpec, event: unknown, timeoutMs = spec.timeoutSeconds * 1000): Promise<unknown> {
    const error = () => new LambdaTimeoutError(spec.id, timeoutMs);
    if (this.threads) return this.threads.invoke(spec, event, timeoutMs, error);
    const handler = await this.load(spec);
    const deadline = Date.now() + timeoutMs;
    const invocation = () => handler(event, lambdaContext(spec, deadline));
    const onCall = this.onCall;
    const run = onCall
      ? () => reportingCalls((command, items) => onCall({ functionId: spec.id, command, items }), invocation)
      : invocation;
    if (this.faults) return this.faults.invoke(spec.id, run, { ms: timeoutMs, error });
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(error()), timeoutMs);
    });
    try {
      return await Promise.race([run(), timedOut]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Ends the functions' workers, if any; what they still run fails. */
  async stop(): Promise<void> {
    await this.threads?.stop();
  }

  private load(spec: FunctionSpec): Promise<LambdaHandler> {
    let handler = this.handlers.get(spec.entry);
    if (!handler) {
      handler = import(pathToFileURL(resolve(REPOSITORY_ROOT, spec.entry)).href).then(
        (module: { handler?: unknown }) => {
          if (typeof module.handler !== 'function')
            throw new Error(`${spec.entry} does not export a handler function`);
          return module.handler as LambdaHandler;
        },
      );
      // A failed import is not cached, so fixing the file and invoking again works.
      handler.catch(() => this.handlers.delete(spec.entry));
      this.handlers.set(spec.entry, handler);
    }
    return handler;
  }
}

export function lambdaContext(spec: FunctionSpec, deadline: number): Context {
  const unsupported = () => {
    throw new Error('Callback-style completion is not supported: handlers return promises.');
  };
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: spec.id,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${LOCAL_REGION}:${LOCAL_ACCOUNT}:function:${spec.id}`,
    memoryLimitInMB: String(spec.memoryMb),
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${spec.id}`,
    logStreamName: `${new Date().toISOString().slice(0, 10).replaceAll('-', '/')}/[$LATEST]${randomBytes(16).toString('hex')}`,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: unsupported,
    fail: unsupported,
    succeed: unsupported,
  };
}
