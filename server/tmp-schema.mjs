import fs from 'node:fs';
import YAML from 'yaml';

const a = YAML.parse(fs.readFileSync('/work/shared/layer2/openapi-1.0.5.yaml', 'utf8'), { merge: true, maxAliasCount: -1 });
const b = JSON.parse(fs.readFileSync('/work/shared/layer2/rail-openapi-1.1.2.json', 'utf8'));
const d = process.argv[2] === 'a' ? a : b;
const strip = (o) => JSON.parse(JSON.stringify(o, (k, v) => (k === 'description' || k === 'example' || k === 'examples' ? undefined : v)));
for (const n of process.argv.slice(3)) console.log(n, JSON.stringify(strip(d.components.schemas[n])));
