import { SHARE_ENV, Worker } from 'node:worker_threads';
import type { FunctionSpec } from '../topology.js';
import type { FunctionCall } from './sdk-calls.js';

/**
 * Runs each function of the topology in a worker thread of its own, as Lambda runs each function
 * in its own sandbox: a handler's module state is its own, and functions run in parallel with
 * each other and with the runtime's HTTP server, pollers and queues instead of taking turns on
 * one event loop. A worker starts on the function's first invocation (its cold start) and serves
 * the next ones; one that dies (an uncaught error, a failed import) fails what it was running and
 * is started afresh by the next invocation. The environment is shared with this thread
 * (SHARE_ENV): the table names and endpoints the runtime sets, and the local secret store, which
 * a function writing a secret updates for every reader, as Secrets Manager would.
 */
export interface WorkerData {
  spec: FunctionSpec;
  /** One Int32 through which the main thread answers a worker's crash question (function-worker.ts). */
  crashSignal: SharedArrayBuffer;
  /** Whether the worker reports the SDK calls its invocations send (lib/local/sdk-calls.ts). */
  reportCalls: boolean;
}

export type ToWorker =
  | { kind: 'invoke'; id: number; event: unknown; deadline: number; crashThreshold: number | undefined }
  | { kind: 'kill'; id: number };

type FromWorker =
  | { kind: 'ready' }
  | { kind: 'done'; id: number; ok: true; value: unknown }
  | { kind: 'done'; id: number; ok: false; error: { name: string; message: string; stack?: string } }
  | { kind: 'crash?'; id: number; writes: number }
  | { kind: 'call'; command: string; items: number };

/** What the threads need of lib/local/faults.ts: crash-after-write rules stay in this thread. */
export interface CrashRules {
  crashThreshold(functionId: string): number | undefined;
  crashFires(functionId: string, writes: number): boolean;
}

export interface FunctionThreadOptions {
  crashRules?: CrashRules | undefined;
  onCall?: ((call: FunctionCall) => void) | undefined;
}

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
}

const BOOT = new URL('./function-worker-boot.mjs', import.meta.url);

class FunctionThread {
  private readonly worker: Worker;
  private readonly pending = new Map<number, Pending>();
  private readonly signal = new Int32Array(new SharedArrayBuffer(4));
  private nextId = 1;
  /** Resolves once the handler is imported; rejects when the worker dies before. */
  readonly ready: Promise<void>;
  /** Why the worker is gone, once it is. */
  private death: Error | undefined;

  constructor(
    private readonly spec: FunctionSpec,
    private readonly options: FunctionThreadOptions,
  ) {
    const data: WorkerData = {
      spec,
      crashSignal: this.signal.buffer as SharedArrayBuffer,
      reportCalls: options.onCall !== undefined,
    };
    this.worker = new Worker(BOOT, { workerData: data, env: SHARE_ENV, execArgv: [], name: spec.id });
    let started!: () => void;
    this.ready = new Promise<void>((resolve, reject) => {
      started = resolve;
      this.failStart = reject;
    });
    this.ready.catch(() => undefined);
    this.worker.on('message', (message: FromWorker) => {
      if (message.kind === 'ready') return started();
      if (message.kind === 'crash?') return this.answerCrash(message.writes);
      if (message.kind === 'call') {
        return this.options.onCall?.({ functionId: spec.id, command: message.command, items: message.items });
      }
      const pending = this.pending.get(message.id);
      this.pending.delete(message.id);
      if (!pending) return;
      if (message.ok) pending.resolve(message.value);
      else pending.reject(Object.assign(new Error(message.error.message), message.error));
    });
    this.worker.on('error', (error) => this.die(error));
    this.worker.on('exit', (code) => this.die(new Error(`The worker of ${spec.id} exited (code ${code}).`)));
  }

  private failStart: (error: Error) => void = () => undefined;

  private die(error: Error): void {
    if (this.death) return;
    this.death = error;
    this.failStart(error);
    for (const pending of this.pending.values()) pending.reject(error);
    this.pending.clear();
  }

  /** Rejects with `timeoutError()` once `timeoutMs` is over; the worker then cuts the invocation off. */
  async invoke(event: unknown, timeoutMs: number, timeoutError: () => Error): Promise<unknown> {
    await this.ready;
    if (this.death) throw this.death;
    const id = this.nextId++;
    const deadline = Date.now() + timeoutMs;
    let timer: NodeJS.Timeout | undefined;
    const result = new Promise<unknown>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      timer = setTimeout(() => {
        this.pending.delete(id);
        this.worker.postMessage({ kind: 'kill', id } satisfies ToWorker);
        reject(timeoutError());
      }, timeoutMs);
    });
    const crashThreshold = this.options.crashRules?.crashThreshold(this.spec.id);
    this.worker.postMessage({ kind: 'invoke', id, event, deadline, crashThreshold } satisfies ToWorker);
    try {
      return await result;
    } finally {
      clearTimeout(timer);
    }
  }

  get dead(): boolean {
    return this.death !== undefined;
  }

  private answerCrash(writes: number): void {
    const dies = this.options.crashRules?.crashFires(this.spec.id, writes) ?? false;
    Atomics.store(this.signal, 0, dies ? 2 : 1);
    Atomics.notify(this.signal, 0);
  }

  async stop(): Promise<void> {
    this.die(new Error(`The local runtime stopped ${this.spec.id}.`));
    await this.worker.terminate();
  }
}

export class FunctionThreads {
  private readonly threads = new Map<string, FunctionThread>();

  constructor(private readonly options: FunctionThreadOptions = {}) {}

  invoke(spec: FunctionSpec, event: unknown, timeoutMs: number, timeoutError: () => Error): Promise<unknown> {
    let thread = this.threads.get(spec.id);
    if (!thread || thread.dead) {
      thread = new FunctionThread(spec, this.options);
      this.threads.set(spec.id, thread);
    }
    return thread.invoke(event, timeoutMs, timeoutError);
  }

  /** Ends every worker; what they were running fails. */
  async stop(): Promise<void> {
    const threads = [...this.threads.values()];
    this.threads.clear();
    await Promise.all(threads.map((thread) => thread.stop()));
  }
}
