import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  putCarrierAccount,
  putCarrierServices,
  putChannel,
  putLocation,
} from '../../functions/data/config-repository.js';
import { putStockLevel } from '../../functions/data/inventory-repository.js';
import { shipBodyFor } from '../../functions/domain/fulfillment/carrier.js';
import { signOmsPayload } from '../../functions/domain/signature.js';
import { newStockLevel } from '../../functions/domain/stock.js';
import type { Label } from '../../functions/fulfillment/carriers/label-request.js';
import { SHIPPO_SIGNATURE_HEADER } from '../../functions/fulfillment/carriers/shippo-webhook.js';
import { DEMO_CARRIER_SERVICES } from '../../lib/local/demo-data.js';
import { DEMO_SHIPPO_SECRETS } from '../../lib/local/local-config.js';
import { aCanonicalOrder } from '../helpers/factories.js';
import {
  aShippoRate,
  aShippoShipment,
  aShippoTransaction,
  startFakeShippo,
  type ShippoReply,
  type ShippoRequest,
} from '../helpers/fake-shippo.js';
import { actOk, routedFulfillmentOrders } from '../helpers/fulfillment.js';
import { startTestRuntime, type TestRuntime } from '../helpers/local-runtime.js';
import { aChannel, aLocation } from '../helpers/records.js';
import { fetchAs, type TokenPrincipal } from '../helpers/tokens.js';

/**
 * A label bought through Shippo (a fake on 127.0.0.1) and the parcel tracked by Shippo's signed
 * webhook, on the local runtime: Ana at Baixa packs, buys the label, ships with it; Shippo says
 * the parcel is in transit, then delivered, and the order becomes DELIVERED. A forged call
 * changes nothing, a replayed one changes nothing twice, and a Shippo outage is a 503.
 */
let local: TestRuntime;
let shippo: Awaited<ReturnType<typeof startFakeShippo>>;
let reply: (request: ShippoRequest) => ShippoReply;

const ANA: TokenPrincipal = { role: 'store', sub: 'ana', locationIds: ['STORE-BAIXA'] };
const RUI: TokenPrincipal = { role: 'store', sub: 'rui', locationIds: ['STORE-PORTO'] };
const SKU = 'LAMP-GREEN';
const TRACKING_NUMBER = '9400111899223197428490';
const PACKAGE = { weightGrams: 1200, dimensionsCm: { length: 30, width: 20, height: 15 } };

const shippoAnswers = (request: ShippoRequest): ShippoReply =>
  request.path === '/shipments/'
    ? {
        status: 201,
        body: aShippoShipment([
          aShippoRate(),
          aShippoRate({ object_id: 'rate-ups', amount: '12.40', provider: 'UPS' }),
        ]),
      }
    : { status: 201, body: aShippoTransaction() };

beforeAll(async () => {
  shippo = await startFakeShippo((request) => reply(request));
  reply = shippoAnswers;
  local = await startTestRuntime({ seed: false });
  await putChannel(aChannel({ channelId: 'web', name: 'Web' }));
  await putLocation(
    aLocation('STORE-BAIXA', {
      address: { line1: 'Rua Augusta 10', city: 'Lisboa', postalCode: '1100-048', country: 'PT' },
      lat: 38.7107,
      lon: -9.1374,
    }),
  );
  await putLocation(aLocation('STORE-PORTO', { lat: 41.1496, lon: -8.611 }));
  await putCarrierServices(DEMO_CARRIER_SERVICES);
  await putCarrierAccount({
    carrierId: 'shippo',
    baseUrl: shippo.baseUrl,
    apiTokenSecretName: DEMO_SHIPPO_SECRETS.apiToken.name,
    webhookSecretName: DEMO_SHIPPO_SECRETS.webhook.name,
    active: true,
  });
  const now = new Date().toISOString();
  await putStockLevel(newStockLevel({ sku: SKU, locationId: 'STORE-BAIXA', onHand: 20, now }));
});
afterAll(async () => {
  await local?.stop();
  await shippo?.close();
});

