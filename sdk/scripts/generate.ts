/**
 * `npm run sdk:generate`: the SDK's types from the server's own OpenAPI document. Builds the app
 * in this process on an in-memory embedded database (no running server, nothing on disk), asks it
 * for /openapi.json, and turns that into TypeScript with openapi-typescript.
 * `--check` (npm run sdk:check, run by CI) fails when the committed file differs from what the
 * current server produces.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import openapiTS, { astToString } from 'openapi-typescript';
import { buildApp } from '../../server/src/app.js';
import { loadConfig } from '../../server/src/config/index.js';

const TARGET = join(dirname(fileURLToPath(import.meta.url)), '..', 'src', 'generated', 'openapi.ts');
const HEADER = [
  '/**',
  ' * Generated from the server\u2019s /openapi.json by `npm run sdk:generate`: do not edit.',
  ' * `npm run sdk:check` (CI) fails when this file drifts from the server.',
  ' */',
  '',
].join('\n');

async function openapiDocument(): Promise<Record<string, unknown>> {
  // A fixed configuration: sandbox mode (simulation routes are part of the API), no seed data.
  const config = loadConfig({
    LOG_LEVEL: 'silent',
    LEDGERLINE_MODE: 'sandbox',
    OPERATOR_CLIENT_ID: 'sdk-generate-operator',
    OPERATOR_CLIENT_SECRET: 'sdk-generate-operator-secret',
    SEED_DEMO: 'false',
    SCHEDULER_INTERVAL_MS: '0',
    WEBHOOK_WORKER: 'false',
  });
  const app = await buildApp(config);
  try {
    const res = await app.inject({ method: 'GET', url: '/openapi.json' });
    if (res.statusCode !== 200) throw new Error(`/openapi.json answered ${res.statusCode}`);
    return res.json();
  } finally {
    await app.close();
  }
}

export async function generate(): Promise<string> {
  const doc = await openapiDocument();
  const ast = await openapiTS(doc as never, { alphabetize: false });
  return HEADER + astToString(ast);
}

const check = process.argv.includes('--check');
const fresh = await generate();
if (check) {
  let committed = '';
  try {
    committed = readFileSync(TARGET, 'utf8');
  } catch {
    /* missing: drift */
  }
  if (committed !== fresh) {
    console.error(`${TARGET} differs from the server's /openapi.json: run \`npm run sdk:generate\` and commit the result.`);
    process.exit(1);
  }
  console.log('SDK types match the server.');
} else {
  writeFileSync(TARGET, fresh);
  console.log(`Wrote ${TARGET}`);
}
