import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ApiProblem } from '../../bin/cli/api.js';
import { omsProgram } from '../../bin/oms-cli.js';
import { aCanonicalOrder } from '../helpers/factories.js';
import { startTestRuntime, type TestRuntime } from '../helpers/local-runtime.js';

/**
 * The ops CLI (`npm run oms -- …`) on one local runtime, each runbook procedure as ops would run
 * it: rule sets tried, stored and activated; a parked order released with `orders re-route`; a
 * location's work released to the router; a channel's secret replaced; failed outbox batches
 * replayed; dead letters listed and redriven; the inventory checked; the bus tailed; faults
 * injected. (`import` has its own file, test/e2e/csv-import.test.ts.)
 */
let oms: TestRuntime;
let folder = '';
const STORE = 'STORE-LIS-CHIADO';

beforeAll(async () => {
  oms = await startTestRuntime({ scheduleIntervalMs: 0 });
  folder = await mkdtemp(join(tmpdir(), 'oms-cli-'));
});
afterAll(() => oms?.stop());

/** Runs one command in-process; answers everything it printed, and the exit code it set. */
async function run(...args: string[]): Promise<{ printed: unknown[]; exitCode: number }> {
  const printed: unknown[] = [];
  await omsProgram((result) => printed.push(result)).parseAsync(['--url', oms.url, ...args], {
    from: 'user',
  });
  const exitCode = Number(process.exitCode ?? 0);
  process.exitCode = undefined;
  return { printed, exitCode };
}

async function runOne<T = Record<string, unknown>>(...args: string[]): Promise<T> {
  const { printed } = await run(...args);
  expect(printed).toHaveLength(1);
  return printed[0] as T;
}

async function jsonFile(name: string, content: unknown): Promise<string> {
  const file = join(folder, name);
  await writeFile(file, JSON.stringify(content));
  return file;
}

const parkWhenShort = (version: number) => ({
  ruleSetId: 'ops-park',
  version,
  strategies: [
    {
      name: 'nearest, or park',
      filters: {},
      ranking: ['distance'],
      split: { policy: 'allow' },
      onUnplaceable: 'park_for_review',
    },
  ],
});

async function placeOrder(externalId: string, sku: string, quantity = 1): Promise<string> {
  const posted = await oms.postSignedOrder(
    JSON.stringify(
      aCanonicalOrder({
        externalId,
        lines: [{ lineId: '1', sku, quantity, unitPrice: 2500, discount: 0, tax: 0 }],
        totals: undefined,
      }),
    ),
  );
  expect(posted.status).toBe(202);
  return ((await posted.json()) as { orderId: string }).orderId;
}

describe('oms rules', () => {
  it('validates a rule set, naming every invalid field, and exits 1 for an invalid one', async () => {
    const good = await jsonFile('good.json', parkWhenShort(1));
    const bad = await jsonFile('bad.json', {
      ...parkWhenShort(1),
      strategies: [{ ...parkWhenShort(1).strategies[0], split: { policy: 'max_shipments' } }],
    });

    expect(await run('rules', 'validate', good)).toEqual({ printed: [{ valid: true }], exitCode: 0 });
    const refused = await run('rules', 'validate', bad);
    expect(refused.exitCode).toBe(1);
    expect(refused.printed[0]).toMatchObject({
      valid: false,
      errors: [expect.objectContaining({ path: expect.stringContaining('maxShipments') })],
    });
  });

  it('stores a version, simulates it against a stored order, and activates it as the CLI', async () => {
    const file = await jsonFile('park.json', parkWhenShort(1));
    const orderId = await placeOrder('W-OPS-SIM-1', 'TSHIRT-BLUE-M');
    await oms.orderWithStatus(orderId, 'ROUTED');

    expect(await runOne('rules', 'store', file)).toMatchObject({
      ruleSet: { ruleSetId: 'ops-park', version: 1 },
    });
    const fromFile = await runOne('rules', 'simulate', file, '--orders', orderId);
    const stored = await runOne('rules', 'simulate', 'ops-park@1', '--orders', orderId);
    expect((fromFile as { summary: unknown }).summary).toEqual((stored as { summary: unknown }).summary);
    expect(JSON.stringify(stored)).toContain(orderId);
    await expect(run('rules', 'simulate', 'ops-park')).rejects.toThrow(/neither a file nor a stored version/);

    expect(await runOne('rules', 'activate', 'ops-park', '1')).toEqual({
      active: { ruleSetId: 'ops-park', version: 1 },
    });
    expect(await runOne('rules', 'active')).toMatchObject({
      ruleSet: { ruleSetId: 'ops-park', version: 1 },
      activatedBy: { sub: 'oms-cli', role: 'admin' },
    });
  });
});

