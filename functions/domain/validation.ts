import type * as z from 'zod';
import { ValidationError, type FieldIssue } from './errors.js';

/**
 * Parses with a zod schema and turns every issue into a field-level entry of a ValidationError.
 * `pathPrefix` places the paths inside a larger document; `verdict` words the message.
 */
export function parseOrThrow<Schema extends z.ZodType>(
  schema: Schema,
  input: unknown,
  what: string,
  pathPrefix = '',
  verdict = 'is invalid',
): z.output<Schema> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issues: FieldIssue[] = result.error.issues.map((issue) => ({
    path: [pathPrefix, ...issue.path.map(String)].filter(Boolean).join('/') || '(root)',
    message: issue.message,
  }));
  throw new ValidationError(`The ${what} ${verdict}: ${issues.length} problem(s).`, issues);
}

export function parseJson(rawBody: string): unknown {
  try {
    return JSON.parse(rawBody);
  } catch (error) {
    throw new ValidationError('The body is not valid JSON.', [
      { path: '(root)', message: (error as Error).message },
    ]);
  }
}
