import * as z from 'zod';

/**
 * Strings a caller sends end up in keys, response headers, logs and stored items, so every one
 * of them obeys two rules:
 * - well-formed UTF-16: a lone surrogate has no UTF-8 form, so it is stored as U+FFFD, and two
 *   different ids (`A\uD800`, `A\uDBFF`) would become the same key;
 * - no control characters: they mean nothing in a name and break headers (`Location`) and logs.
 *   Free text keeps tab, line feed and carriage return.
 * Identifiers are also bounded in UTF-8 bytes, the unit DynamoDB measures keys in (a partition
 * key value holds at most 2,048 bytes, a sort key value 1,024, a map key must not be empty).
 */
const LONE_SURROGATE = /\p{Surrogate}/u;
const CONTROL = /\p{Cc}/u;
const CONTROL_BUT_WHITESPACE = /[^\P{Cc}\t\n\r]/u;
/** Free text of at most `maxLength` UTF-16 units. */
export const text = (maxLength: number) =>
  z
    .string()
    .max(maxLength)
    .refine((value) => !LONE_SURROGATE.test(value), 'must not hold a lone UTF-16 surrogate')
    .refine((value) => !CONTROL_BUT_WHITESPACE.test(value), 'must not hold control characters');

/**
 * A name or id: non-empty, no control character at all, at most `maxLength` UTF-16 units. Each
 * unit takes at most 3 UTF-8 bytes, so an identifier of 256 fits any key with room for a prefix.
 */
export const identifier = (maxLength: number) =>
  z
    .string()
    .min(1, 'must not be empty')
    .max(maxLength)
    .refine((value) => !LONE_SURROGATE.test(value), 'must not hold a lone UTF-16 surrogate')
    .refine((value) => !CONTROL.test(value), 'must not hold control characters');

/** The longest identifier that becomes part of a key: 3 × 256 bytes leave room for any prefix. */
export const MAX_KEY_IDENTIFIER = 256;

/**
 * Finite numbers a store keeps exactly enough: DynamoDB numbers range over 1e-130 to 1e126 in
 * magnitude, so a float such as 1e-300 (which JSON allows) is refused instead of failing the write.
 */
export const decimal = () =>
  z
    .number()
    .refine(
      (value) => value === 0 || (Math.abs(value) >= 1e-130 && Math.abs(value) < 1e126),
      'must be 0 or between 1e-130 and 1e126 in magnitude',
    );
