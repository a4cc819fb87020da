/** Writes docs/errors.md from the error catalogue (server/src/shared/errors.ts). `npm run docs:errors`. */
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ERROR_CATALOGUE } from '../src/shared/errors.js';

export function renderErrorsDoc(): string {
  const rows = Object.entries(ERROR_CATALOGUE).map(([code, e]) => `| \`${code}\` | ${e.status} | ${e.description} |`);
  return [
    '# Error catalogue',
    '',
    'Every error response is `{"errors":[{"code","description","field"?}]}`, one entry per problem.',
    'The codes below are the whole, closed catalogue; the HTTP status belongs to the',
    'code. When one response carries several entries, its status is the highest of theirs.',
    '',
    'Generated from `server/src/shared/errors.ts` by `npm run docs:errors -w server`; a test fails',
    'when the two disagree.',
    '',
    '| code | HTTP | meaning |',
    '|---|---|---|',
    ...rows,
    '',
    'The token endpoint (`/oauth2/token`) answers RFC 6749 errors instead: `{"error","error_description"}`',
    'with `invalid_request`, `invalid_client` (401; also while a client id is locked out after repeated',
    'failed secrets, with `Retry-After`), `unsupported_grant_type`, `invalid_scope`, and `slow_down` (429,',
    'with `Retry-After`) when its per-address or per-client rate limit is exceeded.',
    '',
  ].join('\n');
}

export const ERRORS_DOC = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'docs', 'errors.md');

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  writeFileSync(ERRORS_DOC, renderErrorsDoc());
  console.log(`wrote ${ERRORS_DOC}`);
}
