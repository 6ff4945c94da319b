import type { Command } from 'commander';
import type { OrderRerouteRequestedV1 } from '../../functions/domain/routing/rerouting.js';
import { apiOf, callApi, segment, type Api, type ApiOptions } from './api.js';

/**
 * `oms orders show|find|re-route`: an order as the API shows it (where each line went and why),
 * orders found by status, channel, customer and date, and a waiting order (PARKED, BACKORDERED,
 * PARTIALLY_ROUTED) sent back through the router (`POST /v1/orders/{orderId}/route`), optionally
 * waiting for the router's new decision.
 */
export interface OrderView {
  orderId: string;
  status: string;
  routing?: { decidedAt?: string; outcome?: string; explanation?: { decision?: string[] } };
  [field: string]: unknown;
}

export interface RerouteReport {
  request: OrderRerouteRequestedV1;
  /** With --wait: the order once the router decided after the request. */
  order?: OrderView;
}

export async function showOrder(api: Api, orderId: string): Promise<OrderView> {
  return callApi<OrderView>(api, 'GET', `/v1/orders/${segment(orderId)}`);
}

export async function rerouteOrder(
  api: Api,
  orderId: string,
  options: { wait?: boolean; timeoutMs?: number; intervalMs?: number } = {},
): Promise<RerouteReport> {
  const request = await callApi<OrderRerouteRequestedV1>(api, 'POST', `/v1/orders/${segment(orderId)}/route`);
  if (!options.wait) return { request };
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  for (;;) {
    const order = await showOrder(api, orderId);
    const decidedAt = order.routing?.decidedAt;
    if (decidedAt !== undefined && decidedAt >= request.requestedAt) return { request, order };
    if (Date.now() > deadline) {
      throw new Error(
        `The router has not decided on ${orderId} since ${request.requestedAt}: check the routing queue (oms dlq list RoutingQueue).`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 250));
  }
}

export function addOrdersCommands(program: Command, print: (result: unknown) => void): void {
  const orders = program.command('orders').description('find, show and re-route orders');
  const api = () => apiOf(program.opts<ApiOptions>());
  orders
    .command('show <orderId>')
    .description('the order: status, lines with where each went and why, fulfillment orders, service records')
    .action(async (orderId: string) => print(await showOrder(await api(), orderId)));
  orders
    .command('re-route <orderId>')
    .description('send a PARKED, BACKORDERED or PARTIALLY_ROUTED order back through the router')
    .option('--wait', "wait for the router's new decision and show the order")
    .option('--timeout <seconds>', 'with --wait: how long to wait', '60')
    .action(async (orderId: string, options: { wait?: boolean; timeout: string }) =>
      print(
        await rerouteOrder(await api(), orderId, {
          ...(options.wait && { wait: true }),
          timeoutMs: Number(options.timeout) * 1000,
        }),
      ),
    );
}
