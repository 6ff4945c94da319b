#!/usr/bin/env -S npx tsx
import { pathToFileURL } from 'node:url';
import { Command } from 'commander';
import { ApiProblem } from './cli/api.js';
import { addChannelsCommands } from './cli/channels.js';
import { addDlqCommands } from './cli/dlq.js';
import { addEventsCommands } from './cli/events.js';
import { addFaultsCommands } from './cli/faults.js';
import { addFulfillmentCommands } from './cli/fulfillment.js';
import { addImportCommands } from './cli/import.js';
import { addInventoryCommands } from './cli/inventory.js';
import { addOrdersCommands } from './cli/orders.js';
import { addRulesCommands } from './cli/rules.js';
import { addStreamsCommands } from './cli/streams.js';
import { addSqlCommands } from './cli/sql.js';
import { DEFAULT_LOCAL_URL } from './cli/target.js';

/**
 * npm run oms -- <group> <command>: the ops CLI. Each command group lives in its own module
 * under bin/cli/ and acts on the local runtime unless --aws is given; with --aws it finds the
 * stage's stack (`Oms-<stage>`) from its CloudFormation outputs (docs/operations.md, "The CLI";
 * docs/runbook.md names the command of every procedure).
 */
export function omsProgram(print: (result: unknown) => void = printJson): Command {
  const program = new Command('oms')
    .description(
      'Operate the OMS: orders, fulfillment, rule sets, channels, dead letters, failed stream batches, inventory, events, CSV imports, local faults',
    )
    .option(
      '--aws',
      'act on a deployed stage (credentials and region from the environment) instead of the local runtime',
    )
    .option(
      '--stage <stage>',
      'with --aws: the stage whose stack Oms-<stage> to act on (or OMS_STAGE; default dev)',
    )
    .option('--url <url>', 'the local runtime', DEFAULT_LOCAL_URL)
    .option('--api <url>', 'with --aws: the API base URL (or OMS_API_URL; default: the stack output ApiUrl)')
    .option(
      '--token <token>',
      'with --aws: a bearer token (or OMS_TOKEN; else OMS_CLIENT_ID and OMS_CLIENT_SECRET get one)',
    );
  addOrdersCommands(program, print);
  addFulfillmentCommands(program, print);
  addRulesCommands(program, print);
  addChannelsCommands(program, print);
  addDlqCommands(program, print);
  addStreamsCommands(program, print);
  addInventoryCommands(program, print);
  addEventsCommands(program, print);
  addImportCommands(program, print);
  addSqlCommands(program, print);
  addFaultsCommands(program, print);
  return program;
}

function printJson(result: unknown): void {
  console.log(JSON.stringify(result, null, 2));
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  // A refusal is the message alone (and the API's problem, which names the fields), not a stack.
  await omsProgram()
    .parseAsync()
    .catch((error: unknown) => {
      console.error(error instanceof Error ? error.message : String(error));
      if (error instanceof ApiProblem && error.problem.errors)
        console.error(JSON.stringify(error.problem.errors, null, 2));
      process.exitCode = 2;
    });
}
