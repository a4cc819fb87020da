/**
 * The reference people read (issue 11, point 5): every operation of /openapi.json has a
 * description, an example for its JSON request body and one for its JSON success answer, each
 * valid under the operation's own schema; tags follow Layer2's order with operator and sandbox
 * routes last; neither the reference nor the repository's documents point at files outside it.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { TAG_ORDER } from '../../src/platform/openapi-examples.js';
import { wallClock } from '../../src/shared/clock.js';
import { createAjv } from '../../src/shared/validator.js';
import { getApp } from '../helpers.js';

type Json = Record<string, any>;
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
/**
 * References to what lives outside this repository (the project's steering documents and the
 * folder beside the clone): any `CONTRACT`, `LAYER2_API`, `DESIGN.md`, seed, or `shared/` path.
 * A `shared/x.ts` that names this repository's own `server/src/shared/x.ts` is not one.
 */
const OUTSIDE = /\bCONTRACT\b|LAYER2_API|DESIGN\.md|\bseeds?\/|seed 00\d/g;
const SHARED = /(?:\.\.\/)*(?<![\w-])(?:[\w.-]+\/)*shared\/([\w./-]*)/g;
const IN_REPO_SHARED = join(ROOT, 'server', 'src', 'shared');

/** What in `text` points outside the repository. */
function outside(text: string): string[] {
  const found = [...text.matchAll(OUTSIDE)].map((m) => m[0]);
  for (const m of text.matchAll(SHARED)) {
    const path = m[0];
    const rest = (m[1] ?? '').replace(/[.,;:)]+$/, '');
    const ours = path.includes('src/shared/') || (!path.startsWith('.') && rest !== '' && existsSync(join(IN_REPO_SHARED, rest)));
    if (!ours) found.push(path);
  }
  return found;
}

/** Every description and summary of the document (enum values such as the CONTRACT document type are data). */
function prose(node: unknown, out: string[] = []): string[] {
  if (Array.isArray(node)) for (const v of node) prose(v, out);
  else if (node && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) {
      if ((k === 'description' || k === 'summary' || k === 'title') && typeof v === 'string') out.push(v);
      else prose(v, out);
    }
  }
  return out;
}

async function reference(): Promise<Json> {
  const app = await getApp();
  const res = await app.inject({ method: 'GET', url: '/openapi.json' });
  expect(res.statusCode).toBe(200);
  return res.json();
}

function operations(doc: Json): { key: string; op: Json }[] {
  const out: { key: string; op: Json }[] = [];
  for (const [path, item] of Object.entries(doc.paths as Json)) {
    for (const method of ['get', 'post', 'put', 'patch', 'delete']) {
      if ((item as Json)[method]) out.push({ key: `${method.toUpperCase()} ${path}`, op: (item as Json)[method] });
    }
  }
  return out;
}

