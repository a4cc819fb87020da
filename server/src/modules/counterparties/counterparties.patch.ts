/**
 * What PATCH does around the shared PatchEngine for counterparties: seed 003 aliases into the
 * profile, masked numbers sent back meaning "unchanged", server-set parts of the details, and the
 * fields that stay editable once a counterparty is screened (docs/counterparties.md, PATCH).
 */
import { maskAccountNumber } from '../../shared/bank-codes.js';
import { AppError, type ErrorEntry } from '../../shared/errors.js';
import type { PatchBody } from '../../shared/patch.js';
import { assetOf } from '../catalogue/index.js';
import { isString, MASKED_FIELDS, normalizeRails } from './counterparties.rules.js';
import { type CounterpartyType, DEFAULT_RAILS } from './counterparties.schemas.js';

type Json = Record<string, any>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Once screened (out of PENDING), only contact data may change (docs/counterparties.md). */
export function editableOnceScreened(field: string): boolean {
  if (field === 'description' || field === 'profile.email' || field === 'profile.telephone_number') return true;
  return field.startsWith('profile.address.') && field !== 'profile.address.country_code';
}

const ALIASES: Record<string, string> = { email: 'email', phone: 'telephone_number', address: 'address' };

/** Seed 003 names (email, phone, address) of the plain form, moved into the profile. */
export function withAliases(body: PatchBody): PatchBody {
  if (body.updates !== undefined) return body;
  const out: PatchBody = { ...body };
  const errors: ErrorEntry[] = [];
  for (const [alias, to] of Object.entries(ALIASES)) {
    // (A profile that is not an object is left to the schema, which names it.)
    if (out[alias] === undefined || (out.profile !== undefined && !isObject(out.profile))) continue;
    const profile = isObject(out.profile) ? out.profile : {};
    if (Object.hasOwn(profile, to)) {
      errors.push({ code: 'VALIDATION_ERROR', description: `${alias} and profile.${to} are the same field; send one.`, field: alias });
      continue;
    }
    out.profile = { ...profile, [to]: out[alias] };
    delete out[alias];
  }
  if (errors.length) throw AppError.many(errors);
  return out;
}

/**
 * A client may send back the object it received, with masked numbers: a masked value equal to
 * the mask of the stored one means "unchanged".
 */
export function unmask(body: PatchBody, current: Json): PatchBody {
  const stored = (current.account_information ?? {}) as Json;
  const restore = (info: Json): Json => {
    const out = { ...info };
    for (const f of MASKED_FIELDS) {
      if (isString(stored[f]) && typeof out[f] === 'string' && out[f] !== stored[f] && out[f] === maskAccountNumber(stored[f])) {
        out[f] = stored[f];
      }
    }
    return out;
  };
  if (body.updates === undefined) {
    return isObject(body.account_information) ? { ...body, account_information: restore(body.account_information) } : body;
  }
  const updates = body.updates.map((u) => {
    const field = u.field.trim();
    const f = field.replace(/^account_information\./, '');
    if (field !== f && (MASKED_FIELDS as readonly string[]).includes(f) && isString(stored[f])) {
      return u.value === maskAccountNumber(stored[f]) ? { ...u, value: stored[f] } : u;
    }
    if (field === 'account_information') {
      let value = u.value;
      if (typeof value === 'string') {
        try {
          value = JSON.parse(value);
        } catch {
          return u;
        }
      }
      return isObject(value) ? { ...u, value: restore(value) } : u;
    }
    return u;
  });
  return { ...body, updates };
}

/** Server-set parts of the details: rails in Layer2's spelling, the intermediary's asset. */
export function finalize(type: CounterpartyType, details: Json, current?: Json): Json {
  const out = structuredClone(details);
  out.supported_rails = normalizeRails((out.supported_rails as string[] | undefined) ?? DEFAULT_RAILS[type] ?? []);
  if (type === 'FIAT_US_LINKED' && out.account_information) {
    // account_name and abbreviated_account_number are set by linking only.
    const info = out.account_information as Json;
    delete info.account_name;
    delete info.abbreviated_account_number;
    for (const k of ['account_name', 'abbreviated_account_number']) {
      if (current?.account_information?.[k] !== undefined) info[k] = current.account_information[k];
    }
  }
  const inter = out.intermediary_information as Json | undefined;
  if (inter) {
    delete inter.asset_type_id;
    const network = assetOf(String(out.account_information?.asset_type_id))?.network ?? 'MAINNET';
    inter.asset_type_id = `FIAT_${network}_${inter.intermediary_type === 'FIAT_CA' ? 'CAD' : 'USD'}`;
  }
  return out;
}
