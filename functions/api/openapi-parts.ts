import * as z from 'zod';

/** Pieces every part of the OpenAPI document shares. */
/** A zod schema as JSON Schema, without the dialect marker OpenAPI 3.1 does not want inside components. */
export function jsonSchema(schema: z.ZodType, io: 'input' | 'output' = 'input') {
  const { $schema: _dialect, ...rendered } = z.toJSONSchema(schema, { io, unrepresentable: 'any' });
  return rendered;
}

export function problemResponse(description: string) {
  return {
    description,
    content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
  };
}
