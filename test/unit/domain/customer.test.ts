import { describe, expect, it } from 'vitest';
import { customerKey, normalizeEmail, normalizePhone } from '../../../functions/domain/customer.js';

describe('normalizeEmail', () => {
  it('trims and lower-cases, and treats a blank email as none', () => {
    expect(normalizeEmail('  Ana@Example.COM ')).toBe('ana@example.com');
    expect(normalizeEmail('   ')).toBeUndefined();
    expect(normalizeEmail(undefined)).toBeUndefined();
  });
});

describe('normalizePhone', () => {
  it.each([
    ['+351 912 345 678', undefined, '+351912345678'],
    ['+351912345678', undefined, '+351912345678'],
    ['912 345 678', 'PT', '+351912345678'],
    ['(202) 456-1111', 'US', '+12024561111'],
    ['+1 202-456-1111', 'PT', '+12024561111'],
  ])('writes %j (default country %s) as %s in E.164', (phone, country, e164) => {
    expect(normalizePhone(phone, country)).toBe(e164);
  });

  it('gives nothing for a national number without a country to read it in', () => {
    expect(normalizePhone('912 345 678')).toBeUndefined();
  });

  it.each(['+351 123', 'not a phone', '', '   '])('gives nothing for %j', (phone) => {
    expect(normalizePhone(phone, 'PT')).toBeUndefined();
  });
});

describe('customerKey', () => {
  it('is the lower-cased email when there is one, even with a phone', () => {
    expect(customerKey({ email: 'Ana@Example.com', phone: '+351912345678' })).toBe('email:ana@example.com');
  });

  it('joins the same person across channels however each writes the email', () => {
    expect(customerKey({ email: ' ANA@example.com' })).toBe(customerKey({ email: 'ana@EXAMPLE.com ' }));
  });

  it('falls back to the E.164 phone, read in the given country', () => {
    expect(customerKey({ phone: '912 345 678' }, 'PT')).toBe('phone:+351912345678');
    expect(customerKey({ email: '  ', phone: '+351 912 345 678' })).toBe('phone:+351912345678');
  });

  it('is the same for the same phone written nationally and internationally', () => {
    expect(customerKey({ phone: '912345678' }, 'PT')).toBe(customerKey({ phone: '+351 912 345 678' }));
  });

  it('is undefined when there is neither an email nor a valid phone', () => {
    expect(customerKey(undefined)).toBeUndefined();
    expect(customerKey({})).toBeUndefined();
    expect(customerKey({ phone: '12' }, 'PT')).toBeUndefined();
  });
});
