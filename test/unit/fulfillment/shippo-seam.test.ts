import { describe, expect, it, vi } from 'vitest';
import { NotFoundError, UnauthorizedError } from '../../../functions/domain/errors.js';
import type { CarrierAccount } from '../../../functions/domain/fulfillment/carrier.js';
import { signOmsPayload } from '../../../functions/domain/signature.js';
import {
  buyLabel,
  LabelProviderUnavailableError,
  type BuyLabelDeps,
} from '../../../functions/fulfillment/carriers/buy-label.js';
import {
  receiveTracking,
  type ReceiveTrackingDeps,
} from '../../../functions/fulfillment/carriers/receive-tracking.js';
import { CarrierApiError } from '../../../functions/fulfillment/carriers/shippo.js';
import { aLocation, anOrder } from '../../helpers/records.js';
import { aContext, aFulfillmentOrder } from './factories.js';
import { applyFulfillmentAction } from '../../../functions/domain/fulfillment/machine.js';

/** The label and tracking use cases with their dependencies faked: every branch, no network. */
const ACCOUNT: CarrierAccount = {
  carrierId: 'shippo',
  apiTokenSecretName: 'oms/carriers/shippo/api-token',
  webhookSecretName: 'oms/carriers/shippo/webhook',
  active: true,
};
const NOW = new Date('2026-12-01T10:00:00Z');

function packed() {
  let fo = aFulfillmentOrder({ locationId: 'store-lisbon' });
  fo = applyFulfillmentAction(fo, 'accept', {}, aContext()).fulfillmentOrder;
  fo = applyFulfillmentAction(
    fo,
    'pick',
    {
      lines: [
        { lineId: '1', quantity: 2 },
        { lineId: '2', quantity: 1 },
      ],
    },
    aContext(),
  ).fulfillmentOrder;
  return applyFulfillmentAction(
    fo,
    'pack',
    {
      packages: [
        {
          lines: [
            { lineId: '1', quantity: 2 },
            { lineId: '2', quantity: 1 },
          ],
        },
      ],
    },
    aContext(),
  ).fulfillmentOrder;
}

function labelDeps(overrides: Partial<BuyLabelDeps> = {}): BuyLabelDeps {
  return {
    getFulfillmentOrder: async () => packed(),
    getOrder: async () =>
      anOrder({ orderId: 'ORD-1' }, { shippingAddress: { line1: 'Rua 1', city: 'Porto', country: 'PT' } }),
    listLocations: async () => [
      aLocation('store-lisbon', { address: { line1: 'Rua Augusta 1', city: 'Lisboa', country: 'PT' } }),
    ],
    getCarrierAccount: async () => ACCOUNT,
    resolveSecret: async () => 'shippo_test_token',
    labelProvider: () => ({
      name: 'shippo',
      buyLabel: async () => ({
        carrier: 'CTT',
        trackingNumber: 'RR1PT',
        cost: { amount: 450, currency: 'EUR' },
      }),
    }),
    findLabel: async () => undefined,
    saveLabel: async (_orderId, label) => label,
    labelIdFor: () => 'LABEL-1',
    now: () => NOW,
    ...overrides,
  };
}

const PARCEL = { weightGrams: 900, dimensionsCm: { length: 20, width: 15, height: 10 } };
const request = (overrides: Partial<Parameters<typeof buyLabel>[1]> = {}) => ({
  fulfillmentOrderId: 'FO-1',
  body: { parcel: PARCEL },
  authorize: () => undefined,
  actor: { sub: 'ana', role: 'store' as const },
  ...overrides,
});

