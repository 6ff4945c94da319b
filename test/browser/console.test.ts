import type { Browser } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  putCarrierAccount,
  putCarrierServices,
  putChannel,
  putLocation,
} from '../../functions/data/config-repository.js';
import { putStockLevel } from '../../functions/data/inventory-repository.js';
import { newStockLevel } from '../../functions/domain/stock.js';
import { DEMO_CARRIER_SERVICES } from '../../lib/local/demo-data.js';
import { DEMO_SHIPPO_SECRETS } from '../../lib/local/local-config.js';
import { aShippoRate, aShippoShipment, aShippoTransaction, startFakeShippo } from '../helpers/fake-shippo.js';
import { aCanonicalOrder } from '../helpers/factories.js';
import { levelOf, routedFulfillmentOrders } from '../helpers/fulfillment.js';
import { startTestRuntime, type TestRuntime } from '../helpers/local-runtime.js';
import { aChannel, aLocation } from '../helpers/records.js';
import { PHONE, checkScreen, launchChromium, screenshotOnFailure, signedIn } from './console.js';

/**
 * The console end to end: a real Chromium against one local runtime, signed in as the demo people
 * (lib/local/demo-users.ts). Maria works at Chiado, Inês at Porto, Carla is customer service,
 * Oscar runs operations. Each case checks what the API holds afterwards, not only the screen.
 */
let local: TestRuntime;
let browser: Browser;
// The label provider: a stand-in for Shippo's API on 127.0.0.1, as in test/e2e/carriers-shippo.test.ts.
let shippo: Awaited<ReturnType<typeof startFakeShippo>>;
const LABEL_TRACKING = '9400111899223197428490';
const CHIADO = 'STORE-LIS-CHIADO';
const PORTO = 'STORE-POR-BAIXA';
const PORTO_ADDRESS = {
  name: 'Rui Costa',
  line1: 'Rua de Cedofeita 10',
  city: 'Porto',
  postalCode: '4050-174',
  country: 'PT',
  lat: 41.152,
  lon: -8.615,
};

beforeAll(async () => {
  [local, browser, shippo] = await Promise.all([
    startTestRuntime({ seed: false }),
    launchChromium(),
    startFakeShippo((request) =>
      request.path === '/shipments/'
        ? { status: 201, body: aShippoShipment([aShippoRate()]) }
        : { status: 201, body: aShippoTransaction() },
    ),
  ]);
  await putChannel(aChannel({ channelId: 'web', name: 'Web' }));
  await putCarrierServices(DEMO_CARRIER_SERVICES);
  await putCarrierAccount({
    carrierId: 'shippo',
    baseUrl: shippo.baseUrl,
    apiTokenSecretName: DEMO_SHIPPO_SECRETS.apiToken.name,
    webhookSecretName: DEMO_SHIPPO_SECRETS.webhook.name,
    active: true,
  });
  await putLocation(aLocation(CHIADO, { name: 'Lisbon Chiado store', lat: 38.7107, lon: -9.142 }));
  await putLocation(
    aLocation(PORTO, {
      name: 'Porto Santa Catarina store',
      lat: 41.149,
      lon: -8.606,
      // A source of transfers to other stores' click-and-collect (docs/routing.md).
      capabilities: ['ship', 'pickup', 'transfer'],
    }),
  );
  const now = new Date().toISOString();
  await Promise.all([
    putStockLevel(newStockLevel({ sku: 'MUG-BLUE', locationId: CHIADO, onHand: 10, now })),
    putStockLevel(newStockLevel({ sku: 'TOTE-CANVAS', locationId: CHIADO, onHand: 6, now })),
    putStockLevel(newStockLevel({ sku: 'VASE', locationId: PORTO, onHand: 5, now })),
    putStockLevel(newStockLevel({ sku: 'LAMP', locationId: CHIADO, onHand: 3, now })),
    putStockLevel(newStockLevel({ sku: 'LAMP', locationId: PORTO, onHand: 8, now })),
    putStockLevel(newStockLevel({ sku: 'CANDLE', locationId: PORTO, onHand: 4, now })),
  ]);
});
afterEach(async (context) => {
  if (context.task.result?.state === 'fail') await screenshotOnFailure(context.task.name);
});
afterAll(async () => {
  await browser?.close();
  await local?.stop();
  await shippo?.close();
});

