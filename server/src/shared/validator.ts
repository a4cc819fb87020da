import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { Clock } from './clock.js';
import { COUNTRY_CODES } from './countries.js';

/**
 * The one Ajv configuration of the application: Fastify validates requests with it, and use cases
 * validate whole resources with it (a PATCH is checked as the resource it would produce).
 * No coercion, no stripping (DESIGN.md), every error reported, discriminated unions.
 */
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

export function createAjv(clock: Clock): Ajv {
  const ajv = new Ajv({
    removeAdditional: false,
    coerceTypes: false,
    useDefaults: false,
    allErrors: true,
    discriminator: true,
    strict: false,
  });
  addFormats(ajv);
  ajv.addFormat('country-code', { type: 'string', validate: (s: string) => COUNTRY_CODES.has(s) });
  // E.164: +, country code, subscriber number; 8 to 15 digits in all.
  ajv.addFormat('e164', { type: 'string', validate: /^\+[1-9]\d{7,14}$/ });
  // An RFC 3339 full-date that is not in the future (birth dates, incorporation dates).
  ajv.addFormat('past-date', {
    type: 'string',
    validate: (s: string) => {
      const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
      if (!m) return false;
      const d = new Date(`${s}T00:00:00Z`);
      if (Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== s) return false;
      return s <= clock.now().toISOString().slice(0, 10) && Number(m[1]) >= 1850;
    },
  });
  return ajv;
}

export type { ErrorObject, ValidateFunction };
