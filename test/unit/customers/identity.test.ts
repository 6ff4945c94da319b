import { describe, expect, it } from 'vitest';
import {
  identifierDigest,
  orderIdentifiers,
  planLink,
} from '../../../functions/domain/customers/identity.js';

const email = { type: 'email', value: 'ana@example.com' } as const;
const phone = { type: 'phone', value: '+351912345678' } as const;
const newId = () => 'NEW';

describe('the identifiers of an order', () => {
  it('are its lower-cased email and its phone in E.164, read in the country of its address', () => {
    expect(
      orderIdentifiers({
        customer: { email: ' Ana@Example.COM ', phone: '912 345 678' },
        shippingAddress: { line1: 'Rua Augusta 100', city: 'Lisboa', country: 'PT' },
      }),
    ).toEqual([email, phone]);
  });

  it("read a national phone number in the channel's default country when the order has no address", () => {
    expect(orderIdentifiers({ customer: { phone: '912 345 678' } }, 'PT')).toEqual([phone]);
  });

  it('take the phone the order is keyed by, and skip a number that is not valid', () => {
    expect(
      orderIdentifiers({ customerKey: 'phone:+351912345678', customer: { phone: '912 345 678' } }),
    ).toEqual([phone]);
    expect(orderIdentifiers({ customer: { phone: '12' } }, 'PT')).toEqual([]);
    expect(orderIdentifiers({})).toEqual([]);
  });

  it('are stored under a digest that spells out neither the email nor the phone', () => {
    const digest = identifierDigest(email);
    expect(digest).toMatch(/^[0-9a-f]{64}$/);
    expect(digest).not.toContain('ana');
    expect(identifierDigest(phone)).not.toBe(digest);
  });
});

describe('linking an order to its customer', () => {
  it('starts a customer when none of its identifiers is known', () => {
    expect(planLink([email, phone], [], newId)).toEqual({
      kind: 'create',
      customerId: 'NEW',
      newIdentifiers: [email, phone],
    });
  });

  it('joins the one customer its known identifiers belong to, adding the ones that are new', () => {
    expect(planLink([email, phone], [{ identifier: email, customerId: 'A' }], newId)).toEqual({
      kind: 'link',
      customerId: 'A',
      newIdentifiers: [phone],
    });
  });

  it('merges two customers into the older when the order carries an identifier of each', () => {
    const plan = planLink(
      [email, phone],
      [
        { identifier: email, customerId: '01B' },
        { identifier: phone, customerId: '01A' },
      ],
      newId,
    );
    expect(plan).toEqual({ kind: 'merge', customerId: '01A', merged: ['01B'], newIdentifiers: [] });
  });

  it('links nothing for an order without identifiers, and never asks for an id it does not use', () => {
    let asked = 0;
    const counting = () => `ID${++asked}`;
    expect(planLink([], [], counting)).toBeUndefined();
    planLink([email], [{ identifier: email, customerId: 'A' }], counting);
    expect(asked).toBe(0);
  });
});
