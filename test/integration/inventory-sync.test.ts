import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { putChannel } from '../../functions/data/config-repository.js';
import { getAggregate, stockKey } from '../../functions/data/inventory-repository.js';
import { recordMovement } from '../../functions/data/movements-repository.js';
import { createOrder } from '../../functions/data/orders-repository.js';
import { putInventoryProduct } from '../../functions/data/products-repository.js';
import { Movement } from '../../functions/domain/inventory/movement.js';
import { INVENTORY_EVENT_CATALOGUE } from '../../functions/domain/inventory-events.js';
import { getChannelAvailability } from '../../functions/inventory/get-channel-availability.js';
import { getReplenishmentSuggestions } from '../../functions/inventory/get-replenishment-suggestions.js';
import { createInventorySync } from '../../functions/inventory/inventory-sync.js';
import type { PendingEvent } from '../../functions/shared/event-publisher.js';
import { metrics } from '../../functions/shared/observability.js';
import { anActor, anApiEvent } from '../helpers/factories.js';

import { aChannel, anOrder, aStreamEvent, aStreamRecord } from '../helpers/records.js';
import { useLocalTables } from '../helpers/tables.js';
import { bodyOf } from '../helpers/http.js';
import { givenLocations } from './inventory-fixtures.js';
import { aLocation } from '../helpers/records.js';

let published: PendingEvent[] = [];
let publishing: 'works' | 'fails' = 'works';
const sync = createInventorySync({
  publish: async (pending) => (publishing === 'fails' ? pending : (published.push(...pending), [])),
  now: () => new Date().toISOString(),
});

beforeAll(async () => {
  await useLocalTables();
  await givenLocations(aLocation('lisbon'), aLocation('porto', { channels: ['web'] }));
  await putChannel(aChannel({ channelId: 'web' }));
  await putChannel(aChannel({ channelId: 'marketplace', name: 'Marketplace' }));
});
beforeEach(() => {
  published = [];
  publishing = 'works';
});

let sequence = 0;
/** Records a movement and returns the stream record its stock write produces. */
async function move(input: Record<string, unknown>) {
  const movement = Movement.parse({ movementId: `m-${(sequence += 1)}`, who: 'test', ...input });
  const { record } = await recordMovement(movement, () => new Date().toISOString(), anActor());
  const change = record.changes[0]!;
  return aStreamRecord({
    newItem: {
      ...stockKey(record.sku, change.locationId),
      entityType: 'StockLevel',
      sku: record.sku,
      locationId: change.locationId,
    },
  });
}
const typesOf = (events: PendingEvent[]) => events.map((event) => event.domainEvent.detailType);

