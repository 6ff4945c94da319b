import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import {
  erasePersonalData,
  exportPersonalData,
  type PersonalDataDeps,
} from '../../../functions/customers/personal-data.js';
import type { CustomerPartition } from '../../../functions/data/customers-repository.js';
import { TOMBSTONE } from '../../../functions/domain/customers/erasure.js';
import type { ErasureRecord } from '../../../functions/domain/customers/records.js';
import { ConflictError, NotFoundError } from '../../../functions/domain/errors.js';
import { anActor } from '../../helpers/factories.js';

const CUSTOMER = '01J0000000000000000000000C';
const MERGED = '01J0000000000000000000000D';

function orderItems(orderId: string, status: string) {
  return [
    {
      pk: `ORDER#${orderId}`,
      sk: 'ORDER',
      entityType: 'Order',
      orderId,
      channelId: 'web',
      externalId: `X-${orderId}`,
      status,
      version: 3,
      placedAt: '2026-11-22T10:00:00.000Z',
      currency: 'EUR',
      customerKey: 'email:ana@example.com',
      customer: { email: 'ana@example.com', name: 'Ana Silva' },
      shippingAddress: { name: 'Ana Silva', line1: 'Rua Augusta 100', city: 'Lisboa', country: 'PT' },
      lines: [{ lineId: '1', sku: 'MUG', quantity: 1, unitPrice: 1000 }],
      totals: { subtotal: 1000, discount: 0, tax: 0, shipping: 0, total: 1000 },
      reconciliation: { computed: { total: 1000 } },
    },
    { pk: `ORDER#${orderId}`, sk: 'RAW', entityType: 'RawPayload', orderId, rawBody: '{"name":"Ana Silva"}' },
  ];
}

function personalDataInMemory(statuses: Record<string, string>) {
  const partition = (customerId: string, mergedFrom: string[], orderIds: string[]): CustomerPartition => ({
    profile: { customerId, createdAt: 'c', updatedAt: 'u', version: 1, mergedFrom },
    identities:
      customerId === CUSTOMER
        ? [
            {
              type: 'email',
              value: 'ana@example.com',
              customerId,
              orderId: 'O1',
              channelId: 'web',
              linkedAt: 'l',
            },
          ]
        : [],
    orders: orderIds.map((orderId) => ({
      customerId,
      orderId,
      channelId: 'web',
      placedAt: 'p',
      linkedAt: 'l',
    })),
    merges: [],
    erasures: [],
  });
  const [first, ...others] = Object.keys(statuses);
  const partitions: Record<string, CustomerPartition> = {
    [CUSTOMER]: partition(CUSTOMER, [MERGED], first ? [first] : []),
    [MERGED]: {
      ...partition(MERGED, [], others),
      profile: { ...partition(MERGED, [], []).profile, mergedInto: CUSTOMER },
    },
  };
  const written: { item: Record<string, unknown>; readVersion?: number }[] = [];
  const erasures: ErasureRecord[] = [];
  let failPut: Error | undefined;
  const deps: PersonalDataDeps = {
    getCustomerProfile: async (customerId) => partitions[customerId]?.profile,
    getCustomerPartition: async (customerId) => partitions[customerId],
    getOrderPartition: async (orderId) => (statuses[orderId] ? orderItems(orderId, statuses[orderId]) : []),
    putScrubbed: async (item, readVersion) => {
      if (failPut) throw failPut;
      written.push({ item, ...(readVersion !== undefined && { readVersion }) });
    },
    deleteIdempotencyItemsAbout: async (orderIds) => orderIds.length,
    recordErasure: async (erasure) => {
      erasures.push(erasure);
    },
    newId: () => '01J0000000000000000000000E',
    now: () => new Date('2026-12-01T12:00:00Z'),
  };
  return {
    deps,
    written,
    erasures,
    failPutsWith: (error: Error) => {
      failPut = error;
    },
  };
}

describe('exporting and erasing personal data', () => {
  it('exports every item of every order of the person, the merged customers included', async () => {
    const { deps } = personalDataInMemory({ O1: 'COMPLETED', O2: 'SHIPPED' });

    const exported = await exportPersonalData(deps, MERGED);

    expect(exported.customer.customerId).toBe(CUSTOMER);
    expect(exported.orders.map((order) => order.orderId).sort()).toEqual(['O1', 'O2']);
    expect(JSON.stringify(exported)).toContain('Rua Augusta 100');
    expect(JSON.stringify(exported)).toContain('{\\"name\\":\\"Ana Silva\\"}');
  });

  it('refuses while an order is still being served, and writes nothing', async () => {
    const store = personalDataInMemory({ O1: 'COMPLETED', O2: 'SHIPPED' });

    const refused = erasePersonalData(store.deps, CUSTOMER, anActor());

    await expect(refused).rejects.toBeInstanceOf(ConflictError);
    await expect(refused).rejects.toMatchObject({
      details: { openOrders: [{ orderId: 'O2', reason: 'the order is SHIPPED' }] },
    });
    expect(store.written).toEqual([]);
    expect(store.erasures).toEqual([]);
  });

  it('tombstones every order item, the order at the version read, and records who asked', async () => {
    const store = personalDataInMemory({ O1: 'COMPLETED', O2: 'CANCELED' });

    const erasure = await erasePersonalData(
      store.deps,
      CUSTOMER,
      anActor({ sub: 'carla', role: 'customer_service' }),
    );

    expect(store.written).toHaveLength(4);
    expect(JSON.stringify(store.written)).not.toMatch(/Ana Silva|ana@example\.com|Rua Augusta/);
    expect(store.written.find(({ item }) => item.sk === 'ORDER')?.readVersion).toBe(3);
    expect(store.written.find(({ item }) => item.sk === 'RAW')?.item.rawBody).toBe(TOMBSTONE);
    expect(erasure).toEqual({
      erasureId: '01J0000000000000000000000E',
      customerId: CUSTOMER,
      customerIds: [CUSTOMER, MERGED],
      orderIds: ['O1', 'O2'],
      requestedBy: { sub: 'carla', role: 'customer_service' },
      erasedAt: '2026-12-01T12:00:00.000Z',
      itemsScrubbed: 4,
      itemsDeleted: 4,
    });
    expect(store.erasures).toEqual([erasure]);
  });

  it('answers a conflict when an order changed meanwhile, and records no erasure', async () => {
    const store = personalDataInMemory({ O1: 'COMPLETED' });
    store.failPutsWith(new ConditionalCheckFailedException({ message: 'changed', $metadata: {} }));

    await expect(erasePersonalData(store.deps, CUSTOMER, anActor())).rejects.toMatchObject({
      kind: 'conflict',
      details: { orderId: 'O1' },
    });
    expect(store.erasures).toEqual([]);
  });

  it('lets a failing table fail the request, and knows no unknown customer', async () => {
    const store = personalDataInMemory({ O1: 'COMPLETED' });
    store.failPutsWith(new Error('DynamoDB is down'));
    await expect(erasePersonalData(store.deps, CUSTOMER, anActor())).rejects.toThrow('DynamoDB is down');
    await expect(exportPersonalData(store.deps, '01J00000000000000000000000')).rejects.toBeInstanceOf(
      NotFoundError,
    );
  });
});