/** An order routed to Baixa, accepted, picked and packed into one weighed package. */
async function packedOrder(externalId: string) {
  const posted = await local.postSignedOrder(
    JSON.stringify(
      aCanonicalOrder({
        externalId,
        lines: [
          { lineId: '1', sku: SKU, name: 'Green lamp', quantity: 1, unitPrice: 4900, discount: 0, tax: 0 },
        ],
        totals: undefined,
      }),
    ),
  );
  expect(posted.status).toBe(202);
  const { orderId } = (await posted.json()) as { orderId: string };
  const [fo] = await routedFulfillmentOrders(local, orderId);
  const fulfillmentOrderId = fo!.fulfillmentOrderId;
  await actOk(local, fulfillmentOrderId, 'accept', {}, { as: ANA });
  await actOk(local, fulfillmentOrderId, 'pick', { lines: [{ lineId: '1', quantity: 1 }] }, { as: ANA });
  const packed = await actOk(
    local,
    fulfillmentOrderId,
    'pack',
    { packages: [{ lines: [{ lineId: '1', quantity: 1 }], ...PACKAGE }] },
    { as: ANA },
  );
  return { orderId, fulfillmentOrderId, packageId: packed.packages[0]!.packageId };
}

const buyLabel = (fulfillmentOrderId: string, body: unknown, key: string, as: TokenPrincipal = ANA) =>
  fetchAs(
    local.url,
    `/v1/fulfillment-orders/${fulfillmentOrderId}/labels`,
    {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': key },
      body: JSON.stringify(body),
    },
    as,
  );

function postTracking(
  status: 'TRANSIT' | 'DELIVERED',
  options: { secret?: string; statusDate?: string } = {},
) {
  const body = JSON.stringify({
    event: 'track_updated',
    test: false,
    data: {
      carrier: 'usps',
      tracking_number: TRACKING_NUMBER,
      tracking_status: { status, status_date: options.statusDate ?? new Date().toISOString() },
    },
  });
  const signature = signOmsPayload(
    options.secret ?? DEMO_SHIPPO_SECRETS.webhook.value,
    body,
    Math.floor(Date.now() / 1000),
  );
  return fetch(`${local.url}/v1/carriers/shippo/tracking`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', [SHIPPO_SIGNATURE_HEADER]: signature },
    body,
  });
}

const fulfillmentOrder = (fulfillmentOrderId: string) =>
  local.getJson<{ status: string; shipments: { status: string }[] }>(
    `/v1/fulfillment-orders/${fulfillmentOrderId}`,
  );
const published = (detailType: string, fulfillmentOrderId: string) =>
  local.published.filter(
    (event) =>
      event['detail-type'] === detailType &&
      (event.detail as { fulfillmentOrderId?: string }).fulfillmentOrderId === fulfillmentOrderId,
  );

