import { afterEach, describe, expect, it } from 'vitest';
import type { LabelRequest } from '../../../functions/domain/fulfillment/carrier.js';
import { CarrierApiError, createShippoClient } from '../../../functions/fulfillment/carriers/shippo.js';
import {
  aShippoRate,
  aShippoShipment,
  aShippoTransaction,
  FAKE_SHIPPO_TOKEN,
  startFakeShippo,
  type ShippoReply,
  type ShippoRequest,
} from '../../helpers/fake-shippo.js';

const REQUEST: LabelRequest = {
  fulfillmentOrderId: 'FO-1',
  from: {
    name: 'Store LA',
    line1: '100 Main St',
    city: 'Los Angeles',
    region: 'CA',
    postalCode: '90012',
    country: 'US',
  },
  to: {
    name: 'Ana Silva',
    line1: '1 Ocean Ave',
    city: 'San Diego',
    region: 'CA',
    postalCode: '92101',
    country: 'US',
  },
  parcel: { weightGrams: 850, dimensionsCm: { length: 30, width: 20, height: 10 } },
};

const RATES = [
  aShippoRate(),
  aShippoRate({
    object_id: 'rate-usps-ground',
    amount: '5.5',
    servicelevel: { token: 'usps_ground_advantage' },
  }),
  aShippoRate({
    object_id: 'rate-ups-ground',
    amount: '9.10',
    provider: 'UPS',
    servicelevel: { token: 'ups_ground' },
  }),
];

let fake: Awaited<ReturnType<typeof startFakeShippo>> | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

/** Starts the fake answering shipments and transactions as given, and a client pointed at it. */
async function shippo(
  answers: { shipment?: ShippoReply; transaction?: ShippoReply } = {},
  options: { timeoutMs?: number; maxResponseBytes?: number } = {},
) {
  fake = await startFakeShippo((request: ShippoRequest) =>
    request.path === '/shipments/'
      ? (answers.shipment ?? { status: 201, body: aShippoShipment(RATES) })
      : (answers.transaction ?? { status: 201, body: aShippoTransaction() }),
  );
  return createShippoClient({ apiToken: FAKE_SHIPPO_TOKEN, baseUrl: fake.baseUrl, ...options });
}

describe('Shippo label provider', () => {
  it('buys the cheapest rate and answers tracking number, label URL and cost in minor units', async () => {
    const client = await shippo();

    const label = await client.buyLabel(REQUEST);

    expect(label).toEqual({
      carrier: 'USPS',
      service: 'usps_ground_advantage',
      trackingNumber: '9400111899223197428490',
      trackingUrl: 'https://tools.usps.com/go/TrackConfirmAction?tLabels=9400111899223197428490',
      labelUrl: 'https://shippo-delivery.example/label-1.pdf',
      cost: { amount: 550, currency: 'USD' },
      providerReference: 'transaction-1',
    });
  });

  it('authenticates with ShippoToken and sends the parcel in centimeters and grams', async () => {
    const client = await shippo();

    await client.buyLabel(REQUEST);

    const [shipment, transaction] = fake!.requests;
    expect(shipment).toMatchObject({
      method: 'POST',
      path: '/shipments/',
      headers: { authorization: `ShippoToken ${FAKE_SHIPPO_TOKEN}` },
      body: {
        address_from: {
          street1: '100 Main St',
          city: 'Los Angeles',
          state: 'CA',
          zip: '90012',
          country: 'US',
        },
        address_to: { name: 'Ana Silva', country: 'US' },
        parcels: [
          { length: '30', width: '20', height: '10', distance_unit: 'cm', weight: '850', mass_unit: 'g' },
        ],
        async: false,
      },
    });
    expect(transaction).toMatchObject({
      path: '/transactions/',
      body: { rate: 'rate-usps-ground', label_file_type: 'PDF', async: false, metadata: 'FO-1' },
    });
  });

  it('buys the carrier and service asked for', async () => {
    const client = await shippo();

    const label = await client.buyLabel({ ...REQUEST, carrier: 'ups', service: 'ups_ground' });

    expect(label).toMatchObject({ carrier: 'UPS', service: 'ups_ground', cost: { amount: 910 } });
    expect(fake!.requests[1]!.body).toMatchObject({ rate: 'rate-ups-ground' });
  });

  it('says when no rate matches', async () => {
    const client = await shippo();

    await expect(client.buyLabel({ ...REQUEST, carrier: 'DHL' })).rejects.toThrow(
      new CarrierApiError('Shippo offered no rate for DHL for this parcel.'),
    );
  });

  it('fails with Shippo’s own reasons when the label can not be bought', async () => {
    const client = await shippo({
      transaction: {
        status: 201,
        body: aShippoTransaction({
          status: 'ERROR',
          tracking_number: null,
          messages: [{ text: 'Invalid zip' }],
        }),
      },
    });

    await expect(client.buyLabel(REQUEST)).rejects.toThrow(/could not buy the label \(ERROR\): Invalid zip/);
  });

  it('reports an HTTP error with its status and never the token', async () => {
    const client = await shippo({ shipment: { status: 401, body: { detail: 'Invalid token.' } } });

    const error = await client.buyLabel(REQUEST).catch((caught: unknown) => caught as CarrierApiError);

    expect(error).toBeInstanceOf(CarrierApiError);
    expect(error).toMatchObject({ status: 401 });
    expect((error as Error).message).toMatch(/HTTP 401/);
    expect((error as Error).message).not.toContain(FAKE_SHIPPO_TOKEN);
  });

  it('gives up on a slow answer after the timeout', async () => {
    const client = await shippo(
      { shipment: { status: 201, body: aShippoShipment(RATES), delayMs: 2000 } },
      { timeoutMs: 100 },
    );

    await expect(client.buyLabel(REQUEST)).rejects.toThrow(/timed out after 100 ms/);
  });

  it('refuses an answer larger than the cap, whether it says its length or streams it', async () => {
    const large = JSON.stringify(aShippoShipment(Array(200).fill(aShippoRate())));
    const declared = await shippo({ shipment: { status: 201, raw: large } }, { maxResponseBytes: 2048 });
    await expect(declared.buyLabel(REQUEST)).rejects.toThrow(/bytes, more than the 2048 bytes allowed/);
    await fake!.close();

    const streamed = await shippo(
      { shipment: { status: 201, raw: large, chunked: true } },
      { maxResponseBytes: 2048 },
    );
    await expect(streamed.buyLabel(REQUEST)).rejects.toThrow(/answered more than the 2048 bytes allowed/);
  });

  it('refuses an answer that is not JSON or not shaped like a shipment', async () => {
    const notJson = await shippo({ shipment: { status: 201, raw: '<html>' } });
    await expect(notJson.buyLabel(REQUEST)).rejects.toThrow(/not JSON/);
    await fake!.close();

    const wrongShape = await shippo({ shipment: { status: 201, body: { rates: 'none' } } });
    await expect(wrongShape.buyLabel(REQUEST)).rejects.toThrow(/unexpected shape/);
  });
});
