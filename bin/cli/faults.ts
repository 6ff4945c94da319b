import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { callLocal, targetOf, type TargetOptions } from './target.js';

/**
 * `oms faults show|set <file>|clear`: the faults the local runtime injects (lib/local/faults.ts,
 * docs/runbook.md "Faults and timeouts in the local runtime"), through `/_local/faults`. Local
 * only: a deployed stage has no fault injection.
 */
function localTarget(program: Command) {
  const target = targetOf(program.opts<TargetOptions>());
  if (target.kind === 'aws') throw new Error('Faults are injected by the local runtime only, not in AWS.');
  return target;
}

export function addFaultsCommands(program: Command, print: (result: unknown) => void): void {
  const faults = program.command('faults').description('faults the local runtime injects (not with --aws)');
  faults
    .command('show')
    .description('the fault rules left, and what fired')
    .action(async () => print(await callLocal(localTarget(program), '/_local/faults')));
  faults
    .command('set <file>')
    .description('inject the faults of a JSON file: {"seed": 7, "rules": [{"kind": "drop-response", …}]}')
    .action(async (file: string) => {
      const settings = JSON.parse(await readFile(file, 'utf8')) as unknown;
      print(await callLocal(localTarget(program), '/_local/faults', settings));
    });
  faults
    .command('clear')
    .description('inject no more faults')
    .action(async () => print(await callLocal(localTarget(program), '/_local/faults', { rules: [] })));
}
