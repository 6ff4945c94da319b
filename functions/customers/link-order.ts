import {
  orderIdentifiers,
  planLink,
  type KnownIdentifier,
  type LinkPlan,
} from '../domain/customers/identity.js';
import type { CustomerProfile } from '../domain/customers/records.js';
import type { Order } from '../domain/order.js';
import type { LinkCommit } from '../data/customers-repository.js';
import { survivingCustomer } from './customer-records.js';

export interface LinkOrderDeps {
  getOrderForLinking(orderId: string): Promise<{ order: Order; linkedTo?: string } | undefined>;
  defaultCountryOf(channelId: string): Promise<string | undefined>;
  findIdentityOwner(identifier: KnownIdentifier['identifier']): Promise<string | undefined>;
  getCustomerProfile(customerId: string): Promise<CustomerProfile | undefined>;
  commitLink(commit: LinkCommit): Promise<'ok' | 'conflict'>;
  newId(): string;
  now(): Date;
}

export type LinkOutcome =
  | { outcome: 'no_order' | 'already_linked' | 'anonymous' }
  | { outcome: LinkPlan['kind']; customerId: string };

/** Reads the commit lost to a concurrent one (the same customer, the same identifier) again this often. */
const ATTEMPTS = 5;

/**
 * Links a received order to the customer it belongs to:
 * 1. reads the order; one already linked (a redelivered or replayed message) is left alone;
 * 2. takes its normalized email and phone; an order with neither belongs to nobody;
 * 3. finds the customer each identifier belongs to, following merges to the surviving customer;
 * 4. plans: a new customer, a link to the one customer found, or a merge of the several found
 *    into the oldest (functions/domain/customers/identity.ts);
 * 5. commits it in one conditional transaction; when another link won a race for the same
 *    customer or identifier, reads again and plans again.
 */
export async function linkOrder(deps: LinkOrderDeps, orderId: string): Promise<LinkOutcome> {
  for (let attempt = 1; ; attempt++) {
    const found = await deps.getOrderForLinking(orderId);
    if (!found) return { outcome: 'no_order' };
    if (found.linkedTo) return { outcome: 'already_linked' };
    const { order } = found;
    const identifiers = orderIdentifiers(order, await deps.defaultCountryOf(order.channelId));
    const profiles = new Map<string, CustomerProfile>();
    const known: KnownIdentifier[] = [];
    for (const identifier of identifiers) {
      const owner = await deps.findIdentityOwner(identifier);
      const root = owner && (await survivingCustomer(deps, owner, profiles));
      if (root) known.push({ identifier, customerId: root });
    }
    const plan = planLink(identifiers, known, deps.newId);
    if (!plan) return { outcome: 'anonymous' };
    const committed = await deps.commitLink({ plan, order, profiles, now: deps.now().toISOString() });
    if (committed === 'ok') return { outcome: plan.kind, customerId: plan.customerId };
    if (attempt >= ATTEMPTS) {
      throw new Error(`Order ${orderId} could not be linked to its customer after ${ATTEMPTS} attempts.`);
    }
  }
}
