import type { Ajv } from 'ajv';
import type { TSchema } from 'typebox';
import type { FieldChange } from '../modules/history/index.js';
import { AppError, type ErrorEntry } from './errors.js';

/**
 * The PATCH engine shared by customers, individuals, accounts and counterparties (CONTRACT §4).
 * Both forms — Layer2 `{updates:[{field, value}], updated_by, reason}` and a plain object of
 * fields (seed 003) — become one merged resource, validated whole with the resource's schema, or
 * refused whole. It returns the new details, the requested status, and the per-field changes.
 */
export interface PatchSpec {
  /** JSON schema of the resource's updatable details (additionalProperties: false). */
  schema: TSchema;
  /** Plain-form aliases: seed name -> canonical name, with an optional value transform. */
  aliases?: Record<string, { to: string; map?: (v: unknown) => unknown }>;
  /** Read-only fields a client may send back: equal to `current` = ignored, different = refused. */
  fixed?: Record<string, unknown>;
  /** Read-only fields that are always ignored in the plain form (timestamps, nested lists). */
  ignored?: readonly string[];
  /** Whether `status` can be changed through this PATCH. */
  hasStatus?: boolean;
  /** Prefixes Layer2 clients put before field paths (e.g. `customer_details.`). */
  pathPrefixes?: readonly string[];
}

export interface PatchBody {
  updates?: { field: string; value?: unknown }[] | undefined;
  updated_by?: string | undefined;
  reason?: string | undefined;
  [key: string]: unknown;
}

export interface PreparedPatch {
  details: Record<string, unknown>;
  status: string | undefined;
  changes: FieldChange[];
  updatedBy: string | undefined;
  reason: string | undefined;
}

type Json = Record<string, unknown>;
const META = new Set(['updates', 'updated_by', 'reason']);

const clone = <T>(v: T): T => structuredClone(v);
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The sub-schema at a dotted path, or undefined when the path is not a field of the resource. */
function schemaAt(schema: TSchema, path: string[]): Json | undefined {
  let node: Json | undefined = schema as unknown as Json;
  for (const seg of path) {
    const props = node?.properties as Json | undefined;
    if (!props || !Object.hasOwn(props, seg)) return undefined;
    node = props[seg] as Json;
  }
  return node;
}

function allowsString(s: Json): boolean {
  if (s.type === 'string') return true;
  const variants = (s.anyOf ?? s.oneOf) as Json[] | undefined;
  return Array.isArray(variants) && variants.some(allowsString);
}
function onlyString(s: Json): boolean {
  if (s.type === 'string') return true;
  const variants = (s.anyOf ?? s.oneOf) as Json[] | undefined;
  return Array.isArray(variants) && variants.every(onlyString);
}

/** Layer2 sends every value as a string; arrays, numbers and booleans arrive JSON-encoded. */
function decodeValue(value: unknown, target: Json, field: string): unknown {
  if (typeof value !== 'string' || onlyString(target)) return value;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    if (allowsString(target)) return value;
    throw new AppError('VALIDATION_ERROR', `The value of ${field} must be JSON of the field's type.`, field);
  }
}

/** Whether `path` names a string property its parent object does not require. */
function optionalString(schema: TSchema, path: string[]): boolean {
  const parent = schemaAt(schema, path.slice(0, -1));
  const target = schemaAt(schema, path);
  if (!parent || !target || !allowsString(target)) return false;
  return !(Array.isArray(parent.required) && parent.required.includes(path[path.length - 1]));
}

/**
 * An empty string in an optional string field is the field absent (issue 11, as on creates: real
 * clients send `""` for every optional string they lack): it clears the field. Inside an object
 * value, the same for its properties (`null`, which removes, in a merge patch; left out of a
 * value that replaces the object). `""` in a required field is left to validation (refused).
 */
function emptyAsAbsent(value: unknown, schema: TSchema, path: string[], merge: boolean): unknown {
  if (value === '' && path.length && optionalString(schema, path)) return null;
  if (!isObject(value)) return value;
  const out: Json = {};
  for (const [k, v] of Object.entries(value)) {
    const cleared = emptyAsAbsent(v, schema, [...path, k], merge);
    if (cleared !== null || v === null || merge) out[k] = cleared;
  }
  return out;
}

function setPath(obj: Json, path: string[], value: unknown): void {
  let node = obj;
  for (const seg of path.slice(0, -1)) {
    if (!isObject(node[seg])) node[seg] = {};
    node = node[seg] as Json;
  }
  const last = path[path.length - 1] as string;
  if (value === null) delete node[last];
  else node[last] = value;
}

