/**
 * The response mapping of each version, per Layer2 operation. A view takes the body the route
 * built from the internal model (`{data: …}` or a list envelope) and returns the body that
 * version's document describes. `common` runs first, for every version; then the version's own.
 * Views are registered by the files in ./views/ (one per resource), and applied by the plugin
 * where responses are serialised.
 */
import type { FastifyRequest } from 'fastify';
import type { ApiVersion } from './versions.js';

export type Json = Record<string, any>;
export interface ViewContext {
  version: ApiVersion;
  request: FastifyRequest;
}
export type View = (body: Json, ctx: ViewContext) => Json | Promise<Json>;
export interface ViewSet {
  common?: View;
  '1.0.5'?: View;
  '1.1.2'?: View;
}

const registry = new Map<string, ViewSet[]>();

/** Registers views for one or more operations (keys as in LAYER2_OPERATIONS). */
export function defineViews(keys: string | string[], views: ViewSet): void {
  for (const key of Array.isArray(keys) ? keys : [keys]) registry.set(key, [...(registry.get(key) ?? []), views]);
}

export async function applyViews(key: string, body: Json, ctx: ViewContext): Promise<Json> {
  let out = body;
  for (const set of registry.get(key) ?? []) {
    if (set.common) out = await set.common(out, ctx);
    const own = set[ctx.version];
    if (own) out = await own(out, ctx);
  }
  return out;
}

/** `{data: X}` -> `{data: f(X)}`; lists: each item of `data[key]`. */
export const onData =
  (f: (data: Json, ctx: ViewContext) => Json | Promise<Json>): View =>
  async (body, ctx) =>
    body && typeof body.data === 'object' && body.data !== null ? { ...body, data: await f(body.data, ctx) } : body;
export const onItems =
  (listKey: string, f: (item: Json, ctx: ViewContext) => Json | Promise<Json>): View =>
  async (body, ctx) =>
    Array.isArray(body?.data?.[listKey])
      ? { ...body, data: { ...body.data, [listKey]: await Promise.all(body.data[listKey].map((i: Json) => f(i, ctx))) } }
      : body;

/** `status` as the version's enum names it; the internal status stays in `status_detail` when it differs. */
export function mapStatus(item: Json, map: Record<string, string>): Json {
  const to = map[item.status as string];
  return to && to !== item.status ? { ...item, status: to, status_detail: item.status } : item;
}

const isPlain = (v: unknown): v is Json => !!v && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype;

/**
 * Layer2's documents never make a field nullable: an absent optional field is absent, not null.
 * Copies plain objects and arrays; leaves other values (exact decimals) as they are.
 */
export function withoutNulls<T>(value: T): T {
  if (Array.isArray(value)) return value.map(withoutNulls) as T;
  if (!isPlain(value)) return value;
  const out: Json = {};
  for (const [k, v] of Object.entries(value)) if (v !== null && v !== undefined) out[k] = withoutNulls(v);
  return out as T;
}
