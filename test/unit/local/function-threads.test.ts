import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { MessageChannel } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { LocalFaults } from '../../../lib/local/faults.js';
import { serveFunction } from '../../../lib/local/function-worker.js';
import { LambdaTimeoutError, LocalFunctions } from '../../../lib/local/lambda.js';
import type { FunctionCall } from '../../../lib/local/sdk-calls.js';
import type { FunctionSpec } from '../../../lib/topology.js';

const SPEC: FunctionSpec = {
  id: 'threaded-test',
  entry: 'test/unit/local/fixtures/threaded-handler.ts',
  description: 'A function run in a worker thread by the tests',
  timeoutSeconds: 10,
  memoryMb: 128,
  tables: [],
};

let server: Server;
let url: string;
let received = 0;
const faults = new LocalFaults();
const functions = new LocalFunctions(faults, 'thread');

beforeAll(async () => {
  server = createServer((request, response) => {
    received += 1;
    request
      .resume()
      .on('end', () => response.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' }).end('{}'));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  process.env.THREADED_TEST_TABLE = 'threaded-table';
});
afterAll(async () => {
  await functions.stop();
  server.close();
  delete process.env.THREADED_TEST_TABLE;
});

describe('functions in worker threads', () => {
  it('runs a function in a worker of its own that keeps its module state and shares the environment', async () => {
    const first = await functions.invoke(SPEC, { action: 'describe' });
    const second = await functions.invoke(SPEC, { action: 'describe' });

    expect(first).toEqual({
      invocations: 1,
      isMainThread: false,
      table: 'threaded-table',
      functionName: 'threaded-test',
      hasTimeLeft: true,
    });
    expect(second).toMatchObject({ invocations: 2 });
  });

  it("fails an invocation with the handler's error", async () => {
    await expect(functions.invoke(SPEC, { action: 'throw' })).rejects.toMatchObject({
      name: 'RangeError',
      message: 'the handler refused the event',
    });
  });

  it('fails an invocation whose result can not be copied out of its worker', async () => {
    await expect(functions.invoke(SPEC, { action: 'answer-a-function' })).rejects.toMatchObject({
      name: 'DataCloneError',
    });
  });

  it('times an invocation out and cuts off what it would still send', async () => {
    received = 0;
    await expect(
      functions.invoke(SPEC, { action: 'write', url, writes: 1, delayMs: 300 }, 100),
    ).rejects.toThrow(LambdaTimeoutError);
    await new Promise((resolve) => setTimeout(resolve, 500));

    expect(received).toBe(0);
  });

  it('crashes a function after its write, as a fault rule in the main thread says, once', async () => {
    received = 0;
    faults.configure({ rules: [{ kind: 'crash-after-write', function: SPEC.id, afterWrites: 1 }] });

    await expect(functions.invoke(SPEC, { action: 'write', url, writes: 3 })).rejects.toMatchObject({
      name: 'InjectedCrash',
    });
    expect(received).toBe(1);
    expect(faults.firedCount('crash-after-write')).toBe(1);
    expect(await functions.invoke(SPEC, { action: 'write', url, writes: 2 })).toBe('written');
    expect(received).toBe(3);
  });

  it('fails what a dying worker runs and starts a fresh one for the next invocation', async () => {
    await expect(functions.invoke(SPEC, { action: 'exit' })).rejects.toThrow(/exited \(code 3\)/);

    expect(await functions.invoke(SPEC, { action: 'describe' })).toMatchObject({ invocations: 1 });
  });

  it('ends its workers when stopped, failing what they still run, and starts afresh when invoked again', async () => {
    const spare = new LocalFunctions(undefined, 'thread');
    await spare.invoke(SPEC, { action: 'describe' });
    const inFlight = spare
      .invoke(SPEC, { action: 'write', url, writes: 1, delayMs: 5_000 })
      .catch((error: unknown) => error);

    await spare.stop();

    expect(await inFlight).toMatchObject({ message: expect.stringMatching(/stopped threaded-test/) });
    expect(await spare.invoke(SPEC, { action: 'describe' })).toMatchObject({ invocations: 1 });
    await spare.stop();
  });

  it('reports the SDK calls a function sends from its worker', async () => {
    const calls: FunctionCall[] = [];
    const reporting = new LocalFunctions(undefined, 'thread', (call) => calls.push(call));

    expect(await reporting.invoke(SPEC, { action: 'sdk-call', url })).toBe('sent');
    await reporting.stop();

    expect(calls).toEqual([{ functionId: 'threaded-test', command: 'PutItem', items: 1 }]);
  });
});

describe("a function's sandbox, served over a port", () => {
  it('answers ready, then each invocation with its calls and its result or error', async () => {
    const { port1, port2 } = new MessageChannel();
    const messages: { kind: string }[] = [];
    port2.on('message', (message: { kind: string }) => messages.push(message));
    await serveFunction(port1, { spec: SPEC, crashSignal: new SharedArrayBuffer(4), reportCalls: true });
    const deadline = Date.now() + 5_000;

    port2.postMessage({
      kind: 'invoke',
      id: 1,
      event: { action: 'sdk-call', url },
      deadline,
      crashThreshold: undefined,
    });
    port2.postMessage({
      kind: 'invoke',
      id: 2,
      event: { action: 'throw' },
      deadline,
      crashThreshold: undefined,
    });
    port2.postMessage({ kind: 'kill', id: 3 });
    await vi.waitFor(() => expect(messages.filter((message) => message.kind === 'done')).toHaveLength(2));
    port1.close();

    expect(messages).toEqual(
      expect.arrayContaining([
        { kind: 'ready' },
        { kind: 'call', command: 'PutItem', items: 1 },
        { kind: 'done', id: 1, ok: true, value: 'sent' },
        expect.objectContaining({
          kind: 'done',
          id: 2,
          ok: false,
          error: expect.objectContaining({ name: 'RangeError' }),
        }),
      ]),
    );
  });
});
