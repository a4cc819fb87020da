/**
 * What real Layer2 clients send, made what the route's body schema means, before validation,
 * in one place for every route (CONTRACT §2 and issue 11):
 *  - a property the schema marks `readOnly` (a field of the resource the client sent back:
 *    `id`, `status`, `created_timestamp`, …) is accepted and ignored;
 *  - an empty string in an optional string property is the property absent (and so stored absent).
 * Driven by the schema alone: object properties, arrays, allOf, and anyOf/oneOf branches (a
 * discriminated union narrows to the branch its discriminator names).
 */
type Json = Record<string, any>;
type Schema = Json;

const isObject = (v: unknown): v is Json => !!v && typeof v === 'object' && !Array.isArray(v);

/** The object schemas an instance may be checked against (allOf parts together, union branches). */
function branches(schema: Schema | undefined, value: Json, depth = 0): Schema[] {
  if (!schema || depth > 8) return [];
  const out: Schema[] = [];
  if (schema.properties) out.push(schema);
  for (const part of (schema.allOf ?? []) as Schema[]) out.push(...branches(part, value, depth + 1));
  const union = (schema.oneOf ?? schema.anyOf) as Schema[] | undefined;
  if (union) {
    const prop = schema.discriminator?.propertyName as string | undefined;
    const chosen =
      prop && typeof value[prop] === 'string'
        ? union.filter((b) => {
            const p = b.properties?.[prop];
            return p && (p.const === value[prop] || (Array.isArray(p.enum) && p.enum.includes(value[prop])));
          })
        : union;
    for (const b of chosen.length ? chosen : union) out.push(...branches(b, value, depth + 1));
  }
  return out;
}

const acceptsString = (s: Schema): boolean =>
  s.type === 'string' ||
  (Array.isArray(s.type) && s.type.includes('string')) ||
  ((s.anyOf ?? s.oneOf ?? []) as Schema[]).some(acceptsString);

export function normalizeBody(value: unknown, schema: Schema | undefined): void {
  if (!schema || value === null || typeof value !== 'object' || Buffer.isBuffer(value)) return;
  if (Array.isArray(value)) {
    const items = schema.items as Schema | undefined;
    for (const v of value) normalizeBody(v, items);
    return;
  }
  const objects = branches(schema, value);
  if (!objects.length) return;
  const obj = value as Json;
  for (const key of Object.keys(obj)) {
    const props = objects.map((o) => o.properties?.[key] as Schema | undefined).filter((p): p is Schema => !!p);
    if (!props.length) continue;
    if (props.some((p) => p.readOnly === true)) {
      delete obj[key];
      continue;
    }
    const v = obj[key];
    if (v === '') {
      const required = objects.some((o) => Array.isArray(o.required) && o.required.includes(key));
      if (!required && props.some(acceptsString)) delete obj[key];
      continue;
    }
    if (isObject(v) || Array.isArray(v)) {
      const before = isObject(v) ? Object.keys(v).length : -1;
      for (const p of props) normalizeBody(v, p);
      // An object that held read-only fields only (a PUSH deposit's deposit_source) goes too.
      const required = objects.some((o) => Array.isArray(o.required) && o.required.includes(key));
      if (before > 0 && isObject(v) && Object.keys(v).length === 0 && !required) delete obj[key];
    }
  }
}
