import { describe, expect, it } from 'vitest';
import type { FulfillmentLine, FulfillmentOrder } from './types';
import {
  directionAt,
  emptyDraft,
  isOverdue,
  packagesToShip,
  packBody,
  queueOrder,
  receipt,
  shipWithLabel,
  workAt,
  workTitle,
} from './work';

const NOW = Date.parse('2026-12-01T12:00:00Z');

function work(id: string, createdAt: string, dueBy?: string): FulfillmentOrder {
  return {
    fulfillmentOrderId: id,
    orderId: `order-${id}`,
    locationId: 'STORE-LIS-CHIADO',
    kind: 'ship',
    status: 'CREATED',
    createdAt,
    ...(dueBy && { dueBy }),
    lines: [],
    packages: [],
    shipments: [],
  };
}

describe("the associate's queue", () => {
  it('puts overdue work first, most overdue first, then by due time, then work without a promise, oldest first', () => {
    const items = [
      work('later', '2026-12-01T08:00:00Z', '2026-12-01T18:00:00Z'),
      work('no-promise-new', '2026-12-01T09:00:00Z'),
      work('overdue-a-little', '2026-12-01T07:00:00Z', '2026-12-01T11:00:00Z'),
      work('no-promise-old', '2026-11-30T09:00:00Z'),
      work('soon', '2026-12-01T10:00:00Z', '2026-12-01T13:00:00Z'),
      work('overdue-most', '2026-11-30T07:00:00Z', '2026-11-30T18:00:00Z'),
    ];
    expect(queueOrder(items, NOW).map((fo) => fo.fulfillmentOrderId)).toEqual([
      'overdue-most',
      'overdue-a-little',
      'soon',
      'later',
      'no-promise-old',
      'no-promise-new',
    ]);
  });

  it('calls work overdue once its due time has passed, and never work without one', () => {
    expect(isOverdue({ dueBy: '2026-12-01T11:59:59Z' }, NOW)).toBe(true);
    expect(isOverdue({ dueBy: '2026-12-01T12:00:00Z' }, NOW)).toBe(false);
    expect(isOverdue({}, NOW)).toBe(false);
  });
});

const line = (lineId: string, counts: Partial<FulfillmentLine> = {}): FulfillmentLine => ({
  lineId,
  orderId: 'order-1',
  sku: `SKU-${lineId}`,
  name: `Item ${lineId}`,
  quantity: 2,
  picked: 2,
  packed: 0,
  shipped: 0,
  released: 0,
  open: 2,
  ...counts,
});

const transfer = (status: string): FulfillmentOrder => ({
  ...work('transfer-1', '2026-12-01T08:00:00Z'),
  kind: 'transfer',
  status,
  locationId: 'STORE-POR-BAIXA',
  transferTo: 'STORE-LIS-CHIADO',
});

describe('transfers between stores', () => {
  it('are out at their source, in at their pick-up store, and neither elsewhere', () => {
    const fo = transfer('CREATED');
    expect(directionAt(fo, 'STORE-POR-BAIXA')).toBe('out');
    expect(directionAt(fo, 'STORE-LIS-CHIADO')).toBe('in');
    expect(directionAt(fo, 'WH-1')).toBeUndefined();
    expect(directionAt(work('ship-1', '2026-12-01T08:00:00Z'), 'STORE-LIS-CHIADO')).toBeUndefined();
    expect(workTitle(fo, 'STORE-POR-BAIXA')).toBe('Transfer out to STORE-LIS-CHIADO');
    expect(workTitle(fo, 'STORE-LIS-CHIADO')).toBe('Transfer in from STORE-POR-BAIXA');
    expect(workTitle(fo, undefined)).toBe('Transfer');
  });

  it('keep, of the goods on the road, only those coming to the location, not its own parcels', () => {
    const parcel = { ...work('ship-1', '2026-12-01T08:00:00Z'), status: 'SHIPPED' };
    const items = [parcel, transfer('IN_TRANSIT'), work('new-1', '2026-12-01T09:00:00Z')];
    expect(workAt(items, 'STORE-LIS-CHIADO').map((fo) => fo.fulfillmentOrderId)).toEqual([
      'transfer-1',
      'new-1',
    ]);
  });

  it('say how many units were received, and when, once the pick-up store received them', () => {
    const received = {
      ...transfer('READY_FOR_PICKUP'),
      lines: [line('1', { shipped: 2 }), line('2', { quantity: 1, shipped: 1 })],
      history: [{ action: 'receive', at: '2026-12-02T09:00:00Z', from: 'SHIPPED', to: 'READY_FOR_PICKUP' }],
    };
    expect(receipt(received)).toEqual({ units: 3, at: '2026-12-02T09:00:00Z' });
    expect(receipt(transfer('SHIPPED'))).toBeUndefined();
  });
});