type Line = { lineId: string; sku: string; name: string; quantity: number };

async function routedOrder(externalId: string, lines: Line[], overrides = {}) {
  const posted = await local.postSignedOrder(
    JSON.stringify(
      aCanonicalOrder({
        externalId,
        lines: lines.map((line) => ({ ...line, unitPrice: 1200, discount: 0, tax: 0 })),
        totals: undefined,
        ...overrides,
      }),
    ),
  );
  expect(posted.status).toBe(202);
  const { orderId } = (await posted.json()) as { orderId: string };
  const [fo] = await routedFulfillmentOrders(local, orderId);
  return { orderId, fulfillmentOrderId: fo!.fulfillmentOrderId, locationId: fo!.locationId };
}

const MUGS: Line = { lineId: '1', sku: 'MUG-BLUE', name: 'Blue mug', quantity: 2 };

describe('the store associate', () => {
  it('ships an order end to end on a phone, scanning each unit, and the order becomes SHIPPED', async () => {
    const { orderId, locationId } = await routedOrder('W-CON-1', [MUGS]);
    expect(locationId).toBe(CHIADO);
    const { page, context } = await signedIn(browser, local.url, 'maria', PHONE);
    const item = page.getByRole('link', { name: /Ship to customer/ }).filter({ hasText: orderId });
    await item.waitFor();
    await checkScreen(page, 'queue');

    await item.click();
    await page.getByRole('button', { name: 'Accept' }).click();
    const scan = page.getByLabel('Scan or type a SKU');
    await scan.fill('NOT-HERE');
    await scan.press('Enter');
    await expect
      .poll(() => page.getByRole('status').first().textContent())
      .toContain('not on this pick list');
    await scan.fill('MUG-BLUE');
    await scan.press('Enter');
    await page.getByRole('button', { name: 'Short pick: 1 not found' }).waitFor();
    await checkScreen(page, 'pick-list');
    await scan.fill('MUG-BLUE');
    await scan.press('Enter');
    await page.getByRole('button', { name: 'Picked everything' }).click();
    await page.getByRole('button', { name: 'Pack into 1 package' }).click();
    await page.getByLabel('Carrier').selectOption('CTT');
    await page.getByLabel('Tracking number').fill('CTT-CONSOLE-1');
    await checkScreen(page, 'ship');
    await page.getByRole('button', { name: 'Ship this package' }).click();
    await page.getByRole('heading', { name: /SHIPPED/ }).waitFor();
    await page.getByText(/CTT-CONSOLE-1/).waitFor();

    const order = await local.orderWithStatus<{
      status: string;
      fulfillmentOrders: { shipments: unknown[] }[];
    }>(orderId, 'SHIPPED');
    expect(order.fulfillmentOrders[0]!.shipments).toMatchObject([
      { carrier: 'CTT', trackingNumber: 'CTT-CONSOLE-1' },
    ]);
    await context.close();
  });

  it('hands a click-and-collect over with the code the customer shows', async () => {
    const { orderId, fulfillmentOrderId } = await routedOrder(
      'W-CON-2',
      [{ lineId: '1', sku: 'TOTE-CANVAS', name: 'Canvas tote', quantity: 1 }],
      { fulfillment: { type: 'pickup', locationId: CHIADO } },
    );
    const { page, context } = await signedIn(browser, local.url, 'maria', PHONE);
    await page.goto(`${local.url}/console/#/fulfillment-orders/${fulfillmentOrderId}`);
    await page.getByRole('button', { name: 'Accept' }).click();
    await page.getByLabel('Scan or type a SKU').fill('TOTE-CANVAS');
    await page.getByLabel('Scan or type a SKU').press('Enter');
    await page.getByRole('button', { name: 'Picked everything' }).click();
    await page.getByRole('button', { name: 'Ready for pick-up' }).click();
    const code = await vi.waitFor(
      () => {
        const ready = local.published.find(
          (event) =>
            event['detail-type'] === 'OrderReadyForPickup' &&
            event.detail.fulfillmentOrderId === fulfillmentOrderId,
        );
        if (!ready) throw new Error('not announced yet');
        return String(ready.detail.pickupCode);
      },
      { timeout: 10_000, interval: 100 },
    );
    const field = page.getByLabel(/Pick-up code/);
    await field.fill(code === '000000' ? '111111' : '000000');
    await page.getByRole('button', { name: 'Hand over' }).click();
    await page.getByRole('alert').waitFor();
    await field.fill(code);
    await checkScreen(page, 'hand-over');
    await page.getByRole('button', { name: 'Hand over' }).click();
    await page.getByRole('heading', { name: /PICKED UP/ }).waitFor();
    await local.orderWithStatus(orderId, 'DELIVERED');
    await context.close();
  });

  it("never sees another store's work, in the queue or by its address", async () => {
    const porto = await routedOrder('W-CON-3', [{ lineId: '1', sku: 'VASE', name: 'Vase', quantity: 1 }], {
      shippingAddress: PORTO_ADDRESS,
    });
    expect(porto.locationId).toBe(PORTO);
    const ines = await signedIn(browser, local.url, 'ines', PHONE);
    await ines.page
      .getByRole('link', { name: /Ship to customer/ })
      .filter({ hasText: porto.orderId })
      .waitFor();
    await ines.context.close();

    const { page, context } = await signedIn(browser, local.url, 'maria', PHONE);
    await page.getByRole('heading', { name: CHIADO }).waitFor();
    await expect.poll(() => page.getByRole('status').count()).toBe(0);
    expect(await page.getByRole('combobox', { name: 'Location' }).count()).toBe(0);
    expect(await page.locator('main').textContent()).not.toContain(porto.orderId);
    await page.goto(`${local.url}/console/#/fulfillment-orders/${porto.fulfillmentOrderId}`);
    await page.getByRole('alert').waitFor();
    expect(await page.getByRole('button', { name: 'Accept' }).count()).toBe(0);
    expect(await page.getByRole('link', { name: 'Orders' }).count()).toBe(0);
    await context.close();
  });

  it('packs an order into two packages, buys a label for one and ships the other with a typed tracking number', async () => {
    const { orderId, fulfillmentOrderId } = await routedOrder('W-CON-6', [
      MUGS,
      { lineId: '2', sku: 'TOTE-CANVAS', name: 'Canvas tote', quantity: 1 },
    ]);
    const { page, context } = await signedIn(browser, local.url, 'maria', PHONE);
    await page.goto(`${local.url}/console/#/fulfillment-orders/${fulfillmentOrderId}`);
    await page.getByRole('button', { name: 'Accept' }).click();
    const scan = page.getByLabel('Scan or type a SKU');
    for (const [sku, missing] of [
      ['MUG-BLUE', 2],
      ['MUG-BLUE', 1],
    ] as const) {
      await scan.fill(sku);
      await scan.press('Enter');
      await page.getByRole('button', { name: `Short pick: ${missing} not found` }).waitFor();
    }
    await scan.fill('TOTE-CANVAS');
    await scan.press('Enter');
    await page.getByRole('button', { name: 'Picked everything' }).click();

    const first = page.getByRole('group', { name: 'Package 1' });
    await first.getByLabel(/Canvas tote/).fill('0');
    await first.getByLabel('Weight (g)').fill('900');
    await first.getByLabel('Length (cm)').fill('30');
    await first.getByLabel('Width (cm)').fill('20');
    await first.getByLabel('Height (cm)').fill('15');
    await page.getByRole('button', { name: 'Add a package' }).click();
    const second = page.getByRole('group', { name: 'Package 2' });
    await second.getByLabel(/Canvas tote/).fill('1');
    await second.getByLabel('Weight (g)').fill('400');
    await checkScreen(page, 'pack');
    await page.getByRole('button', { name: 'Pack into 2 packages' }).click();

    const one = page.getByRole('region', { name: 'Package 1 of 2' });
    await one.getByRole('button', { name: 'Buy a label' }).click();
    await one.getByRole('link', { name: 'Print the label' }).waitFor();
    expect(await one.textContent()).toContain(LABEL_TRACKING);
    expect(await page.getByRole('region', { name: 'Package 2 of 2' }).textContent()).toContain(
      'A label can be bought for a package packed with its weight and size.',
    );
    await checkScreen(page, 'label');
    const purchases = () => shippo.requests.filter((request) => request.path === '/transactions/').length;
    expect(purchases()).toBe(1);
    // A reload forgets the label on the screen; buying again answers the one bought, not a second.
    await page.reload();
    await one.getByRole('button', { name: 'Buy a label' }).click();
    await one.getByRole('link', { name: 'Print the label' }).waitFor();
    expect(purchases()).toBe(1);
    await one.getByRole('button', { name: 'Ship with this label' }).click();
    await page.getByRole('heading', { name: /PARTIALLY SHIPPED/ }).waitFor();
    const two = page.getByRole('region', { name: 'Package 2 of 2' });
    await two.getByLabel('Carrier').selectOption('CTT');
    await two.getByLabel('Tracking number').fill('CTT-CONSOLE-6');
    await two.getByRole('button', { name: 'Ship this package' }).click();
    await page.getByRole('heading', { name: 'Ship to customer SHIPPED', exact: true }).waitFor();

    const order = await local.orderWithStatus<{
      status: string;
      fulfillmentOrders: { packages: unknown[]; shipments: unknown[] }[];
    }>(orderId, 'SHIPPED');
    expect(order.fulfillmentOrders[0]!.packages).toMatchObject([
      {
        lines: [{ lineId: '1', quantity: 2 }],
        weightGrams: 900,
        dimensionsCm: { length: 30, width: 20, height: 15 },
      },
      { lines: [{ lineId: '2', quantity: 1 }], weightGrams: 400 },
    ]);
    expect(order.fulfillmentOrders[0]!.shipments).toMatchObject([
      { carrier: 'USPS', trackingNumber: LABEL_TRACKING, lines: [{ lineId: '1', quantity: 2 }] },
      { carrier: 'CTT', trackingNumber: 'CTT-CONSOLE-6', lines: [{ lineId: '2', quantity: 1 }] },
    ]);
    expect(shippo.requests.find((request) => request.path === '/shipments/')?.body).toMatchObject({
      parcels: [{ weight: '900', mass_unit: 'g', length: '30', distance_unit: 'cm' }],
    });
    await context.close();
  });

  it('ships a transfer out of Porto, shown as such, and Chiado receives it with its units', async () => {
    const posted = await local.postSignedOrder(
      JSON.stringify(
        aCanonicalOrder({
          externalId: 'W-CON-7',
          lines: [
            { lineId: '1', sku: 'CANDLE', name: 'Candle', quantity: 1, unitPrice: 900, discount: 0, tax: 0 },
          ],
          totals: undefined,
          fulfillment: { type: 'pickup', locationId: CHIADO },
        }),
      ),
    );
    const { orderId } = (await posted.json()) as { orderId: string };
    const transfer = (await routedFulfillmentOrders(local, orderId)).find((fo) => fo.kind === 'transfer')!;
    expect(transfer).toMatchObject({ locationId: PORTO, transferTo: CHIADO });

    const ines = await signedIn(browser, local.url, 'ines', PHONE);
    const outgoing = ines.page
      .getByRole('link', { name: new RegExp(`Transfer out to ${CHIADO}`) })
      .filter({ hasText: orderId });
    await outgoing.waitFor();
    await checkScreen(ines.page, 'transfer-out');
    await outgoing.click();
    await ines.page.getByRole('button', { name: 'Accept' }).click();
    await ines.page.getByLabel('Scan or type a SKU').fill('CANDLE');
    await ines.page.getByLabel('Scan or type a SKU').press('Enter');
    await ines.page.getByRole('button', { name: 'Picked everything' }).click();
    await ines.page.getByRole('button', { name: 'Pack into 1 package' }).click();
    await ines.page.getByLabel('Tracking number').fill('CTT-TRANSFER-7');
    await ines.page.getByRole('button', { name: 'Ship this package' }).click();
    await ines.page
      .getByRole('heading', { name: `Transfer out to ${CHIADO} SHIPPED`, exact: true })
      .waitFor();
    await ines.context.close();

    const { page, context } = await signedIn(browser, local.url, 'maria', PHONE);
    const incoming = page
      .getByRole('link', { name: new RegExp(`Transfer in from ${PORTO}`) })
      .filter({ hasText: 'On its way here' });
    await incoming.waitFor();
    await incoming.click();
    await page.getByRole('button', { name: 'Received at this store' }).click();
    await page.getByText(`Received 1 unit at ${CHIADO}`).waitFor();
    await checkScreen(page, 'transfer-in');
    expect(
      await local.getJson<{ status: string }>(`/v1/fulfillment-orders/${transfer.fulfillmentOrderId}`),
    ).toMatchObject({ status: 'READY_FOR_PICKUP', lines: [{ shipped: 1 }] });
    await vi.waitFor(
      () =>
        expect(
          local.published.filter(
            (event) =>
              event['detail-type'] === 'FulfillmentOrderReceived' &&
              event.detail.fulfillmentOrderId === transfer.fulfillmentOrderId,
          ),
        ).toHaveLength(1),
      { timeout: 10_000, interval: 100 },
    );
    await context.close();
  });
});

