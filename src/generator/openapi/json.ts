/** A JSON Schema (or an OpenAPI schema) as plain data. */
export type JsonSchema = Record<string, unknown>;

export const isObject = (value: unknown): value is JsonSchema =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
