import { buildConsole } from '../../lib/local/console-server.js';

/**
 * The browser tests drive the console as built from web/ now, so the build is part of the run
 * (a few seconds) and never a step someone has to remember.
 */
export default async function setup(): Promise<void> {
  await buildConsole();
}
