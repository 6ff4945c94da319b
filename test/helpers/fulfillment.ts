import { expect, vi } from 'vitest';
import { checkInventory } from '../../bin/check-inventory.js';
import type { FulfillmentOrderView } from '../../functions/domain/fulfillment/view.js';
import { INVENTORY_TABLE } from '../../lib/tables.js';
import type { TestRuntime } from './local-runtime.js';
import { fetchAs, type TokenPrincipal } from './tokens.js';

/**
 * A store or WMS working fulfillment orders on the local runtime, as the store app does: each
 * action POSTed with the caller's token and a fresh Idempotency-Key unless the test gives one.
 */
let keys = 0;

export interface ActionOptions {
  as?: TokenPrincipal;
  idempotencyKey?: string;
}

export async function act(
  local: TestRuntime,
  fulfillmentOrderId: string,
  action: string,
  body: unknown = {},
  options: ActionOptions = {},
): Promise<Response> {
  return fetchAs(
    local.url,
    `/v1/fulfillment-orders/${fulfillmentOrderId}/${action}`,
    {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'idempotency-key': options.idempotencyKey ?? `test-${Date.now()}-${++keys}`,
      },
      body: JSON.stringify(body),
    },
    options.as,
  );
}

/** An action that must succeed: its answer, the fulfillment order as it is now. */
export async function actOk(
  local: TestRuntime,
  fulfillmentOrderId: string,
  action: string,
  body: unknown = {},
  options: ActionOptions = {},
): Promise<FulfillmentOrderView> {
  const response = await act(local, fulfillmentOrderId, action, body, options);
  const answer = (await response.json()) as FulfillmentOrderView;
  if (response.status !== 200)
    throw new Error(`${action} answered ${response.status}: ${JSON.stringify(answer)}`);
  return answer;
}

interface OrderWithFulfillment {
  status: string;
  fulfillmentOrders: { fulfillmentOrderId: string; locationId: string; kind: string; status: string }[];
}

/** The order once routed: its fulfillment orders, waiting until there are `count` of them active. */
export async function routedFulfillmentOrders(local: TestRuntime, orderId: string, count = 1) {
  return vi.waitFor(
    async () => {
      const order = await local.getJson<OrderWithFulfillment>(`/v1/orders/${orderId}`);
      const active = order.fulfillmentOrders.filter((fo) => fo.status !== 'REJECTED');
      if (active.length < count)
        throw new Error(`${active.length} active fulfillment orders, waiting for ${count}`);
      return active;
    },
    { timeout: 20_000, interval: 100 },
  );
}

export async function orderStatusOf(local: TestRuntime, orderId: string): Promise<string> {
  return (await local.getJson<{ status: string }>(`/v1/orders/${orderId}`)).status;
}

interface SkuInventory {
  locations: { locationId: string; onHand: number; reserved: number; available: number }[];
}

export async function levelOf(local: TestRuntime, sku: string, locationId: string) {
  const inventory = await local.getJson<SkuInventory>(`/v1/inventory/${encodeURIComponent(sku)}`);
  return inventory.locations.find((level) => level.locationId === locationId);
}

/** `npm run check:inventory` against the runtime's tables, once the inventory stream has caught up. */
export async function expectInventoryConsistent(local: TestRuntime): Promise<void> {
  const storage = (await (await fetch(`${local.url}/_local/storage`)).json()) as {
    dynamodbEndpoint: string;
    tables: Record<string, string>;
  };
  await vi.waitFor(
    async () => {
      const report = await checkInventory({
        tableName: storage.tables[INVENTORY_TABLE.envVar]!,
        endpoint: storage.dynamodbEndpoint,
      });
      expect(report.violations).toEqual([]);
    },
    { timeout: 20_000, interval: 200 },
  );
}