describe('the OpenAPI reference', () => {
  it('every operation: a description, and examples valid under their own schemas', { timeout: 120_000 }, async () => {
    const doc = await reference();
    const ajv = createAjv(wallClock());
    ajv.addSchema({ $id: 'ref', components: doc.components });
    const check = (schema: Json, value: unknown) => {
      const fn = ajv.compile(JSON.parse(JSON.stringify(schema).replaceAll('"#/components/', '"ref#/components/')));
      return fn(value) ? [] : (fn.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message}`);
    };
    const problems: string[] = [];
    const ops = operations(doc);
    expect(ops.length).toBeGreaterThan(100);
    for (const { key, op } of ops) {
      if (!op.description?.trim()) problems.push(`${key}: no description`);
      const body = op.requestBody?.content?.['application/json'];
      if (body?.schema) {
        if (body.example === undefined) problems.push(`${key}: no request example`);
        else for (const e of check(body.schema, body.example)) problems.push(`${key}: request example ${e}`);
      }
      const success = Object.entries((op.responses ?? {}) as Json).filter(([s]) => s.startsWith('2'));
      if (!success.length) problems.push(`${key}: no success response`);
      for (const [status, r] of success) {
        const media = (r as Json).content?.['application/json'];
        if (!media?.schema) continue; // bytes (downloads, PDFs)
        if (media.example === undefined) problems.push(`${key}: no ${status} example`);
        else for (const e of check(media.schema, media.example)) problems.push(`${key}: ${status} example ${e}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('the token route documents its form body and the Basic scheme; uploads have examples; every /v1 operation the version header', async () => {
    const doc = await reference();
    expect(doc.components.securitySchemes.basicAuth).toMatchObject({ type: 'http', scheme: 'basic' });
    const token = doc.paths['/oauth2/token'].post;
    expect(token.security).toEqual([{ basicAuth: [] }, {}]);
    const form = token.requestBody.content['application/x-www-form-urlencoded'];
    expect(Object.keys(form.schema.properties).sort()).toEqual(['client_id', 'client_secret', 'grant_type', 'scope']);
    expect(form.example.grant_type).toBe('client_credentials');
    expect(token.requestBody.required).toBe(false);

    const upload = doc.paths['/v1/documents/{document_id}'].post.requestBody.content;
    expect(Object.keys(upload).sort()).toEqual([
      'application/octet-stream',
      'application/pdf',
      'image/jpeg',
      'image/png',
      'multipart/form-data',
    ]);
    for (const [type, media] of Object.entries(upload as Json)) {
      expect(media.example, type).toBeDefined();
      if (type === 'multipart/form-data') expect(media.schema.properties.file).toMatchObject({ type: 'string', format: 'binary' });
      else expect(media.schema).toMatchObject({ type: 'string', format: 'binary' });
    }

    expect(doc.components.parameters.ApiVersion).toMatchObject({
      name: 'x-l2f-api-version',
      in: 'header',
      schema: { enum: ['1.0.5', '1.1.2'] },
    });
    const without = operations(doc)
      .filter(({ key }) => key.split(' ')[1]?.startsWith('/v1/'))
      .filter(({ op }) => !(op.parameters ?? []).some((p: Json) => p.$ref === '#/components/parameters/ApiVersion'));
    expect(without.map((o) => o.key)).toEqual([]);
  });

  it('examples read like real values: no placeholders, ids like ids, real rails, enums at their first value', async () => {
    const doc = await reference();
    const text = JSON.stringify(doc.paths);
    for (const placeholder of ['ABC123', 'Sample value', 'Sample text']) expect(text).not.toContain(placeholder);
    const withdrawal = doc.paths['/v1/withdrawals'].post.requestBody.content['application/json'].example;
    expect(withdrawal).toMatchObject({ withdrawal_rail: 'ACH', source_account_id: 'acc-usd-0001', purpose: 'PERSONAL_ACCOUNT' });
    expect(withdrawal.destination_counterparty_id).toMatch(/^cpty_[0-9a-f]{8}-[0-9a-f]{4}-7/);
    const read = doc.paths['/v1/withdrawals/{withdrawal_id}'].get.responses['200'].content['application/json'].example.data;
    expect(read.id).toMatch(/^wd_[0-9a-f-]{36}$/);
    const cp = doc.paths['/v1/counterparties/{id}'].patch.requestBody.content['application/json'].example;
    expect(cp.updates[0]).toEqual({ field: 'mailing_address.city', value: 'New York' });
    // An enum's example is its first value.
    const subscribe = doc.paths['/v1/subscriptions'].post.requestBody.content['application/json'];
    const schema = subscribe.schema.properties.event_type;
    const eventTypes = schema.enum ?? doc.components.schemas[String(schema.$ref).split('/').pop() as string]?.enum;
    expect(subscribe.example.event_type).toBe(eventTypes[0]);
  });

  it('one simulations tag', async () => {
    const tags = (await reference()).tags.map((t: Json) => t.name as string);
    expect(tags.filter((t: string) => /simulations/i.test(t))).toEqual(['Sandbox simulations']);
  });

  it('tags in Layer2’s order, operator and sandbox routes last', async () => {
    const doc = await reference();
    const tags = (doc.tags as Json[]).map((t) => t.name as string);
    const used = new Set(operations(doc).flatMap(({ op }) => (op.tags ?? []) as string[]));
    expect(new Set(tags)).toEqual(used);
    const layer2 = tags.filter((t) => TAG_ORDER.includes(t));
    expect(layer2).toEqual(TAG_ORDER.filter((t) => used.has(t)));
    expect(tags.slice(0, 5)).toEqual(['Applications', 'Accounts', 'Payment accounts', 'Counterparties', 'Customers']);
    const last = tags.findIndex((t) => t.startsWith('Admin') || /simulations/i.test(t));
    expect(last).toBeGreaterThan(0);
    expect(tags.slice(last).every((t) => t.startsWith('Admin') || /simulations/i.test(t))).toBe(true);
  });

  it('points at no file outside this repository: the reference’s prose and every tracked *.md', async () => {
    const found: string[] = [];
    for (const text of prose(await reference()))
      for (const hit of outside(text)) found.push(`/openapi.json: ${hit} in "${text.slice(0, 80)}"`);
    const files = execFileSync('git', ['ls-files', '*.md'], { cwd: ROOT, encoding: 'utf8' }).split('\n').filter(Boolean);
    expect(files).toContain('sdk/README.md');
    for (const f of files) {
      readFileSync(join(ROOT, f), 'utf8')
        .split('\n')
        .forEach((line, i) => {
          for (const hit of outside(line)) found.push(`${f}:${i + 1}: ${hit} in "${line.trim().slice(0, 100)}"`);
        });
    }
    expect(found).toEqual([]);
  });

  it('the check sees what it must (and not this repository’s own shared/ files)', () => {
    expect(outside('must sign (CONTRACT §8)')).toEqual(['CONTRACT']);
    expect(outside('see LAYER2_API.md §5')).toEqual(['LAYER2_API']);
    expect(outside('the `shared/bench` checkout')).toEqual(['shared/bench']);
    expect(outside('in ../shared/layer2/')).toEqual(['../shared/layer2/']);
    expect(outside('exact rationals (`shared/rational.ts`) and server/src/shared/patch.ts')).toEqual([]);
  });
});