describe('buying a label', () => {
  it('buys from the provider and stores the label with who bought it', async () => {
    const saveLabel = vi.fn(
      async (_orderId: string, label: Parameters<BuyLabelDeps['saveLabel']>[1]) => label,
    );
    const { label, created } = await buyLabel(labelDeps({ saveLabel }), request());
    expect(created).toBe(true);
    expect(label).toMatchObject({
      labelId: 'LABEL-1',
      carrier: 'CTT',
      trackingNumber: 'RR1PT',
      boughtBy: { sub: 'ana' },
    });
    expect(saveLabel).toHaveBeenCalledWith('ORD-1', label);
  });

  it('answers the label stored first when a retry raced it, as not created', async () => {
    const first = { labelId: 'LABEL-1', trackingNumber: 'FIRST' };
    const { label, created } = await buyLabel(
      labelDeps({ saveLabel: async () => first as never }),
      request({ idempotencyKey: 'k-1' }),
    );
    expect(created).toBe(false);
    expect(label).toBe(first);
  });

  it('is a 503 when no provider is configured or its token is missing, and buys nothing', async () => {
    const provider = vi.fn();
    await expect(
      buyLabel(labelDeps({ getCarrierAccount: async () => undefined, labelProvider: provider }), request()),
    ).rejects.toThrow(LabelProviderUnavailableError);
    await expect(
      buyLabel(labelDeps({ resolveSecret: async () => undefined, labelProvider: provider }), request()),
    ).rejects.toThrow(LabelProviderUnavailableError);
    expect(provider).not.toHaveBeenCalled();
  });

  it('stores nothing when the provider throws', async () => {
    const saveLabel = vi.fn();
    const failing = labelDeps({
      saveLabel,
      labelProvider: () => ({
        name: 'shippo',
        buyLabel: async () => Promise.reject(new CarrierApiError('timed out')),
      }),
    });
    await expect(buyLabel(failing, request())).rejects.toMatchObject({ kind: 'unavailable' });
    expect(saveLabel).not.toHaveBeenCalled();
  });

  it('refuses work that is not packed, with the state it is in', async () => {
    const created = labelDeps({ getFulfillmentOrder: async () => aFulfillmentOrder() });
    await expect(buyLabel(created, request())).rejects.toMatchObject({
      kind: 'conflict',
      details: { currentState: 'CREATED' },
    });
  });

  it('asks the caller to check the location before anything else is read', async () => {
    const getOrder = vi.fn();
    const forbidden = buyLabel(
      labelDeps({ getOrder }),
      request({
        authorize: () => {
          throw new UnauthorizedError('no');
        },
      }),
    );
    await expect(forbidden).rejects.toThrow('no');
    expect(getOrder).not.toHaveBeenCalled();
  });
});

const SECRET = 'webhook-secret';

function trackingDeps(overrides: Partial<ReceiveTrackingDeps> = {}): ReceiveTrackingDeps {
  return {
    getCarrierAccount: async () => ACCOUNT,
    resolveSecret: async () => SECRET,
    findShipments: async () => [
      { fulfillmentOrderId: 'FO-1', carrier: 'USPS' },
      { fulfillmentOrderId: 'FO-2', carrier: 'UPS' },
    ],
    track: vi.fn(async () => true),
    now: () => NOW,
    ...overrides,
  };
}

const signed = (body: unknown, secret = SECRET) => {
  const rawBody = JSON.stringify(body);
  return {
    headers: { 'shippo-auth-signature': signOmsPayload(secret, rawBody, NOW.getTime() / 1000) },
    rawBody,
  };
};
const inTransit = {
  event: 'track_updated',
  data: { carrier: 'usps', tracking_number: '9400', tracking_status: { status: 'TRANSIT' } },
};

describe("Shippo's tracking webhook", () => {
  it('applies the update to the shipments of the carrier that sent it, dated when received when Shippo gives no date', async () => {
    const deps = trackingDeps();
    expect(await receiveTracking(deps, signed(inTransit))).toEqual({
      status: 'applied',
      trackingNumber: '9400',
      moved: 1,
      unchanged: 0,
    });
    expect(deps.track).toHaveBeenCalledExactlyOnceWith('FO-1', {
      carrier: 'usps',
      trackingNumber: '9400',
      status: 'in_transit',
      occurredAt: NOW.toISOString(),
    });
  });

  it('checks the signature before reading anything of the body', async () => {
    const deps = trackingDeps();
    await expect(receiveTracking(deps, signed(inTransit, 'other'))).rejects.toThrow(UnauthorizedError);
    await expect(receiveTracking(deps, { headers: {}, rawBody: 'not json' })).rejects.toThrow(
      UnauthorizedError,
    );
    expect(deps.track).not.toHaveBeenCalled();
  });

  it('is a 404 while no Shippo account is configured', async () => {
    await expect(
      receiveTracking(trackingDeps({ getCarrierAccount: async () => undefined }), signed(inTransit)),
    ).rejects.toThrow(NotFoundError);
  });

  it('ignores events and statuses that move nothing', async () => {
    const deps = trackingDeps();
    expect(await receiveTracking(deps, signed({ ...inTransit, event: 'transaction_created' }))).toMatchObject(
      { status: 'ignored' },
    );
    expect(
      await receiveTracking(
        deps,
        signed({ ...inTransit, data: { ...inTransit.data, tracking_status: { status: 'PRE_TRANSIT' } } }),
      ),
    ).toEqual({ status: 'ignored', reason: 'tracking status PRE_TRANSIT' });
    expect(deps.track).not.toHaveBeenCalled();
  });

  it('counts a redelivery that moved nothing as unchanged', async () => {
    const deps = trackingDeps({ track: async () => false });
    expect(await receiveTracking(deps, signed(inTransit))).toMatchObject({ moved: 0, unchanged: 1 });
  });
});
