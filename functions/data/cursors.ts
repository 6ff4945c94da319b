import { ValidationError } from '../domain/errors.js';

/** Paging cursors of every listing: the last key of a page, handed back as an opaque string. */
export function encodeCursor(key: Record<string, unknown>): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

/**
 * A cursor is the last key of a page, and a caller can send back anything: it is used only when
 * it is a key the same query could have returned, with exactly the key attributes, each a
 * non-empty string DynamoDB accepts as a key (at most 1,024 bytes), and `belongs` to the query
 * (the caller's own partition, inside the query's range). Anything else is a 400, never a
 * DynamoDB error.
 */
export function decodeCursor(
  cursor: string | undefined,
  attributes: readonly string[],
  belongs: (key: Record<string, string>) => boolean,
): Record<string, string> | undefined {
  if (!cursor) return undefined;
  const key = parseCursor(cursor);
  const isKey =
    key !== undefined &&
    Object.keys(key).length === attributes.length &&
    attributes.every((name) => {
      const value = key[name];
      return typeof value === 'string' && value !== '' && Buffer.byteLength(value, 'utf8') <= 1024;
    }) &&
    belongs(key as Record<string, string>);
  if (isKey) return key as Record<string, string>;
  throw new ValidationError('The cursor is invalid.', [
    { path: 'cursor', message: 'is not a cursor this API issued for this query' },
  ]);
}

function parseCursor(cursor: string): Record<string, unknown> | undefined {
  try {
    const key: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (key && typeof key === 'object' && !Array.isArray(key)) return key as Record<string, unknown>;
  } catch {
    // Not JSON: not a cursor of ours.
  }
  return undefined;
}