describe('inventory-sync', () => {
  it('fires LowStock once per crossing, whatever the duplicates and replays', async () => {
    await putInventoryProduct({ sku: 'LAMP', reorderPoint: 5, reorderQuantity: 20, vendorId: 'acme' });
    const receipt = await move({ type: 'receipt', sku: 'LAMP', locationId: 'lisbon', quantity: 8 });
    await sync(aStreamEvent([receipt, receipt]));
    const sale = await move({
      type: 'pos_sale',
      sku: 'LAMP',
      locationId: 'lisbon',
      quantity: 4,
      occurredAt: '2026-11-22T10:00:00Z',
    });
    await sync(aStreamEvent([sale, sale, receipt]));
    await sync(aStreamEvent([sale]));
    const another = await move({
      type: 'pos_sale',
      sku: 'LAMP',
      locationId: 'lisbon',
      quantity: 1,
      occurredAt: '2026-11-22T10:01:00Z',
    });
    await sync(aStreamEvent([another, another]));
    expect(typesOf(published).filter((type) => type === 'LowStock')).toHaveLength(1);
    expect(typesOf(published).filter((type) => type === 'InventoryLevelChanged')).toHaveLength(3);
    expect(await getAggregate('LAMP')).toMatchObject({
      onHand: 3,
      availableToPromise: 3,
      lowStock: true,
      version: 3,
    });
  });

  it('suggests a purchase order to the vendor once stock falls below the reorder point, readable through the API', async () => {
    await putInventoryProduct({ sku: 'PLANTER', reorderPoint: 5, reorderQuantity: 20, vendorId: 'planters' });
    const suggestions = async () =>
      bodyOf(await getReplenishmentSuggestions(anApiEvent({ path: '/x', query: { vendorId: 'planters' } })))
        .suggestions;
    await sync(
      aStreamEvent([await move({ type: 'receipt', sku: 'PLANTER', locationId: 'lisbon', quantity: 8 })]),
    );
    expect(await suggestions()).toEqual([]);

    await sync(
      aStreamEvent([
        await move({
          type: 'pos_sale',
          sku: 'PLANTER',
          locationId: 'lisbon',
          quantity: 4,
          occurredAt: '2026-11-22T10:00:00Z',
        }),
      ]),
    );

    // Lisbon's share of the reorder point is 5 and it holds 4: it is owed one unit.
    expect(await suggestions()).toEqual([
      {
        vendorId: 'planters',
        lines: [
          expect.objectContaining({
            sku: 'PLANTER',
            quantity: 20,
            locations: [expect.objectContaining({ locationId: 'lisbon', quantity: 1 })],
          }),
        ],
      },
    ]);
    expect(
      published
        .filter((event) => event.domainEvent.detailType === 'ReplenishmentSuggested')
        .map((event) => event.domainEvent.detail),
    ).toEqual([expect.objectContaining({ vendorId: 'planters', sku: 'PLANTER', quantity: 20 })]);
  });

  it('retries the backordered orders waiting for a SKU when it comes back', async () => {
    const waiting = anOrder(
      { orderId: 'ORDER-WAITING', status: 'BACKORDERED' },
      { lines: [{ lineId: '1', sku: 'KETTLE', quantity: 1, unitPrice: 100, discount: 0, tax: 0 }] },
    );
    const other = anOrder({ orderId: 'ORDER-OTHER', status: 'BACKORDERED' }, { externalId: 'W-OTHER' });
    for (const order of [waiting, other]) expect(await createOrder(order)).toEqual({ created: true });
    await sync(
      aStreamEvent([
        await move({ type: 'cycle_count', sku: 'KETTLE', locationId: 'porto', countedQuantity: 0 }),
      ]),
    );
    await sync(
      aStreamEvent([await move({ type: 'receipt', sku: 'KETTLE', locationId: 'porto', quantity: 2 })]),
    );
    const retries = published.filter((event) => event.domainEvent.detailType === 'BackorderRetry');
    expect(retries.map((event) => event.domainEvent.detail)).toEqual([
      expect.objectContaining({ orderId: 'ORDER-WAITING', sku: 'KETTLE' }),
    ]);
    expect(typesOf(published)).toContain('BackInStock');
  });

  it('keeps events it could not publish and publishes them on the next delivery, with the same ids', async () => {
    const record = await move({ type: 'receipt', sku: 'TRAY', locationId: 'lisbon', quantity: 3 });
    publishing = 'fails';
    const failed = await sync(aStreamEvent([record]));
    expect(failed.batchItemFailures).toEqual([{ itemIdentifier: record.dynamodb?.SequenceNumber }]);
    publishing = 'works';
    expect((await sync(aStreamEvent([record]))).batchItemFailures).toEqual([]);
    expect(published.map((event) => event.domainEvent.detail.eventId)).toEqual(['TRAY:a1']);
    await sync(aStreamEvent([record]));
    expect(published).toHaveLength(1);
  });

  it('publishes details that match the event catalogue', async () => {
    await sync(
      aStreamEvent([await move({ type: 'receipt', sku: 'CATALOGUE', locationId: 'lisbon', quantity: 1 })]),
    );
    await sync(
      aStreamEvent([
        await move({
          type: 'adjustment',
          sku: 'CATALOGUE',
          locationId: 'lisbon',
          reason: 'loss',
          quantityDelta: -1,
        }),
      ]),
    );
    expect(typesOf(published)).toEqual(['InventoryLevelChanged', 'InventoryLevelChanged', 'OutOfStock']);
    for (const { domainEvent } of published) {
      const entry = INVENTORY_EVENT_CATALOGUE.find(
        (candidate) => candidate.detailType === domainEvent.detailType,
      )!;
      expect(entry.schema.safeParse(domainEvent.detail).success, domainEvent.detailType).toBe(true);
    }
  });

  it('ignores reservation markers and other items that hold no stock', async () => {
    const marker = aStreamRecord({
      newItem: {
        pk: 'SKU#TRAY',
        sk: 'RES#o-1#lisbon',
        entityType: 'Reservation',
        sku: 'TRAY',
        locationId: 'lisbon',
      },
    });
    expect(await sync(aStreamEvent([marker]))).toEqual({ batchItemFailures: [] });
    expect(published).toEqual([]);
  });

  it('feeds each channel the availability changes since a time', async () => {
    const since = new Date().toISOString();
    await sync(aStreamEvent([await move({ type: 'receipt', sku: 'RUG', locationId: 'porto', quantity: 4 })]));
    await sync(
      aStreamEvent([await move({ type: 'receipt', sku: 'RUG', locationId: 'lisbon', quantity: 1 })]),
    );
    const feed = async (channelId: string) =>
      bodyOf(
        await getChannelAvailability(
          anApiEvent({ path: '/x', pathParameters: { channelId }, query: { since } }),
        ),
      ).items;
    // porto serves web only: the marketplace sees lisbon's unit alone.
    expect(
      (await feed('web')).map((change: { sku: string; available: number }) => [change.sku, change.available]),
    ).toEqual([
      ['RUG', 4],
      ['RUG', 5],
    ]);
    expect(
      (await feed('marketplace')).map((change: { available: number; previous: number }) => [
        change.previous,
        change.available,
      ]),
    ).toEqual([[0, 1]]);
  });
});

describe('the inventory-sync metrics', () => {
  afterEach(() => vi.restoreAllMocks());
  const countOf = (addMetric: { mock: { calls: unknown[][] } }, name: string) =>
    addMetric.mock.calls
      .filter(([metric]) => metric === name)
      .reduce((sum, [, , value]) => sum + Number(value), 0);

  it('count a stock-out once, when it is decided, not each time its event is published', async () => {
    const addMetric = vi.spyOn(metrics, 'addMetric');
    await sync(
      aStreamEvent([await move({ type: 'receipt', sku: 'VASE', locationId: 'lisbon', quantity: 1 })]),
    );
    const sale = await move({
      type: 'pos_sale',
      sku: 'VASE',
      locationId: 'lisbon',
      quantity: 1,
      occurredAt: '2026-11-22T10:00:00Z',
    });
    publishing = 'fails';
    await sync(aStreamEvent([sale]));
    publishing = 'works';
    await sync(aStreamEvent([sale]));

    expect(typesOf(published)).toContain('OutOfStock');
    expect(countOf(addMetric, 'StockOuts')).toBe(1);
  });

  it('count the events EventBridge refused', async () => {
    const addMetric = vi.spyOn(metrics, 'addMetric');
    const record = await move({ type: 'receipt', sku: 'BOWL', locationId: 'lisbon', quantity: 2 });
    publishing = 'fails';

    await sync(aStreamEvent([record]));

    expect(countOf(addMetric, 'EventPublishFailures')).toBe(1);
  });
});