/** RFC 7396 merge patch: objects merge, null removes, anything else replaces. */
function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return patch;
  const out: Json = isObject(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

/** Empty nested objects left by removals are dropped. */
function prune(obj: Json): Json {
  for (const [k, v] of Object.entries(obj)) {
    if (isObject(v)) {
      prune(v);
      if (!Object.keys(v).length) delete obj[k];
    }
  }
  return obj;
}

export function diffFields(before: unknown, after: unknown, prefix = ''): FieldChange[] {
  if (isObject(before) && isObject(after)) {
    const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
    return [...keys].sort().flatMap((k) => diffFields(before[k], after[k], prefix ? `${prefix}.${k}` : k));
  }
  if (isObject(before) && after === undefined) return diffFields(before, {}, prefix);
  if (before === undefined && isObject(after)) return diffFields({}, after, prefix);
  if (JSON.stringify(before) === JSON.stringify(after)) return [];
  return [{ field: prefix, before: before ?? null, after: after ?? null }];
}

function ajvEntries(errors: NonNullable<ReturnType<Ajv['compile']>['errors']>): ErrorEntry[] {
  const out: ErrorEntry[] = [];
  const seen = new Set<string>();
  for (const e of errors) {
    if (e.keyword === 'if' || e.keyword === 'anyOf' || e.keyword === 'oneOf') continue;
    let field = e.instancePath.replace(/^\//, '').replace(/\//g, '.');
    const extra =
      e.keyword === 'required'
        ? (e.params as { missingProperty: string }).missingProperty
        : e.keyword === 'additionalProperties'
          ? (e.params as { additionalProperty: string }).additionalProperty
          : undefined;
    if (extra) field = field ? `${field}.${extra}` : extra;
    const description =
      e.keyword === 'required'
        ? `${field} is required.`
        : e.keyword === 'additionalProperties'
          ? `${field} is not a field of this resource.`
          : e.keyword === 'enum'
            ? `${field} must be one of: ${((e.params as { allowedValues: unknown[] }).allowedValues ?? []).join(', ')}.`
            : e.keyword === 'format'
              ? `${field} is not a valid ${(e.params as { format: string }).format}.`
              : `${field} ${e.message ?? 'is invalid'}.`;
    const key = `${field}|${description}`;
    if (!seen.has(key)) {
      seen.add(key);
      out.push({ code: 'VALIDATION_ERROR', description, field });
    }
  }
  return out;
}

export class PatchEngine {
  private readonly validate: ReturnType<Ajv['compile']>;

  constructor(
    ajv: Ajv,
    private readonly spec: PatchSpec,
  ) {
    this.validate = ajv.compile(spec.schema as object);
  }

  /** Throws one AppError listing every problem, or returns the whole new state. */
  prepare(current: Json, body: PatchBody, fixedValues: Record<string, unknown> = {}): PreparedPatch {
    const spec = this.spec;
    const errors: ErrorEntry[] = [];
    let details = clone(current);
    let status: string | undefined;
    const fail = (code: ErrorEntry['code'], description: string, field: string) => errors.push({ code, description, field });

    const readOnly = (field: string, value: unknown, explicit: boolean): boolean => {
      if (Object.hasOwn(fixedValues, field)) {
        if (JSON.stringify(fixedValues[field]) !== JSON.stringify(value)) fail('NOT_UPDATABLE', `${field} cannot be changed.`, field);
        return true;
      }
      if (spec.ignored?.includes(field)) {
        if (explicit) fail('NOT_UPDATABLE', `${field} is read-only.`, field);
        return true;
      }
      return false;
    };

    if (body.updates !== undefined) {
      const plain = Object.keys(body).filter((k) => !META.has(k));
      for (const k of plain) fail('VALIDATION_ERROR', `Send either an updates list or plain fields, not both (${k}).`, k);
      const seen = new Set<string>();
      for (const [i, u] of body.updates.entries()) {
        let field = u.field.trim();
        for (const p of spec.pathPrefixes ?? []) if (field.startsWith(p)) field = field.slice(p.length);
        const at = `updates.${i}.field`;
        if (seen.has(field)) {
          fail('VALIDATION_ERROR', `${field} appears more than once.`, at);
          continue;
        }
        seen.add(field);
        if (field === 'status' && spec.hasStatus) {
          if (typeof u.value !== 'string') {
            fail('VALIDATION_ERROR', 'status must be a string.', 'status');
            continue;
          }
          status = u.value;
          continue;
        }
        const path = field.split('.');
        const head = path[0] as string;
        if (readOnly(head, u.value, true)) continue;
        const target = schemaAt(spec.schema, path);
        if (!target) {
          fail('VALIDATION_ERROR', `${field} is not an updatable field.`, at);
          continue;
        }
        if (u.value === undefined) {
          fail('VALIDATION_ERROR', `updates.${i}.value is required.`, `updates.${i}.value`);
          continue;
        }
        try {
          setPath(details, path, emptyAsAbsent(decodeValue(u.value, target, field), spec.schema, path, false));
        } catch (err) {
          if (err instanceof AppError) errors.push(...err.entries);
          else throw err;
        }
      }
    } else {
      const patch: Json = {};
      for (const [key, value] of Object.entries(body)) {
        if (META.has(key) || value === undefined) continue;
        if (key === 'status' && spec.hasStatus) {
          status = value as string;
          continue;
        }
        const alias = spec.aliases?.[key];
        const name = alias ? alias.to : key;
        if (readOnly(name, value, false)) continue;
        if (alias && Object.hasOwn(body, alias.to)) {
          fail('VALIDATION_ERROR', `${key} and ${alias.to} are the same field; send one.`, key);
          continue;
        }
        patch[name] = alias?.map && value !== null ? alias.map(value) : value;
      }
      details = mergePatch(details, emptyAsAbsent(patch, spec.schema, [], true)) as Json;
    }

    details = prune(details);
    if (!errors.length && !this.validate(details)) errors.push(...ajvEntries(this.validate.errors ?? []));
    if (errors.length) throw AppError.many(errors);
    return { details, status, changes: diffFields(current, details), updatedBy: body.updated_by, reason: body.reason };
  }
}
