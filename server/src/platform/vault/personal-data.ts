import { sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { queryRows } from '../../db/sql.js';
import type { SecretBox } from './index.js';

/**
 * Personal identifiers at rest (CONTRACT §17): tax reference numbers (a person's, and a
 * corporation's `corporate_tax_reference_number`, Rail 1.1.2) and passport numbers are stored encrypted by the vault wherever they sit in a JSON document (customers, individuals,
 * applications, counterparties, history rows), and answered masked unless the caller holds
 * `customers:sensitive`.
 *
 * The walk is by key name, at any depth: a value under a key named in PERSONAL_FIELDS (or a history
 * change whose field's last segment is one) is what is sealed, opened or masked. Each encrypted
 * value is bound to its row and its key (`<context>:<key>`), so a ciphertext copied elsewhere
 * does not decrypt.
 *
 * No lookup finds a customer by these values today; were one needed, it would go through
 * `vault.lookupHash(value, '<table>.<key>')`, never through the clear value.
 */
export const PERSONAL_FIELDS: readonly string[] = ['tax_reference_number', 'passport_number', 'corporate_tax_reference_number'];
// Not here, on purpose: `registered_number` and `regulation_agency_regulation_number` are numbers of
// public registers (a company's registration, a licence), printed on invoices and looked up by
// anyone; the Layer2 schemas hold no other tax id, passport or identity-card number.

/** The scope that reveals personal identifiers in views and history (granted by the operator, never by default). */
export const SENSITIVE_SCOPE = 'customers:sensitive';

/** The documented mask: five asterisks then the last four characters (five asterisks alone for 4 characters or fewer). */
export function maskPersonal(value: string): string {
  return value.length > 4 ? `*****${value.slice(-4)}` : '*****';
}

export const mayReveal = (scopes: ReadonlySet<string>): boolean => scopes.has(SENSITIVE_SCOPE);

const personal = (key: string | undefined) => key !== undefined && PERSONAL_FIELDS.includes(key);
/** The key a history change's value sits under: its field's last segment (`individuals.x.passport_number`). */
export const fieldKey = (field: string): string => field.slice(field.lastIndexOf('.') + 1);

function walk(value: unknown, key: string | undefined, leaf: (text: string, key: string) => unknown): unknown {
  if (typeof value === 'string') return personal(key) ? leaf(value, key as string) : value;
  if (Array.isArray(value)) return value.map((v) => walk(v, key, leaf));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, walk(v, k, leaf)]));
  }
  return value;
}

/** Does this value hold a personal identifier (at any depth, or itself under `key`)? */
export function holdsPersonal(value: unknown, key?: string): boolean {
  let found = false;
  walk(value, key, (text) => {
    found = true;
    return text;
  });
  return found;
}

/**
 * A copy of `value` with every personal identifier encrypted for `context`. With `keepEncrypted`
 * (the upgrade of rows an earlier version wrote), values already encrypted are left as they are;
 * otherwise every value is encrypted, whatever it looks like (it came from a client).
 */
export function sealPersonal<T>(box: SecretBox, value: T, context: string, opts: { key?: string; keepEncrypted?: boolean } = {}): T {
  return walk(value, opts.key, (text, k) =>
    opts.keepEncrypted && box.isEncrypted(text) ? text : box.encrypt(text, `${context}:${k}`),
  ) as T;
}

/**
 * A copy of `value` with every personal identifier decrypted (`reveal`) or masked. Without a box
 * (a reader that cannot decrypt) encrypted values are masked to asterisks alone.
 */
export function openPersonal<T>(box: SecretBox | undefined, value: T, context: string, opts: { key?: string; reveal: boolean }): T {
  return walk(value, opts.key, (text, k) => {
    const encrypted = box ? box.isEncrypted(text) : /^llv1:/.test(text);
    if (encrypted && !box) return '*****';
    const clear = encrypted && box ? box.decrypt(text, `${context}:${k}`) : text;
    return opts.reveal ? clear : maskPersonal(clear);
  }) as T;
}

/**
 * A client that reads a resource (masked) and sends it back whole must not overwrite a personal
 * identifier with its mask: a PATCH value equal to the mask of the current value (at the same
 * key, top level or `prefix.key`) means "unchanged" and is dropped, in both PATCH forms.
 */
