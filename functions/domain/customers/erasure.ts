/**
 * Erasure of a person's data (GDPR art. 17, CCPA): every stored item that held it is rewritten
 * with tombstones, keeping what the books need (ids, SKUs, quantities, amounts, currencies,
 * dates, statuses, the country and region taxes were computed for). Pure: the repository reads
 * and writes the items, this decides what each becomes.
 */
export const TOMBSTONE = '[erased]';

/** Never personal, always needed: keys, ids, codes and dates. */
const KEPT = new Set([
  'pk',
  'sk',
  'entityType',
  'sku',
  'currency',
  'status',
  'previousStatus',
  'country',
  'region',
  'type',
  'kind',
  'format',
  'payloadHash',
  'workQueue',
  'openWork',
]);
const isKept = (key: string) => KEPT.has(key) || /(Id|Ids|At|By)$/.test(key) || key === 'version';

/** Attributes derived from the email or phone, indexed (Orders `byCustomer`): removed, not tombstoned. */
const DERIVED = new Set(['customerKey']);

/** The fields of an address that locate or name a person; country and region stay for the taxes. */
const ADDRESS_FIELDS = ['name', 'company', 'line1', 'line2', 'city', 'postalCode', 'phone'] as const;
/** Coordinates place a home to a few metres: removed. */
const ADDRESS_COORDINATES = ['lat', 'lon'] as const;
const CUSTOMER_FIELDS = ['name', 'email', 'phone', 'id'] as const;

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

const isObject = (value: unknown): value is JsonObject =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

const isAddress = (value: JsonObject) => typeof value.line1 === 'string' && typeof value.country === 'string';

/**
 * The personal values an order's records hold (its customer's name, email, phone and channel id,
 * each address's name, street, city, postal code and phone), with the person's normalized
 * identifiers: what must not survive anywhere, in whatever field a channel's payload put it.
 */
export function personalValues(items: readonly unknown[], identifiers: readonly string[] = []): string[] {
  const found = new Set(identifiers);
  const visit = (value: unknown, key?: string) => {
    if (Array.isArray(value)) return value.forEach((entry) => visit(entry));
    if (!isObject(value)) return;
    const fields = key === 'customer' ? CUSTOMER_FIELDS : isAddress(value) ? ADDRESS_FIELDS : [];
    for (const field of fields) {
      const entry = value[field];
      if (typeof entry === 'string' && entry.trim()) found.add(entry.trim());
    }
    for (const [name, entry] of Object.entries(value)) visit(entry, name);
  };
  items.forEach((item) => visit(item));
  // Too short to tell apart from ordinary words and codes; they are erased by field anyway.
  return [...found].filter((value) => value.length >= 4);
}

/**
 * The item with the person's data replaced: the customer and every address by field, raw channel
 * payloads whole, and any other string that contains one of `values` (a note, a gift message, a
 * reason typed by an agent). `changed` tells whether it must be written back.
 */
export function scrubItem<T extends Record<string, unknown>>(
  item: T,
  values: readonly string[],
): { item: T; changed: boolean } {
  const lowered = values.map((value) => value.toLowerCase());
  let changed = false;
  const tombstone = () => {
    changed = true;
    return TOMBSTONE;
  };
  const scrubString = (value: string) =>
    value !== TOMBSTONE && lowered.some((personal) => value.toLowerCase().includes(personal))
      ? tombstone()
      : value;

  const scrub = (value: Json, key?: string): Json | undefined => {
    if (key !== undefined && isKept(key)) return value;
    if (key !== undefined && DERIVED.has(key)) {
      changed = true;
      return undefined;
    }
    if (key === 'rawBody' && typeof value === 'string') return value === TOMBSTONE ? value : tombstone();
    if (typeof value === 'string') return scrubString(value);
    if (Array.isArray(value)) return value.map((entry) => scrub(entry) ?? null);
    if (!isObject(value)) return value;
    if (key === 'customer') return scrubFields(value, CUSTOMER_FIELDS);
    if (isAddress(value)) return scrubFields(value, ADDRESS_FIELDS);
    return scrubObject(value);
  };
  const scrubObject = (value: JsonObject): JsonObject => {
    const result: JsonObject = {};
    for (const [name, entry] of Object.entries(value)) {
      const scrubbed = scrub(entry, name);
      if (scrubbed !== undefined) result[name] = scrubbed;
    }
    return result;
  };
  const scrubFields = (value: JsonObject, fields: readonly string[]): JsonObject => {
    const result = scrubObject(value);
    for (const field of fields) {
      if (typeof result[field] === 'string' && result[field] !== TOMBSTONE) result[field] = tombstone();
    }
    for (const coordinate of ADDRESS_COORDINATES) {
      if (coordinate in result) {
        delete result[coordinate];
        changed = true;
      }
    }
    return result;
  };

  const scrubbed = scrubObject(item as unknown as JsonObject) as unknown as T;
  return { item: scrubbed, changed };
}