describe('oms orders', () => {
  it('shows a parked order, re-routes it once stock is there, and refuses to re-route it again', async () => {
    // Asked before anything is re-routed: follows the bus until the CLI's own request is on it.
    const tail = run('events', 'tail', '--type', 'OrderRerouteRequested', '--follow', '--count', '1');
    // Should the test fail first, the tail ends with the runtime: that is not a second failure.
    tail.catch(() => undefined);
    const orderId = await placeOrder('W-OPS-PARKED-1', 'OPS-LAMP', 2);
    await oms.orderWithStatus(orderId, 'PARKED');
    const parked = await vi.waitFor(
      async () => {
        const found = await runOne<{ orders: { orderId: string; status: string }[] }>(
          'orders',
          'find',
          '--status',
          'PARKED',
        );
        expect(found.orders.map((order) => order.orderId)).toContain(orderId);
        return found;
      },
      { timeout: 10_000, interval: 200 },
    );
    expect(parked.orders.every((order) => order.status === 'PARKED')).toBe(true);
    expect(await runOne('orders', 'show', orderId)).toMatchObject({
      orderId,
      status: 'PARKED',
      lines: [
        expect.objectContaining({ unplaced: [expect.objectContaining({ reason: 'insufficient_stock' })] }),
      ],
    });
    const received = await oms.post('/v1/inventory/movements', {
      movementId: 'ops-cli-receipt-lamp',
      type: 'receipt',
      who: 'ops-cli e2e',
      sku: 'OPS-LAMP',
      locationId: STORE,
      quantity: 5,
    });
    expect(received.status).toBe(201);

    const { request, order } = await runOne<{ request: unknown; order: { status: string } }>(
      'orders',
      're-route',
      orderId,
      '--wait',
    );

    expect(request).toMatchObject({
      orderId,
      status: 'PARKED',
      requestedBy: { sub: 'oms-cli', role: 'admin' },
    });
    expect(order.status).toBe('ROUTED');
    const reroute = (await tail).printed;
    expect(reroute).toEqual([
      expect.objectContaining({
        event: expect.objectContaining({ 'detail-type': 'OrderRerouteRequested', detail: request }),
        matchedRules: ['RouteOrders'],
      }),
    ]);
    const refusal = await run('orders', 're-route', orderId).catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(ApiProblem);
    expect(refusal).toMatchObject({ status: 409, problem: { status: 'ROUTED' } });
  });

  it('shows a fulfillment order and releases it to the router, which excludes its location', async () => {
    const orderId = await placeOrder('W-OPS-REJECT-1', 'OPS-LAMP');
    const routed = await oms.orderWithStatus<{
      status: string;
      fulfillmentOrders: { fulfillmentOrderId: string }[];
    }>(orderId, 'ROUTED');
    const fulfillmentOrderId = routed.fulfillmentOrders[0]!.fulfillmentOrderId;
    expect(await runOne('fulfillment', 'show', fulfillmentOrderId)).toMatchObject({
      fulfillmentOrderId,
      locationId: STORE,
      status: 'CREATED',
    });

    const rejected = await runOne('fulfillment', 'reject', fulfillmentOrderId, '--reason', 'store closed');

    expect(rejected).toMatchObject({ status: 'REJECTED' });
    // No other location holds the lamp: the rules in force park it for review.
    await oms.orderWithStatus(orderId, 'PARKED');
    expect(await runOne('fulfillment', 'overdue')).toMatchObject({ items: expect.any(Array) });
  });

  it('finds orders newest first, page by page', async () => {
    const first = await runOne<{ orders: { orderId: string }[]; next?: string }>(
      'orders',
      'find',
      '--channel',
      'web',
      '--limit',
      '1',
    );
    expect(first.orders).toHaveLength(1);
    expect(first.next).toEqual(expect.any(String));

    const next = await runOne<{ orders: { orderId: string }[] }>(
      'orders',
      'find',
      '--channel',
      'web',
      '--limit',
      '1',
      '--cursor',
      first.next!,
    );

    expect(next.orders).toHaveLength(1);
    expect(next.orders[0]!.orderId).not.toBe(first.orders[0]!.orderId);
  });

  it('answers 404 for an order that does not exist', async () => {
    await expect(run('orders', 'show', 'NO-SUCH-ORDER')).rejects.toMatchObject({ status: 404 });
  });
});

