import { Presets, SingleBar } from 'cli-progress';
import type { Command } from 'commander';
import type { OrderRerouteRequestedV1 } from '../../functions/domain/routing/rerouting.js';
import { apiOf, callApi, segment, type Api, type ApiOptions } from './api.js';

/**
 * `oms orders show|find|re-route`: an order as the API shows it (where each line went and why),
 * orders found by status, channel, customer and date (`find --status PARKED` is what waits for
 * ops), and a waiting order (PARKED, BACKORDERED,
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

export interface FindOptions {
  status?: string;
  channelId?: string;
  /** An email address or a phone number, as the API takes it. */
  customer?: string;
  /** A day (YYYY-MM-DD) or an instant; the API's default window is the last 30 days. */
  placedFrom?: string;
  placedTo?: string;
  /** How many orders in all (default 25); past a page of 100 the pages are followed. */
  limit?: number;
  cursor?: string;
  onPage?: (found: number, wanted: number) => void;
}

/** As the API answers a page: order summaries, and where the next page starts. */
export interface FoundOrders {
  orders: Record<string, unknown>[];
  /** Where the next search continues (`--cursor`), when there are more. */
  next?: string;
}

/** The API's largest page. */
const PAGE_LIMIT = 100;

/** `GET /v1/orders`, newest first, page after page until `limit` orders or the last page. */
export async function findOrders(api: Api, options: FindOptions = {}): Promise<FoundOrders> {
  const wanted = options.limit ?? 25;
  const orders: Record<string, unknown>[] = [];
  let cursor = options.cursor;
  do {
    const query = new URLSearchParams({
      ...(options.status && { status: options.status }),
      ...(options.channelId && { channelId: options.channelId }),
      ...(options.customer && { customer: options.customer }),
      ...(options.placedFrom && { placedFrom: options.placedFrom }),
      ...(options.placedTo && { placedTo: options.placedTo }),
      ...(cursor && { cursor }),
      limit: String(Math.min(PAGE_LIMIT, wanted - orders.length)),
    });
    const page = await callApi<FoundOrders>(api, 'GET', `/v1/orders?${query}`);
    orders.push(...page.orders);
    cursor = page.next;
    options.onPage?.(orders.length, wanted);
  } while (cursor && orders.length < wanted);
  return { orders, ...(cursor && { next: cursor }) };
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
        `The router has not decided on ${orderId} since ${request.requestedAt}: it skips an order with no line left to route ` +
          '(orders show), or the request waits on the routing queue (dlq list RoutingQueue).',
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
    .command('find')
    .description(
      'orders newest first, by status (e.g. PARKED), channel, customer and the days they were placed',
    )
    .option('--status <status>', 'e.g. PARKED, BACKORDERED, PARTIALLY_ROUTED')
    .option('--channel <channelId>', 'the channel that sold them')
    .option('--customer <emailOrPhone>', "the customer's email address or phone number")
    .option('--from <dayOrInstant>', 'placed at or after (YYYY-MM-DD or ISO 8601); default: 30 days ago')
    .option('--to <dayOrInstant>', 'placed at or before')
    .option('--limit <n>', 'how many in all; past 100 the pages are followed', '25')
    .option('--cursor <cursor>', 'the `next` of an earlier search')
    .option('--no-progress', 'no progress bar')
    .action(
      async (options: {
        status?: string;
        channel?: string;
        customer?: string;
        from?: string;
        to?: string;
        limit: string;
        cursor?: string;
        progress: boolean;
      }) => {
        const bar = new SingleBar(
          { format: 'orders [{bar}] {value}/{total}', stream: process.stderr },
          Presets.shades_classic,
        );
        const wanted = Number(options.limit);
        const paged = options.progress && wanted > PAGE_LIMIT;
        if (paged) bar.start(wanted, 0);
        const found = await findOrders(await api(), {
          ...(options.status && { status: options.status }),
          ...(options.channel && { channelId: options.channel }),
          ...(options.customer && { customer: options.customer }),
          ...(options.from && { placedFrom: options.from }),
          ...(options.to && { placedTo: options.to }),
          ...(options.cursor && { cursor: options.cursor }),
          limit: wanted,
          ...(paged && { onPage: (count: number) => bar.update(count) }),
        }).finally(() => bar.stop());
        print(found);
      },
    );
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
