import { describe, expect, it } from 'vitest';
import { ConflictError, NotFoundError } from '../../../functions/domain/errors.js';
import type { DomainEvent } from '../../../functions/domain/events.js';
import { linesAwaitingStock } from '../../../functions/domain/routing/partial-retry.js';
import {
  isReleased,
  releasedPreorders,
  rerouteRequest,
} from '../../../functions/domain/routing/rerouting.js';
import type { UnplacedLine } from '../../../functions/domain/routing/index.js';
import {
  RerouteNotSentError,
  requestReroute,
  type RerouteDeps,
} from '../../../functions/orders/reroute-order.js';

const NOW = '2026-05-01T09:00:00.000Z';
const OPS = { sub: 'rita', role: 'ops' as const };

const preorderLine = (sku: string, lineId = '1'): UnplacedLine => ({
  lineId,
  sku,
  quantity: 1,
  reason: 'preorder',
});

describe('a re-route request', () => {
  it.each(['PARKED', 'BACKORDERED', 'PARTIALLY_ROUTED'] as const)(
    'asks the router to route a %s order again, naming who asked',
    (status) => {
      const event = rerouteRequest({ orderId: 'O1', status, version: 3 }, OPS, NOW);

      expect(event).toEqual({
        detailType: 'OrderRerouteRequested',
        detail: {
          version: '1',
          eventId: 'O1:v3:reroute',
          orderId: 'O1',
          status,
          requestedBy: OPS,
          requestedAt: NOW,
        },
      });
    },
  );

  it.each(['RECEIVED', 'ROUTED', 'IN_FULFILLMENT', 'SHIPPED', 'CANCELED'] as const)(
    'is refused with a conflict naming the state for a %s order',
    (status) => {
      expect(() => rerouteRequest({ orderId: 'O1', status, version: 1 }, OPS, NOW)).toThrow(
        expect.objectContaining({ name: 'ConflictError', details: { status } }),
      );
    },
  );
});

describe('requesting a re-route', () => {
  const deps = (overrides: Partial<RerouteDeps> = {}): RerouteDeps & { published: DomainEvent[] } => {
    const published: DomainEvent[] = [];
    return {
      getOrder: async (orderId) => ({ orderId, status: 'PARKED', version: 2, channelId: 'web' }),
      publish: async (event) => {
        published.push(event);
        return true;
      },
      now: () => new Date(NOW),
      published,
      ...overrides,
    };
  };

  it('publishes the request once the caller may act on the channel of the order', async () => {
    const checked: string[] = [];
    const fakes = deps();

    const request = await requestReroute(fakes, 'O7', OPS, (channelId) => checked.push(channelId));

    expect(checked).toEqual(['web']);
    expect(request).toMatchObject({ orderId: 'O7', status: 'PARKED', requestedBy: OPS });
    expect(fakes.published).toHaveLength(1);
  });

  it('answers not found for an unknown order, and publishes nothing', async () => {
    const fakes = deps({ getOrder: async () => undefined });

    await expect(requestReroute(fakes, 'NOPE', OPS, () => undefined)).rejects.toBeInstanceOf(NotFoundError);
    expect(fakes.published).toEqual([]);
  });

  it('publishes nothing for an order the caller may not act on', async () => {
    const fakes = deps();
    const refuse = () => {
      throw new Error('not your channel');
    };

    await expect(requestReroute(fakes, 'O7', OPS, refuse)).rejects.toThrow('not your channel');
    expect(fakes.published).toEqual([]);
  });

  it('refuses a routed order with a conflict', async () => {
    const fakes = deps({
      getOrder: async (orderId) => ({ orderId, status: 'ROUTED', version: 4, channelId: 'web' }),
    });

    await expect(requestReroute(fakes, 'O7', OPS, () => undefined)).rejects.toBeInstanceOf(ConflictError);
    expect(fakes.published).toEqual([]);
  });

  it('tells the caller to ask again when the bus does not take the request', async () => {
    const fakes = deps({ publish: async () => false });

    await expect(requestReroute(fakes, 'O7', OPS, () => undefined)).rejects.toBeInstanceOf(
      RerouteNotSentError,
    );
  });
});

describe('released pre-orders', () => {
  const products = {
    GAME: { preorderReleaseDate: '2026-05-01' },
    CONSOLE: { preorderReleaseDate: '2026-06-01T00:00:00Z' },
  };

  it('are the pre-order lines whose release date has come, a date or a time', () => {
    expect(isReleased(products.GAME, NOW)).toBe(true);
    expect(isReleased(products.CONSOLE, NOW)).toBe(false);
    expect(isReleased({ preorderReleaseDate: NOW }, NOW)).toBe(true);
    // A product whose date was removed (or that is gone) no longer holds its lines back.
    expect(isReleased({}, NOW)).toBe(true);
    expect(isReleased(undefined, NOW)).toBe(true);
  });

  it('give one event per waiting order with a released line, naming only the released SKUs', () => {
    const events = releasedPreorders(
      [
        {
          orderId: 'A',
          status: 'BACKORDERED',
          version: 2,
          unplaced: [preorderLine('GAME'), preorderLine('CONSOLE', '2')],
        },
        { orderId: 'B', status: 'PARTIALLY_ROUTED', version: 5, unplaced: [preorderLine('CONSOLE')] },
      ],
      products,
      NOW,
    );

    expect(events).toEqual([
      {
        detailType: 'PreorderReleased',
        detail: { version: '1', eventId: 'A:v2:preorder', orderId: 'A', skus: ['GAME'], releasedAt: NOW },
      },
    ]);
  });
});

describe('the partial retry', () => {
  const unplaced: UnplacedLine[] = [
    { lineId: '1', sku: 'TEE', quantity: 2, reason: 'insufficient_stock' },
    preorderLine('GAME', '2'),
    { lineId: '3', sku: 'VASE', quantity: 1, reason: 'dropship_vendor_unavailable' },
  ];

  it('routes the lines waiting for stock and skips pre-orders not released', () => {
    expect(linesAwaitingStock(unplaced).map((line) => line.sku)).toEqual(['TEE']);
  });

  it('routes a pre-order line once its SKU is released', () => {
    expect(linesAwaitingStock(unplaced, (sku) => sku === 'GAME').map((line) => line.sku)).toEqual([
      'TEE',
      'GAME',
    ]);
  });
});
