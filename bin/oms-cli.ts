#!/usr/bin/env -S npx tsx
import { pathToFileURL } from 'node:url';
import { Command } from 'commander';
import { addDlqCommands } from './cli/dlq.js';
import { addImportCommands } from './cli/import.js';
import { addStreamsCommands } from './cli/streams.js';
import { addSqlCommands } from './cli/sql.js';
import { DEFAULT_LOCAL_URL } from './cli/target.js';

/**
 * npm run oms -- <group> <command>: the ops CLI. Each command group lives in its own module
 * under bin/cli/ and acts on the local runtime unless --aws is given (docs/runbook.md).
 */
export function omsProgram(print: (result: unknown) => void = printJson): Command {
  const program = new Command('oms')
    .description('Operate the OMS: dead letters, failed stream batches, CSV imports')
    .option('--aws', 'act on AWS (credentials and region from the environment) instead of the local runtime')
    .option('--url <url>', 'the local runtime', DEFAULT_LOCAL_URL);
  addDlqCommands(program, print);
  addStreamsCommands(program, print);
  addImportCommands(program, print);
  addSqlCommands(program, print);
  return program;
}

function printJson(result: unknown): void {
  console.log(JSON.stringify(result, null, 2));
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await omsProgram().parseAsync();
}
