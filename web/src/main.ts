import { loadConfig } from './config';
import { prefetchWork } from './early';
import { restoreSession } from './session';

/**
 * Start: read config.json, send a store's queue read at once (early.ts), then load and run the
 * screens (start.tsx). This file is kept small and the screens' code is preloaded by the page
 * (web/vite.config.ts), so the read and the code travel at the same time.
 */
async function start(): Promise<void> {
  const root = document.getElementById('app')!;
  try {
    const config = await loadConfig();
    prefetchWork(config, restoreSession(), location.hash);
    const { startConsole } = await import('./start');
    await startConsole(config, root);
  } catch (error) {
    root.textContent = `The console could not start: ${(error as Error).message}`;
  }
}

void start();