describe('customer service', () => {
  it('finds an order, cancels a line, and the stock is released', async () => {
    const { orderId } = await routedOrder('W-CON-4', [
      { lineId: '1', sku: 'MUG-BLUE', name: 'Blue mug', quantity: 1 },
      { lineId: '2', sku: 'TOTE-CANVAS', name: 'Canvas tote', quantity: 2 },
    ]);
    const before = await levelOf(local, 'TOTE-CANVAS', CHIADO);
    const { page, context } = await signedIn(browser, local.url, 'carla');
    await page.getByLabel('Customer email or phone').fill('ana@example.com');
    await page.getByRole('button', { name: 'Find their orders' }).click();
    await page.getByRole('link', { name: /W-CON-4/ }).waitFor();
    await checkScreen(page, 'find-order');
    await page.getByLabel('Order id', { exact: true }).fill(orderId);
    await page.getByRole('button', { name: 'Open' }).click();
    await page.getByRole('heading', { name: /Order W-CON-4/ }).waitFor();
    await checkScreen(page, 'order');
    await page
      .getByRole('form', { name: 'Cancel lines' })
      .getByLabel(/Canvas tote/)
      .fill('2');
    await page.getByRole('button', { name: 'Cancel these units' }).click();
    const canceled = page
      .getByRole('row', { name: /Canvas tote/ })
      .getByRole('cell')
      .nth(3);
    await expect.poll(() => canceled.textContent(), { timeout: 20_000 }).toBe('2');
    await vi.waitFor(
      async () =>
        expect(await levelOf(local, 'TOTE-CANVAS', CHIADO)).toMatchObject({
          reserved: before!.reserved - 2,
          available: before!.available + 2,
        }),
      { timeout: 10_000, interval: 200 },
    );
    expect(await page.getByRole('link', { name: 'Replenishment' }).count()).toBe(0);
    await context.close();
  });
});

