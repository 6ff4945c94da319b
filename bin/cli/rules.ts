import { readFile, stat } from 'node:fs/promises';
import type { Command } from 'commander';
import { apiOf, ApiProblem, callApi, segment, type Api, type ApiOptions } from './api.js';

/**
 * `oms rules validate|store|simulate|activate|active`: routing rule sets (docs/routing.md) through
 * the routing API, so the checks, the versioning and the actor recorded with an activation are
 * the API's own. A draft is tried first (validate, simulate against stored orders or canonical
 * ones in a file), then stored as a new version and activated; the router applies it to the
 * next order.
 */
export interface ValidationReport {
  valid: boolean;
  errors?: { path: string; message: string }[];
  detail?: string;
}

async function readJson(file: string): Promise<unknown> {
  const text = await readFile(file, 'utf8');
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new Error(`${file} is not JSON: ${(error as Error).message}`);
  }
}

export async function validateRuleSet(api: Api, file: string): Promise<ValidationReport> {
  try {
    await callApi(api, 'POST', '/v1/routing/rule-sets/validate', await readJson(file));
    return { valid: true };
  } catch (error) {
    if (!(error instanceof ApiProblem) || error.status !== 400) throw error;
    return {
      valid: false,
      ...(error.problem.errors && { errors: error.problem.errors }),
      ...(error.problem.detail && { detail: error.problem.detail }),
    };
  }
}

export async function storeRuleSet(api: Api, file: string): Promise<unknown> {
  return callApi(api, 'POST', '/v1/routing/rule-sets', await readJson(file));
}

/** `<ruleSetId>@<version>` names a stored version. */
function storedVersionOf(name: string): { ruleSetId: string; version: number } | undefined {
  const match = /^(.+)@([1-9][0-9]*)$/.exec(name);
  return match ? { ruleSetId: match[1]!, version: Number(match[2]) } : undefined;
}

/** A rule set from a file, or a stored version named `<ruleSetId>@<version>`. */
async function ruleSetOf(api: Api, source: string): Promise<unknown> {
  const isFile = await stat(source).then(
    (found) => found.isFile(),
    () => false,
  );
  if (isFile) return readJson(source);
  const stored = storedVersionOf(source);
  if (!stored) throw new Error(`${source} is neither a file nor a stored version (<ruleSetId>@<version>).`);
  const { ruleSet } = await callApi<{ ruleSet: unknown }>(
    api,
    'GET',
    `/v1/routing/rule-sets/${segment(stored.ruleSetId)}/versions/${stored.version}`,
  );
  return ruleSet;
}

export async function simulateRuleSet(
  api: Api,
  source: string,
  options: { orderIds?: string[]; orderFile?: string },
): Promise<unknown> {
  const ruleSet = await ruleSetOf(api, source);
  const orders = options.orderFile ? await readJson(options.orderFile) : undefined;
  if (orders !== undefined && !Array.isArray(orders)) {
    throw new Error(`${options.orderFile} must hold a JSON array of canonical orders.`);
  }
  if (!options.orderIds?.length && !orders?.length) {
    throw new Error('Give the orders to simulate: --orders <orderId…> or --order-file <file>.');
  }
  return callApi(api, 'POST', '/v1/routing/simulate', {
    ruleSet,
    ...(options.orderIds?.length && { orderIds: options.orderIds }),
    ...(orders?.length && { orders }),
  });
}

export async function activateRuleSet(api: Api, ruleSetId: string, version: string): Promise<unknown> {
  return callApi(
    api,
    'POST',
    `/v1/routing/rule-sets/${segment(ruleSetId)}/versions/${segment(version)}/activate`,
  );
}

export function addRulesCommands(program: Command, print: (result: unknown) => void): void {
  const rules = program.command('rules').description('routing rule sets: validate, try, store, activate');
  const api = () => apiOf(program.opts<ApiOptions>());
  rules
    .command('validate <file>')
    .description('check a rule set (JSON) and name every invalid field; exits 1 when invalid')
    .action(async (file: string) => {
      const report = await validateRuleSet(await api(), file);
      print(report);
      if (!report.valid) process.exitCode = 1;
    });
  rules
    .command('simulate <source>')
    .description(
      'route orders with a rule set (a JSON file, or a stored <ruleSetId>@<version>) and with the active one, and compare; nothing is reserved',
    )
    .option('--orders <orderId...>', 'stored orders to route')
    .option('--order-file <file>', 'a JSON array of canonical orders to route')
    .action(async (source: string, options: { orders?: string[]; orderFile?: string }) =>
      print(
        await simulateRuleSet(await api(), source, {
          ...(options.orders && { orderIds: options.orders }),
          ...(options.orderFile && { orderFile: options.orderFile }),
        }),
      ),
    );
  rules
    .command('store <file>')
    .description('store a rule set (JSON) as a new version; not active until activated')
    .action(async (file: string) => print(await storeRuleSet(await api(), file)));
  rules
    .command('activate <ruleSetId> <version>')
    .description('route every order from now on with this stored version (warm routers within 30 s)')
    .action(async (ruleSetId: string, version: string) =>
      print(await activateRuleSet(await api(), ruleSetId, version)),
    );
  rules
    .command('active')
    .description('the active rule set, and who activated it when')
    .action(async () => print(await callApi(await api(), 'GET', '/v1/routing/rule-sets/active')));
}
