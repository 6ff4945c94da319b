import fc from 'fast-check';

/**
 * Requests shaped like the schemas, with the values that broke the OMS before: numbers at the
 * edges (2^53, 1e-300, 1e308), strings DynamoDB or a header refuses (lone surrogates, control
 * characters, 2 KB+ keys, empty map keys), empty and huge collections. A valid request is the
 * seed; each run replaces a few of its nodes, so most of the request stays valid and the odd
 * value reaches the code behind the first check. Garbage (any JSON, any text) comes on top.
 * Shared by the fuzz tests in `npm test` and by `npm run fuzz` (bin/fuzz.ts).
 */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export const extremeNumber: fc.Arbitrary<number> = fc.oneof(
  fc.constantFrom(
    0,
    -0,
    1,
    -1,
    2 ** 31,
    2 ** 53 - 1,
    2 ** 53,
    2 ** 53 + 2,
    -(2 ** 53) - 2,
    1e15,
    99_999_999_999,
    100_000_000_000,
    100_000_000_001,
    1e21,
    1e126,
    1e308,
    -1e308,
    Number.MAX_VALUE,
    1e-7,
    1e-130,
    1e-131,
    1e-300,
    -1e-300,
    Number.MIN_VALUE,
    0.1,
    0.5,
    1.5,
    90.000001,
    -180.5,
  ),
  fc.integer(),
  fc.maxSafeInteger(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
);

const bigKey = (unit: string, bytes: number) => unit.repeat(Math.ceil(bytes / Buffer.byteLength(unit)));

export const extremeString: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    '',
    ' ',
    '\uD800',
    'A\uDBFF',
    '\uDC00B',
    'W-1001\uD800',
    '\u0000',
    'a\nb',
    'line\r\nbreak',
    '\u007F',
    '\u0085',
    '\u2028',
    '%ZZ',
    '%2F',
    '../..',
    'A#B',
    'ORDER#1',
    '😀',
    'ü'.normalize('NFD'),
    bigKey('x', 1025),
    bigKey('x', 2049),
    bigKey('€', 2100),
    bigKey('😀', 2100),
    bigKey('x', 70_000),
    'SKU-1',
    'TSHIRT-BLUE-M',
    'lisbon-store',
  ),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ maxLength: 2100 }),
);

export const extremeMap: fc.Arbitrary<Json> = fc.oneof(
  fc.constant({}),
  fc.dictionary(extremeString, extremeString, { maxKeys: 8 }),
  fc
    .integer({ min: 51, max: 300 })
    .map((size) => Object.fromEntries(Array.from({ length: size }, (_, index) => [`k${index}`, 'v']))),
);

/** A value of any JSON kind, leaning to the extremes. */
export const extremeValue: fc.Arbitrary<Json> = fc.oneof(
  { weight: 4, arbitrary: extremeNumber },
  { weight: 4, arbitrary: extremeString },
  { weight: 2, arbitrary: extremeMap },
  { weight: 1, arbitrary: fc.constantFrom<Json>(null, true, false, [], [{}], [null]) },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<Json> },
);

type Mutation =
  | { kind: 'replace'; at: number; value: Json }
  | { kind: 'delete'; at: number }
  | { kind: 'add'; at: number; key: string; value: Json }
  | { kind: 'repeat'; at: number; times: number };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({ kind: fc.constant('replace' as const), at: fc.nat(), value: extremeValue }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('delete' as const), at: fc.nat() }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('add' as const),
      at: fc.nat(),
      key: extremeString,
      value: extremeValue,
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('repeat' as const),
      at: fc.nat(),
      times: fc.constantFrom(0, 2, 51, 501),
    }),
  },
);

/** Every node of a JSON document, as the parent that holds it and its key there. */
function nodesOf(root: Json): { parent: Json[] | Record<string, Json>; key: string | number }[] {
  const nodes: { parent: Json[] | Record<string, Json>; key: string | number }[] = [];
  const visit = (value: Json) => {
    if (Array.isArray(value)) {
      value.forEach((child, index) => {
        nodes.push({ parent: value, key: index });
        visit(child);
      });
    } else if (value !== null && typeof value === 'object') {
      for (const [key, child] of Object.entries(value)) {
        nodes.push({ parent: value, key });
        visit(child);
      }
    }
  };
  visit(root);
  return nodes;
}

function apply(root: Json, change: Mutation): void {
  const nodes = nodesOf(root);
  if (nodes.length === 0) return;
  const { parent, key } = nodes[change.at % nodes.length]!;
  const container = parent as Record<string | number, Json>;
  switch (change.kind) {
    // Values are cloned as they are placed: two changes may carry the same generated object, and
    // placing it twice, one inside the other, would make the document circular.
    case 'replace':
      container[key] = structuredClone(change.value);
      return;
    case 'delete':
      if (Array.isArray(parent)) parent.splice(key as number, 1);
      else delete container[key];
      return;
    case 'add': {
      const target = container[key];
      if (target !== null && typeof target === 'object' && !Array.isArray(target))
        target[change.key] = structuredClone(change.value);
      return;
    }
    case 'repeat': {
      const target = container[key];
      if (Array.isArray(target) && target.length > 0) {
        container[key] = Array.from({ length: change.times }, (_, index) =>
          structuredClone(target[index % target.length]!),
        );
      }
    }
  }
}

/** The seed with one to four of its nodes replaced, removed, added to or repeated. */
export function mutated(seed: fc.Arbitrary<Json>): fc.Arbitrary<Json> {
  return fc.tuple(seed, fc.array(mutation, { minLength: 1, maxLength: 4 })).map(([document, changes]) => {
    const copy = structuredClone(document);
    for (const change of changes) apply(copy, change);
    return copy;
  });
}

/** A body: the valid seed, the seed mutated, any JSON, or any text. */
export function bodies(seed: fc.Arbitrary<Json>): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 2, arbitrary: seed.map((document) => JSON.stringify(document)) },
    { weight: 12, arbitrary: mutated(seed).map((document) => JSON.stringify(document)) },
    { weight: 1, arbitrary: fc.jsonValue().map((document) => JSON.stringify(document)) },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 200 }) },
  );
}

/** Ids for path parameters: valid ones, and every kind of string a path can carry. */
export const pathId = (valid: string[]): fc.Arbitrary<string> =>
  fc.oneof({ weight: 1, arbitrary: fc.constantFrom(...valid) }, { weight: 3, arbitrary: extremeString });