describe('operations', () => {
  it("see a SKU's stock across every location, replenishment, overdue work and a draft rule set's simulation", async () => {
    const { page, context } = await signedIn(browser, local.url, 'oscar');
    await page.getByRole('link', { name: 'Stock' }).click();
    await page.getByLabel('SKU').fill('LAMP');
    await page.getByRole('button', { name: 'Show stock' }).click();
    const table = page.getByRole('table', { name: 'Stock of LAMP by location' });
    await table.waitFor();
    const rows = await table.locator('tbody tr').allTextContents();
    expect(rows).toEqual([
      expect.stringMatching(new RegExp(`^${CHIADO}3`)),
      expect.stringMatching(new RegExp(`^${PORTO}8`)),
    ]);
    await checkScreen(page, 'stock');
    await page.getByRole('link', { name: 'Replenishment' }).click();
    await page.getByRole('heading', { name: 'Replenishment' }).waitFor();
    await page
      .getByText(/No SKU is below|Suggested purchase order/)
      .first()
      .waitFor();
    await page.getByRole('link', { name: 'Overdue' }).click();
    await page
      .getByText(/Nothing is overdue|Most overdue first/)
      .first()
      .waitFor();
    await checkScreen(page, 'overdue');

    const { orderId } = await routedOrder('W-CON-5', [MUGS]);
    await page.getByRole('link', { name: 'Rule sets' }).click();
    await page.getByLabel(/Order ids/).fill(orderId);
    await page.getByRole('button', { name: 'Compare draft with active' }).click();
    const comparison = page.getByRole('table', { name: /Draft against active/ });
    await comparison.waitFor();
    expect(await comparison.locator('tbody tr').allTextContents()).toEqual([
      expect.stringMatching(/^W-CON-51(\d|\.)+01(\d|\.)+0$/),
    ]);
    await checkScreen(page, 'simulation');
    await context.close();
  });

  // Ops screens: dead letters with redrive, KPI charts (#15, item 3).
  it('see a dead-lettered routing message by its ids and redrive it; the router takes it once more and routes nothing twice', async () => {
    const { orderId } = await routedOrder('W-CON-DLQ', [MUGS]);
    const routing = local.routingQueueMessages.find(
      (message) => message['detail-type'] === 'OrderReceived' && message.detail.orderId === orderId,
    );
    // As EventBridge leaves an event it could not deliver to the queue: beside the consumer's dead letters.
    local.runtime.queues.routing.deadLetterQueue!.send(JSON.stringify(routing));
    const { page, context } = await signedIn(browser, local.url, 'oscar');
    await page.getByRole('link', { name: 'Dead letters' }).click();
    const card = page.getByRole('region', { name: 'RoutingQueue' });
    const peek = card.getByRole('table', { name: /First messages of RoutingQueue/ });
    await peek.waitFor();
    expect(await peek.locator('tbody tr').allTextContents()).toEqual([
      expect.stringContaining(`OrderReceivedorder ${orderId}`),
    ]);
    expect(await card.textContent()).not.toMatch(/ana@example\.com|Ana /);
    await card.getByRole('button', { name: 'Redrive RoutingQueue' }).click();
    await card.getByRole('group', { name: 'Confirm the redrive of RoutingQueue' }).waitFor();
    await checkScreen(page, 'dead-letters');
    await card.getByRole('button', { name: 'Yes, redrive' }).click();
    await card.getByRole('status').filter({ hasText: 'Redrive of RoutingQueue started by oscar' }).waitFor();
    await card.getByText('last redrive completed, 1 moved').waitFor();

    const { queues } = await local.getJson<{ queues: { queue: string; messages: number }[] }>(
      '/v1/ops/dead-letters',
    );
    expect(queues.find((queue) => queue.queue === 'RoutingQueue')?.messages).toBe(0);
    await vi.waitFor(() => expect(local.runtime.queues.routing.messages()).toEqual([]), {
      timeout: 10_000,
      interval: 100,
    });
    expect(await routedFulfillmentOrders(local, orderId)).toHaveLength(1);
    await context.close();
  });

  it('see sales per day and per channel and the fulfillment KPIs as charts with their figures', async () => {
    const { page, context } = await signedIn(browser, local.url, 'oscar');
    await page.getByRole('link', { name: 'KPIs' }).click();
    const perChannel = page.getByRole('table', { name: 'Sales per channel, EUR' });
    // The reports are built from the Orders stream: the orders above arrive there in a moment.
    await vi.waitFor(
      async () => {
        await page.getByRole('button', { name: 'Show' }).click();
        expect(await perChannel.locator('tbody tr').allTextContents()).toEqual([
          expect.stringMatching(/^web\d+\d+/),
        ]);
      },
      { timeout: 20_000, interval: 500 },
    );
    await page.getByRole('img', { name: /Revenue per day, EUR/ }).waitFor();
    expect(
      await page.getByRole('img', { name: /Revenue per channel, EUR/ }).getAttribute('aria-labelledby'),
    ).toBe('sales-channel-EUR-title sales-channel-EUR-desc');
    expect(await page.locator('#sales-channel-EUR-desc').textContent()).toMatch(/^web: €/);
    const kpis = page.getByRole('table', { name: 'Fulfillment KPIs' });
    expect(await kpis.getByRole('row', { name: /Fill rate/ }).textContent()).toMatch(/Fill rate\d+\.\d %/);
    await page.getByRole('img', { name: /Fulfillment rates/ }).waitFor();
    await page.getByRole('img', { name: /Time to route and to ship/ }).waitFor();
    await checkScreen(page, 'kpis');
    await context.close();
  });

  it('offers the sign-in page with every person of the local issuer and no machine client', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${local.url}/console/`);
    await page.getByRole('button', { name: /^maria\b/ }).waitFor();
    expect(await page.getByRole('button', { name: /web-storefront/ }).count()).toBe(0);
    await checkScreen(page, 'sign-in');
    await context.close();
  });
});
