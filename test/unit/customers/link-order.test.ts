import { describe, expect, it } from 'vitest';
import { linkOrder, type LinkOrderDeps } from '../../../functions/customers/link-order.js';
import { identifierDigest, type Identifier } from '../../../functions/domain/customers/identity.js';
import type { CustomerProfile } from '../../../functions/domain/customers/records.js';
import type { LinkCommit } from '../../../functions/data/customers-repository.js';
import type { Order } from '../../../functions/domain/order.js';

/**
 * The customers repository in memory, with the conditions its transaction checks: a new
 * identifier must be unclaimed, a profile at the version read and not merged away, an order
 * unlinked. Everything or nothing is applied, as DynamoDB does.
 */
function customersInMemory(orders: Record<string, Partial<Order>>) {
  const profiles = new Map<string, CustomerProfile>();
  const identities = new Map<string, string>();
  const links = new Map<string, string>();
  const merges: { into: string; merged: string; orderId: string }[] = [];
  let ids = 0;
  let conflictsToInject = 0;
  const deps: LinkOrderDeps = {
    getOrderForLinking: async (orderId) => {
      const order = orders[orderId];
      if (!order) return undefined;
      const linkedTo = links.get(orderId);
      return {
        order: { orderId, channelId: 'web', placedAt: '2026-11-22T10:00:00.000Z', ...order } as Order,
        ...(linkedTo && { linkedTo }),
      };
    },
    defaultCountryOf: async () => 'PT',
    findIdentityOwner: async (identifier: Identifier) => identities.get(identifierDigest(identifier)),
    getCustomerProfile: async (customerId) => {
      const profile = profiles.get(customerId);
      return profile && structuredClone(profile);
    },
    commitLink: async ({ plan, order, profiles: read, now }: LinkCommit) => {
      if (conflictsToInject > 0) {
        conflictsToInject -= 1;
        return 'conflict';
      }
      const current = (id: string) => profiles.get(id);
      const stale = (id: string) => current(id)?.version !== read.get(id)?.version || current(id)?.mergedInto;
      if (links.has(order.orderId)) return 'conflict';
      if (plan.newIdentifiers.some((identifier) => identities.has(identifierDigest(identifier))))
        return 'conflict';
      if (plan.kind === 'create' && profiles.has(plan.customerId)) return 'conflict';
      if (plan.kind !== 'create' && stale(plan.customerId)) return 'conflict';
      if (plan.kind === 'merge' && plan.merged.some(stale)) return 'conflict';
      if (plan.kind === 'create') {
        profiles.set(plan.customerId, {
          customerId: plan.customerId,
          createdAt: now,
          updatedAt: now,
          version: 1,
          mergedFrom: [],
        });
      } else {
        const survivor = current(plan.customerId) as CustomerProfile;
        survivor.version += 1;
        if (plan.kind === 'merge') {
          survivor.mergedFrom.push(...plan.merged);
          for (const merged of plan.merged) {
            const profile = current(merged) as CustomerProfile;
            profile.version += 1;
            profile.mergedInto = plan.customerId;
            merges.push({ into: plan.customerId, merged, orderId: order.orderId });
          }
        }
      }
      for (const identifier of plan.newIdentifiers)
        identities.set(identifierDigest(identifier), plan.customerId);
      links.set(order.orderId, plan.customerId);
      return 'ok';
    },
    newId: () => `01CUSTOMER${String(++ids).padStart(16, '0')}`,
    now: () => new Date('2026-11-22T10:05:00Z'),
  };
  return {
    deps,
    links,
    merges,
    profiles,
    injectConflicts: (count: number) => {
      conflictsToInject = count;
    },
  };
}

const webOrder = { customer: { email: 'Ana@Example.com' } };
const posSale = { customer: { phone: '912 345 678' } };
const appOrder = { customer: { email: 'ana@example.com', phone: '+351 912 345 678' } };

describe('linkOrder', () => {
  it('makes one customer of a web order with an email, a POS sale with a phone, and an order with both', async () => {
    const store = customersInMemory({ web: webOrder, pos: posSale, app: appOrder });

    const first = await linkOrder(store.deps, 'web');
    const second = await linkOrder(store.deps, 'pos');
    const third = await linkOrder(store.deps, 'app');

    expect(first).toMatchObject({ outcome: 'create' });
    expect(second).toMatchObject({ outcome: 'create' });
    expect(third).toEqual({ outcome: 'merge', customerId: (first as { customerId: string }).customerId });
    expect(store.merges).toEqual([
      {
        into: (first as { customerId: string }).customerId,
        merged: (second as { customerId: string }).customerId,
        orderId: 'app',
      },
    ]);
    expect(new Set(store.links.values())).toEqual(
      new Set([(first as { customerId: string }).customerId, (second as { customerId: string }).customerId]),
    );
  });

  it('links a later order of a merged customer to the survivor', async () => {
    const store = customersInMemory({ web: webOrder, pos: posSale, app: appOrder, later: posSale });
    for (const orderId of ['web', 'pos', 'app']) await linkOrder(store.deps, orderId);

    const later = await linkOrder(store.deps, 'later');

    expect(later).toEqual({ outcome: 'link', customerId: store.links.get('web') });
  });

  it('links an order once, however often its message is delivered', async () => {
    const store = customersInMemory({ web: webOrder });
    await linkOrder(store.deps, 'web');

    expect(await linkOrder(store.deps, 'web')).toEqual({ outcome: 'already_linked' });
    expect(store.profiles.size).toBe(1);
  });

  it('reads again and decides again when a concurrent link won the race, and gives up after five tries', async () => {
    const store = customersInMemory({ web: webOrder, other: webOrder });
    store.injectConflicts(2);
    expect(await linkOrder(store.deps, 'web')).toMatchObject({ outcome: 'create' });

    store.injectConflicts(5);
    await expect(linkOrder(store.deps, 'other')).rejects.toThrow(/after 5 attempts/);
    expect(store.links.has('other')).toBe(false);
  });

  it('links nothing for an unknown order or one without email or phone', async () => {
    const store = customersInMemory({ anonymous: {} });
    expect(await linkOrder(store.deps, 'missing')).toEqual({ outcome: 'no_order' });
    expect(await linkOrder(store.deps, 'anonymous')).toEqual({ outcome: 'anonymous' });
    expect(store.profiles.size).toBe(0);
  });
});