export function dropEchoedMasks<B extends { updates?: { field: string; value?: unknown }[] | undefined; [key: string]: unknown }>(
  body: B,
  current: Record<string, unknown>,
  prefixes: readonly string[] = [],
): B {
  const strip = (field: string) => prefixes.reduce((f, p) => (f.startsWith(p) ? f.slice(p.length) : f), field);
  const echoed = (field: string, value: unknown) => {
    const key = strip(field);
    const now = current[key];
    return PERSONAL_FIELDS.includes(key) && typeof now === 'string' && typeof value === 'string' && value === maskPersonal(now);
  };
  const out = Object.fromEntries(Object.entries(body).filter(([k, v]) => k === 'updates' || !echoed(k, v))) as B;
  if (Array.isArray(body.updates)) {
    const kept = body.updates.filter((u) => !echoed(u.field, u.value));
    if (kept.length) out.updates = kept;
    else delete out.updates;
    // An updates list of echoes alone changes nothing: leave an empty plain form.
  }
  return out;
}

/**
 * jsonpath: some object in the document holds a personal identifier as a string not yet
 * encrypted (the vault's envelopes start with `llv1:`).
 */
const CLEAR_PATH = `$.** ? (${PERSONAL_FIELDS.map((f) => `(@.${f}.type() == "string" && !(@.${f} starts with "llv1:"))`).join(' || ')})`;
const FIELD_PATTERN = `(^|\\.)(${PERSONAL_FIELDS.join('|')})$`;

export interface StoredPersonalTarget {
  table: string;
  /** The primary key's columns. */
  keys: readonly string[];
  /** The JSON columns that may hold personal identifiers. */
  columns: readonly string[];
  /** A text column naming the key a column's top-level value sits under (resource_history.field). */
  fieldColumn?: string;
  /** The encryption context of a row, from its key columns (as the owner module writes it). */
  context: (row: Record<string, string>) => string;
}

/**
 * Encrypts what an earlier version stored in clear in the JSON columns of one table (its owner
 * module calls this at start, once the vault is open). Rows are found by jsonpath, rewritten
 * compare-and-set on the columns' old values (processes starting together do not clash); nothing
 * else in the documents changes. Returns how many rows it rewrote.
 */
export async function encryptStoredPersonal(db: Db, box: SecretBox, target: StoredPersonalTarget, batch = 500): Promise<number> {
  const id = (name: string) => sql.identifier(name);
  const predicates = target.columns.map((c) => {
    const nested = sql`jsonb_path_exists(coalesce(${id(c)}, 'null'::jsonb), ${CLEAR_PATH}::jsonpath)`;
    if (!target.fieldColumn) return nested;
    const scalar = sql`(${id(target.fieldColumn)} ~ ${FIELD_PATTERN} AND jsonb_typeof(${id(c)}) = 'string' AND ${id(c)} #>> '{}' NOT LIKE 'llv1:%')`;
    return sql`(${nested} OR ${scalar})`;
  });
  const selected = [...target.keys, ...(target.fieldColumn ? [target.fieldColumn] : [])];
  let done = 0;
  for (;;) {
    const rows = await queryRows<Record<string, string | null>>(
      db,
      sql`SELECT ${sql.join(
        [...selected.map((k) => id(k)), ...target.columns.map((c) => sql`${id(c)}::text AS ${id(c)}`)],
        sql`, `,
      )} FROM ${id(target.table)} WHERE ${sql.join(predicates, sql` OR `)} LIMIT ${batch}`,
    );
    let updatedNow = 0;
    for (const row of rows) {
      const keys = Object.fromEntries(target.keys.map((k) => [k, row[k] as string]));
      const context = target.context(keys);
      const key = target.fieldColumn ? fieldKey(row[target.fieldColumn] ?? '') : undefined;
      const sets = target.columns.map((c) => {
        const text = row[c] ?? null;
        const sealed = text === null ? null : sealPersonal(box, JSON.parse(text), context, { keepEncrypted: true, ...(key && { key }) });
        return { column: c, before: text, after: sealed === null ? null : JSON.stringify(sealed) };
      });
      const where = [
        ...target.keys.map((k) => sql`${id(k)} = ${keys[k]}`),
        ...sets.map((s) => (s.before === null ? sql`${id(s.column)} IS NULL` : sql`${id(s.column)} = ${s.before}::jsonb`)),
      ];
      const updated = await queryRows(
        db,
        sql`UPDATE ${id(target.table)} SET ${sql.join(
          sets.map((s) => sql`${id(s.column)} = ${s.after}::jsonb`),
          sql`, `,
        )} WHERE ${sql.join(where, sql` AND `)} RETURNING 1 AS one`,
      );
      updatedNow += updated.length;
    }
    done += updatedNow;
    // A row changed under us was encrypted by another process starting too: it no longer matches.
    if (rows.length < batch || updatedNow === 0) return done;
  }
}
