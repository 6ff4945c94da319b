import { randomUUID } from 'node:crypto';
import type { Command } from 'commander';
import { apiOf, callApi, segment, type Api, type ApiOptions } from './api.js';

/**
 * `oms fulfillment show|overdue|reject`: the work of the locations, for ops chasing stuck or late
 * fulfillment (docs/runbook.md). A reject releases a fulfillment order's units to the router,
 * which places them elsewhere and never chooses that location for the order again; it is sent
 * with an Idempotency-Key, so that running it again with the same `--key` rejects once.
 */
export async function showFulfillmentOrder(api: Api, fulfillmentOrderId: string): Promise<unknown> {
  return callApi(api, 'GET', `/v1/fulfillment-orders/${segment(fulfillmentOrderId)}`);
}

export async function listOverdue(api: Api, options: { limit?: number; cursor?: string } = {}) {
  const query = new URLSearchParams({
    overdue: 'true',
    ...(options.limit !== undefined && { limit: String(options.limit) }),
    ...(options.cursor !== undefined && { cursor: options.cursor }),
  });
  return callApi<{ items: unknown[]; nextCursor?: string }>(api, 'GET', `/v1/fulfillment-orders?${query}`);
}

export async function rejectFulfillmentOrder(
  api: Api,
  fulfillmentOrderId: string,
  options: { reason: string; key?: string },
): Promise<unknown> {
  return callApi(
    api,
    'POST',
    `/v1/fulfillment-orders/${segment(fulfillmentOrderId)}/reject`,
    { reason: options.reason },
    { 'idempotency-key': options.key ?? randomUUID() },
  );
}

export function addFulfillmentCommands(program: Command, print: (result: unknown) => void): void {
  const fulfillment = program
    .command('fulfillment')
    .description("the locations' work: one fulfillment order, overdue work, releasing work to the router");
  const api = () => apiOf(program.opts<ApiOptions>());
  fulfillment
    .command('show <fulfillmentOrderId>')
    .description('a fulfillment order with its lines (open units still reserved) and its history')
    .action(async (id: string) => print(await showFulfillmentOrder(await api(), id)));
  fulfillment
    .command('overdue')
    .description('open work past its due-by, the most overdue first')
    .option('--limit <n>', 'at most this many')
    .option('--cursor <cursor>', 'the nextCursor of the previous page')
    .action(async (options: { limit?: string; cursor?: string }) =>
      print(
        await listOverdue(await api(), {
          ...(options.limit !== undefined && { limit: Number(options.limit) }),
          ...(options.cursor !== undefined && { cursor: options.cursor }),
        }),
      ),
    );
  fulfillment
    .command('reject <fulfillmentOrderId>')
    .description('release a CREATED or ACCEPTED fulfillment order to the router, which places it elsewhere')
    .requiredOption('--reason <reason>', 'why, recorded in its history')
    .option('--key <idempotencyKey>', 'the Idempotency-Key (default: a new one); repeat it to retry safely')
    .action(async (id: string, options: { reason: string; key?: string }) =>
      print(await rejectFulfillmentOrder(await api(), id, options)),
    );
}
