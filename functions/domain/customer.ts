import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/min';

/**
 * One customer, many channels: the same person buys on Shopify with "Ana@Example.com" and in
 * store with "+351 912 345 678". The key is the lower-cased email when there is one, else the
 * phone in E.164 (libphonenumber, the library Google keeps for this), else none.
 */
export function normalizeEmail(email: string | undefined): string | undefined {
  const trimmed = email?.trim().toLowerCase();
  return trimmed ? trimmed : undefined;
}

export function normalizePhone(phone: string | undefined, defaultCountry?: string): string | undefined {
  if (!phone?.trim()) return undefined;
  const parsed = parsePhoneNumberFromString(phone, defaultCountry as CountryCode | undefined);
  return parsed?.isValid() ? parsed.number : undefined;
}

export function customerKey(
  customer: { email?: string; phone?: string } | undefined,
  country?: string,
): string | undefined {
  const email = normalizeEmail(customer?.email);
  if (email) return `email:${email}`;
  const phone = normalizePhone(customer?.phone, country);
  return phone ? `phone:${phone}` : undefined;
}
