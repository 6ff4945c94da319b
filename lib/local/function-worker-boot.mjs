// The entry of every function's worker thread (lib/local/function-threads.ts). Plain JavaScript,
// since a worker starts without the TypeScript loader of its parent (tsx, or vitest's): it
// registers tsx, then serves the function (lib/local/function-worker.ts).
import { parentPort, workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
const { serveFunction } = await import('./function-worker.ts');
await serveFunction(parentPort, workerData);