describe('oms channels', () => {
  it('stores a new signing secret for a channel from a file, and orders signed with it are taken', async () => {
    expect(
      (
        await oms.api('/v1/channels/ops-kiosk', {
          method: 'PUT',
          body: JSON.stringify({ name: 'Kiosk', format: 'canonical' }),
        })
      ).status,
    ).toBe(201);
    const secret = 'ops-kiosk-secret-2026';
    const file = join(folder, 'kiosk.secret');
    await writeFile(file, `${secret}\n`);

    expect(await runOne('channels', 'set-secret', 'ops-kiosk', '--secret-file', file)).toEqual({
      channelId: 'ops-kiosk',
      secretStored: true,
    });
    const shown = await runOne('channels', 'show', 'ops-kiosk');
    const order = JSON.stringify(aCanonicalOrder({ externalId: 'OPS-KIOSK-1' }));

    expect(shown).toMatchObject({ channelId: 'ops-kiosk', format: 'canonical' });
    expect(JSON.stringify(shown)).not.toContain(secret);
    expect((await oms.postSignedOrder(order, { channelId: 'ops-kiosk', secret })).status).toBe(202);
  });
});

describe('oms streams, dlq, inventory, events and faults', () => {
  // The replay of a batch that failed for real is test/e2e/faults-stream-replay.test.ts, through the same code.
  it('replays the failed batches of the Orders outbox (none here)', async () => {
    expect(await runOne('streams', 'replay', 'Orders-stream-to-publish-order-events')).toEqual({
      subscription: 'OrdersTopublish-order-events',
      batches: 0,
      records: 0,
      failed: 0,
    });
  });

  // A message dead-lettered for real and redriven is test/e2e/faults-poison-redrive.test.ts.
  it('lists and redrives the dead letters of the routing queue', async () => {
    expect(await runOne('dlq', 'list', 'RoutingQueue')).toMatchObject({
      queue: 'RoutingQueue',
      deadLetterQueue: 'RoutingQueueDlq',
      messages: 0,
    });
    expect(await runOne('dlq', 'redrive', 'RoutingQueue')).toEqual({ queue: 'RoutingQueue', moved: 0 });
  });

  it('checks the inventory invariants once the streams have drained', async () => {
    await vi.waitFor(
      async () => {
        const { printed, exitCode } = await run('inventory', 'check', '--no-progress');
        expect(exitCode).toBe(0);
        expect(printed[0]).toMatchObject({ violations: [] });
        expect((printed[0] as { stockItems: number }).stockItems).toBeGreaterThan(0);
      },
      { timeout: 20_000, interval: 250 },
    );
  });

  it('tails the events of one type, with the rules each matched', async () => {
    const { printed } = await run('events', 'tail', '--type', 'OrderReceived', 'OrderRouted');

    expect(printed.length).toBeGreaterThan(0);
    for (const published of printed as { event: { 'detail-type': string } }[]) {
      expect(['OrderReceived', 'OrderRouted']).toContain(published.event['detail-type']);
    }
  });

  it('injects faults in the local runtime, shows them, and clears them', async () => {
    const file = await jsonFile('faults.json', {
      rules: [{ kind: 'delay-message', queue: 'ChannelChangeQueue', delayMs: 10, times: 3 }],
    });

    await run('faults', 'set', file);
    expect(await runOne('faults', 'show')).toMatchObject({
      rules: [expect.objectContaining({ kind: 'delay-message', remaining: 3 })],
    });
    expect(await runOne('faults', 'clear')).toMatchObject({ rules: [] });
    await expect(run('--aws', 'faults', 'show')).rejects.toThrow(/local runtime only/);
  });

  it('refuses to tail events in AWS, saying where to watch them instead', async () => {
    await expect(run('--aws', 'events', 'tail')).rejects.toThrow(/CloudWatch Logs target/);
  });
});
