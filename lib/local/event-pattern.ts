/**
 * EventBridge event patterns, matched by hand: no maintained library implements them offline
 * (AWS's own matcher, Event Ruler, is Java; the npm packages that tried are abandoned). Covered:
 * exact values (strings, numbers, booleans, null), `prefix`, `suffix`, `equals-ignore-case`,
 * `anything-but` (values, prefix or suffix), `exists`, `numeric` ranges, `$or`, and nested
 * fields such as `detail.lines.sku` at any depth.
 */
export type EventPattern = { [field: string]: EventPattern | readonly Condition[] | readonly EventPattern[] };

export type Condition =
  | string
  | number
  | boolean
  | null
  | { prefix: string }
  | { suffix: string }
  | { 'equals-ignore-case': string }
  | { 'anything-but': AnythingBut }
  | { exists: boolean }
  | { numeric: readonly (string | number)[] };

type Scalar = string | number | boolean | null;
type AnythingBut = Scalar | readonly Scalar[] | { prefix: string } | { suffix: string };

export function matchesPattern(pattern: EventPattern, event: unknown): boolean {
  return matchesAt(pattern, [event]);
}

/**
 * EventBridge flattens arrays: `detail.lines.sku` stands for the SKUs of every line, so each
 * level works on the list of values found at that path, not on a single one.
 */
function matchesAt(pattern: EventPattern, nodes: unknown[]): boolean {
  return Object.entries(pattern).every(([field, condition]) => {
    if (field === '$or')
      return (condition as readonly EventPattern[]).some((branch) => matchesAt(branch, nodes));
    const values = nodes.flatMap((node) => (isObject(node) && field in node ? flatten(node[field]) : []));
    if (Array.isArray(condition)) return matchesConditions(condition as readonly Condition[], values);
    return matchesAt(condition as EventPattern, values);
  });
}

function flatten(value: unknown): unknown[] {
  return Array.isArray(value) ? value.flatMap(flatten) : [value];
}

function matchesConditions(conditions: readonly Condition[], values: unknown[]): boolean {
  return conditions.some((condition) => {
    if (isObject(condition) && 'exists' in condition) return condition.exists === values.length > 0;
    return values.some((value) => matchesCondition(condition, value));
  });
}

function matchesCondition(condition: Condition, value: unknown): boolean {
  if (!isObject(condition)) return condition === value;
  if ('prefix' in condition) return typeof value === 'string' && value.startsWith(condition.prefix);
  if ('suffix' in condition) return typeof value === 'string' && value.endsWith(condition.suffix);
  if ('equals-ignore-case' in condition) {
    return typeof value === 'string' && value.toLowerCase() === condition['equals-ignore-case'].toLowerCase();
  }
  if ('anything-but' in condition) return !matchesAnythingBut(condition['anything-but'], value);
  if ('numeric' in condition) return typeof value === 'number' && inNumericRange(condition.numeric, value);
  throw new Error(`Unsupported event pattern condition: ${JSON.stringify(condition)}`);
}

function matchesAnythingBut(excluded: AnythingBut, value: unknown): boolean {
  if (Array.isArray(excluded)) return excluded.includes(value as Scalar);
  if (isObject(excluded)) return matchesCondition(excluded as Condition, value);
  return excluded === value;
}

const COMPARISONS: Record<string, (value: number, bound: number) => boolean> = {
  '<': (value, bound) => value < bound,
  '<=': (value, bound) => value <= bound,
  '=': (value, bound) => value === bound,
  '>=': (value, bound) => value >= bound,
  '>': (value, bound) => value > bound,
};

/** `["<", 10]`, `[">=", 0, "<", 5]`: pairs of operator and bound, all of which must hold. */
function inNumericRange(range: readonly (string | number)[], value: number): boolean {
  for (let index = 0; index < range.length; index += 2) {
    const compare = COMPARISONS[String(range[index])];
    const bound = range[index + 1];
    if (!compare || typeof bound !== 'number')
      throw new Error(`Invalid numeric condition: ${JSON.stringify(range)}`);
    if (!compare(value, bound)) return false;
  }
  return true;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
