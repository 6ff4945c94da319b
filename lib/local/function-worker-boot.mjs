// The entry of every function's worker thread (lib/local/function-threads.ts). Plain JavaScript,
// since a worker starts without the TypeScript loader of its parent (tsx, or vitest's): it
// registers tsx, then loads the worker itself.
import { register } from 'tsx/esm/api';

register();
await import('./function-worker.ts');
