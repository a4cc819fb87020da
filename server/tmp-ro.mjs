import fs from 'node:fs';
import YAML from 'yaml';

const a = YAML.parse(fs.readFileSync('/work/shared/layer2/openapi-1.0.5.yaml', 'utf8'), { merge: true, maxAliasCount: -1 });
const b = JSON.parse(fs.readFileSync('/work/shared/layer2/rail-openapi-1.1.2.json', 'utf8'));
for (const [n, d] of [
  ['1.0.5', a],
  ['1.1.2', b],
]) {
  const res = (r) =>
    r
      .split('/')
      .slice(1)
      .reduce((o, k) => o[k], d);
  const ro = new Map();
  const walk = (s, path, seen) => {
    if (!s || seen.has(s) || path.split('.').length > 6) return;
    if (s.$ref) {
      walk(res(s.$ref), path, new Set([...seen, s]));
      return;
    }
    if (s.readOnly && path) ro.set(path, true);
    for (const k of ['allOf', 'oneOf', 'anyOf']) for (const x of s[k] ?? []) walk(x, path, seen);
    if (s.discriminator?.mapping) for (const r of Object.values(s.discriminator.mapping)) walk({ $ref: r }, path, seen);
    for (const [k, v] of Object.entries(s.properties ?? {})) walk(v, path ? path + '.' + k : k, seen);
    if (s.items) walk(s.items, path + '[]', seen);
  };
  for (const [p, item] of Object.entries(d.paths))
    for (const [m, op] of Object.entries(item)) {
      const sc = op.requestBody?.content?.['application/json']?.schema;
      if (!sc) continue;
      ro.clear();
      walk(sc, '', new Set());
      console.log(n, m.toUpperCase(), p, [...ro.keys()].join(' '));
    }
}