describe('a Shippo label, bought and tracked', () => {
  it('buys the label for a packed package, ships with it, and follows it to the door by signed webhooks', async () => {
    const { orderId, fulfillmentOrderId, packageId } = await packedOrder('W-LABEL-1');
    const calls = shippo.requests.length;

    const bought = await buyLabel(fulfillmentOrderId, { packageId }, 'label-1');
    expect(bought.status).toBe(201);
    const label = (await bought.json()) as Label;
    expect(label).toMatchObject({
      fulfillmentOrderId,
      carrier: 'USPS',
      service: 'usps_priority',
      trackingNumber: TRACKING_NUMBER,
      labelUrl: 'https://shippo-delivery.example/label-1.pdf',
      cost: { amount: 785, currency: 'USD' },
      packageId,
      boughtBy: { sub: 'ana', role: 'store' },
    });
    const [shipment, transaction] = shippo.requests.slice(calls);
    expect(shipment?.headers.authorization).toBe(`ShippoToken ${DEMO_SHIPPO_SECRETS.apiToken.value}`);
    expect(shipment?.body).toMatchObject({
      address_from: { street1: 'Rua Augusta 10', country: 'PT' },
      address_to: { name: 'Ana Silva', street1: 'Rua Augusta 100', country: 'PT' },
      parcels: [{ weight: '1200', mass_unit: 'g', length: '30', distance_unit: 'cm' }],
    });
    expect(transaction?.body).toMatchObject({ rate: 'rate-usps-priority' });

    // The phone lost the answer and sent it again: the same label, and nothing bought twice.
    const retried = await buyLabel(fulfillmentOrderId, { packageId }, 'label-1');
    expect(retried.status).toBe(200);
    expect(await retried.json()).toEqual(label);
    expect(shippo.requests).toHaveLength(calls + 2);

    const shipped = await actOk(local, fulfillmentOrderId, 'ship', shipBodyFor(label), { as: ANA });
    expect(shipped.status).toBe('SHIPPED');

    // Signed with another secret: refused, and the shipment stays where it was.
    expect((await postTracking('DELIVERED', { secret: 'not-the-secret' })).status).toBe(401);
    expect(await fulfillmentOrder(fulfillmentOrderId)).toMatchObject({
      status: 'SHIPPED',
      shipments: [{ status: 'SHIPPED' }],
    });

    expect((await postTracking('TRANSIT')).status).toBe(200);
    expect((await fulfillmentOrder(fulfillmentOrderId)).status).toBe('IN_TRANSIT');

    const replayed = await postTracking('TRANSIT');
    expect(replayed.status).toBe(200);
    expect(await replayed.json()).toMatchObject({ status: 'applied', moved: 0, unchanged: 1 });

    const delivered = await postTracking('DELIVERED');
    expect(await delivered.json()).toMatchObject({ status: 'applied', moved: 1 });
    expect(await fulfillmentOrder(fulfillmentOrderId)).toMatchObject({
      status: 'DELIVERED',
      shipments: [{ status: 'DELIVERED' }],
    });
    await local.orderWithStatus(orderId, 'DELIVERED');
    await vi.waitFor(() => expect(published('ShipmentDelivered', fulfillmentOrderId)).toHaveLength(1), {
      timeout: 10_000,
    });
    expect(published('ShipmentInTransit', fulfillmentOrderId)).toHaveLength(1);

    const tracking = await local.getJson<Record<string, unknown>>(`/v1/orders/${orderId}/tracking`);
    expect(tracking).toMatchObject({
      status: 'DELIVERED',
      shipments: [
        {
          carrier: 'USPS',
          trackingNumber: TRACKING_NUMBER,
          trackingUrl: expect.stringContaining(TRACKING_NUMBER),
          status: 'DELIVERED',
        },
      ],
    });
  });

  it('refuses a webhook with a bad signature with a 401 problem, and nothing moves', async () => {
    const forged = await postTracking('DELIVERED', { secret: 'not-the-secret' });
    expect(forged.status).toBe(401);
    expect(forged.headers.get('content-type')).toBe('application/problem+json');
    expect(await forged.json()).toMatchObject({ status: 401, detail: 'Signature does not match the body.' });

    const unsigned = await fetch(`${local.url}/v1/carriers/shippo/tracking`, { method: 'POST', body: '{}' });
    expect(unsigned.status).toBe(401);
  });

  it('ignores tracking numbers that are not ours, so Shippo stops sending them', async () => {
    const body = JSON.stringify({
      event: 'track_updated',
      data: { carrier: 'usps', tracking_number: 'NOT-OURS', tracking_status: { status: 'TRANSIT' } },
    });
    const response = await fetch(`${local.url}/v1/carriers/shippo/tracking`, {
      method: 'POST',
      headers: {
        [SHIPPO_SIGNATURE_HEADER]: signOmsPayload(
          DEMO_SHIPPO_SECRETS.webhook.value,
          body,
          Math.floor(Date.now() / 1000),
        ),
      },
      body,
    });
    expect(await response.json()).toEqual({
      status: 'ignored',
      reason: 'no shipment with tracking number NOT-OURS',
    });
  });

  it('answers 503 with Retry-After when Shippo fails, and stores no label', async () => {
    const { fulfillmentOrderId, packageId } = await packedOrder('W-LABEL-DOWN');
    reply = () => ({ status: 502, body: { detail: 'upstream carrier down' } });
    const failed = await buyLabel(fulfillmentOrderId, { packageId }, 'label-down');
    expect(failed.status).toBe(503);
    expect(failed.headers.get('retry-after')).toBe('30');
    expect(failed.headers.get('content-type')).toBe('application/problem+json');

    reply = shippoAnswers;
    // Nothing was stored under the key: the retry buys the label now.
    expect((await buyLabel(fulfillmentOrderId, { packageId }, 'label-down')).status).toBe(201);
  });

  it('sells labels to the shipping location only, for packed work, with a weighed parcel', async () => {
    const { fulfillmentOrderId, packageId } = await packedOrder('W-LABEL-403');
    const calls = shippo.requests.length;
    const elsewhere = await buyLabel(fulfillmentOrderId, { packageId }, 'label-rui', RUI);
    expect(elsewhere.status).toBe(403);

    const both = await buyLabel(fulfillmentOrderId, { packageId, parcel: PACKAGE }, 'label-both');
    expect(both.status).toBe(400);
    const unknown = await buyLabel(fulfillmentOrderId, { packageId: 'PKG-NONE' }, 'label-unknown');
    expect(await unknown.json()).toMatchObject({ status: 400, errors: [{ path: 'packageId' }] });
    expect(shippo.requests).toHaveLength(calls);

    const missing = await buyLabel('FO-NONE', { packageId }, 'label-none');
    expect(missing.status).toBe(404);
  });
});
