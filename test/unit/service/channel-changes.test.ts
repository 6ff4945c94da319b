import { describe, expect, it, vi } from 'vitest';
import type { OrderAggregate } from '../../../functions/data/service-repository.js';
import { applyChannelChange, type ChannelChangeDeps } from '../../../functions/service/channel-changes.js';
import { aFulfillmentOrderIn, aRoutedOrder } from './factories.js';

/** A channel's change to an order it sent before, applied once and never retried into an error. */
const order = aRoutedOrder();
const shipped = aFulfillmentOrderIn('SHIPPED', [
  { lineId: '1', sku: 'TSHIRT-BLUE-M', quantity: 2, shipped: 2 },
]);
const aggregateWith = (fulfillmentOrders = [shipped]): OrderAggregate => ({
  order,
  fulfillmentOrders,
  cancellations: [],
  addressChanges: [],
  returns: [],
  refunds: [],
});
const depsWith = (overrides: Partial<ChannelChangeDeps> = {}): ChannelChangeDeps =>
  ({
    findOrderId: async () => order.orderId,
    getOrderAggregate: async () => aggregateWith(),
    commitServiceChange: vi.fn(async () => 'ok' as const),
    routingSources: async () => {
      throw new Error('not reached');
    },
    newId: () => 'ID-1',
    now: () => new Date('2026-12-01T10:00:00.000Z'),
    ...overrides,
  }) as unknown as ChannelChangeDeps;

describe('applyChannelChange', () => {
  it('ignores a change to an order the OMS never received', async () => {
    const result = await applyChannelChange(depsWith({ findOrderId: async () => undefined }), {
      channelId: 'shopify',
      externalId: '404',
      change: { type: 'cancel', reason: 'x' },
    });
    expect(result).toEqual({ kind: 'ignored', reason: 'No order 404 of channel shopify was received.' });
  });

  it('ignores an update whose shipping address is the one the order has', async () => {
    const deps = depsWith();
    const result = await applyChannelChange(deps, {
      channelId: 'shopify',
      externalId: order.externalId,
      change: { type: 'shipping_address', address: order.shippingAddress! },
    });
    expect(result).toEqual({ kind: 'ignored', reason: 'The shipping address is unchanged.' });
    expect(deps.commitServiceChange).not.toHaveBeenCalled();
  });

  it('answers a change the order can not take any more (shipped) as ignored, with the reason', async () => {
    const cancel = await applyChannelChange(depsWith(), {
      channelId: 'shopify',
      externalId: order.externalId,
      change: { type: 'cancel', reason: 'canceled in Shopify (customer)' },
    });
    const address = await applyChannelChange(depsWith(), {
      channelId: 'shopify',
      externalId: order.externalId,
      change: { type: 'shipping_address', address: { line1: 'Rua 2', city: 'Porto', country: 'PT' } },
    });

    expect(cancel).toEqual({ kind: 'ignored', reason: expect.stringMatching(/can not be canceled/) });
    expect(address).toEqual({ kind: 'ignored', reason: expect.stringMatching(/shipped already/) });
  });
});