describe('packing into packages', () => {
  const picked = {
    ...work('pack-1', '2026-12-01T08:00:00Z'),
    status: 'PICKED',
    lines: [line('1'), line('2', { quantity: 1, picked: 1, open: 1 })],
  };

  it('sends every package with its units, its weight and its size when all three sides are given', () => {
    const drafts = [
      { ...emptyDraft({ '1': 2, '2': 0 }), weightGrams: '900', length: '30', width: '20', height: '15.5' },
      { ...emptyDraft({ '2': 1 }), weightGrams: ' 400 ' },
    ];
    expect(packBody(picked, drafts)).toEqual({
      body: {
        packages: [
          {
            lines: [{ lineId: '1', quantity: 2 }],
            weightGrams: 900,
            dimensionsCm: { length: 30, width: 20, height: 15.5 },
          },
          { lines: [{ lineId: '2', quantity: 1 }], weightGrams: 400 },
        ],
      },
    });
  });

  it.each([
    [[emptyDraft({ '1': 2 }), emptyDraft()], 'Package 2 is empty.'],
    [[emptyDraft({ '1': 2 }), emptyDraft({ '1': 1 })], 'Only 2 of Item 1 are picked and not packed.'],
    [
      [{ ...emptyDraft({ '1': 1 }), weightGrams: '1.5' }],
      'Package 1: the weight is a whole number of grams.',
    ],
    [
      [{ ...emptyDraft({ '1': 1 }), length: '30' }],
      'Package 1: give length, width and height in centimetres, or none.',
    ],
    [
      [{ ...emptyDraft({ '1': 1 }), length: '30', width: '0', height: '2' }],
      'Package 1: give length, width and height in centimetres, or none.',
    ],
  ])('refuses %o before sending: %s', (drafts, problem) => {
    expect(packBody(picked, drafts)).toEqual({ problem });
  });

  it('ships package by package: a package is shipped once the units shipped cover it after those before it', () => {
    const packages = [
      { packageId: 'P1', lines: [{ lineId: '1', quantity: 2 }] },
      {
        packageId: 'P2',
        lines: [
          { lineId: '1', quantity: 1 },
          { lineId: '2', quantity: 1 },
        ],
      },
    ];
    const fo = (shipped1: number, shipped2: number) => ({
      ...picked,
      lines: [
        line('1', { quantity: 3, picked: 3, packed: 3, shipped: shipped1 }),
        line('2', { quantity: 1, packed: 1, shipped: shipped2 }),
      ],
      packages,
    });
    expect(packagesToShip(fo(0, 0)).map((pkg) => pkg.packageId)).toEqual(['P1', 'P2']);
    expect(packagesToShip(fo(2, 0)).map((pkg) => pkg.packageId)).toEqual(['P2']);
    expect(packagesToShip(fo(3, 1))).toEqual([]);
    expect(
      shipWithLabel(
        { labelId: 'L1', carrier: 'USPS', service: 'usps_priority', trackingNumber: '94001' },
        packages[0]!,
      ),
    ).toEqual({
      carrier: 'USPS',
      service: 'usps_priority',
      trackingNumber: '94001',
      lines: [{ lineId: '1', quantity: 2 }],
    });
  });
});
