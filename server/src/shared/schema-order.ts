import type { TSchema } from 'typebox';

/**
 * Stored JSON (jsonb) comes back with its keys in jsonb's order; responses list them in the
 * order the schema declares, nested objects included. Keys the schema does not know keep their
 * place at the end.
 */
export function orderBySchema<T>(value: T, schema: TSchema): T {
  const props = (schema as { properties?: Record<string, TSchema> }).properties;
  if (!props || typeof value !== 'object' || value === null || Array.isArray(value)) return value;
  const src = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [key, sub] of Object.entries(props)) {
    if (Object.hasOwn(src, key)) out[key] = orderBySchema(src[key], sub);
  }
  for (const key of Object.keys(src)) if (!Object.hasOwn(out, key)) out[key] = src[key];
  return out as T;
}
