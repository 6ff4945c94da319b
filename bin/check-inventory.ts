import { pathToFileURL } from 'node:url';
import { omsProgram } from './oms-cli.js';

/**
 * npm run check:inventory [-- --table <name>] [--endpoint <url>] [--aws [--stage <stage>]]: the
 * ops CLI's `inventory check` (bin/cli/inventory.ts) under its older name, so that the runbook,
 * the tests and the scripts that know it keep working.
 */
export { checkInventory } from './cli/inventory.js';

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  // Commander takes the program's options (--aws, --stage) after the command too.
  omsProgram()
    .parseAsync(['inventory', 'check', ...process.argv.slice(2)], { from: 'user' })
    .catch((error: unknown) => {
      console.error((error as Error).message);
      process.exitCode = 2;
    });
}
