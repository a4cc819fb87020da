#!/usr/bin/env node
// The `ledgerline` command. Its source is TypeScript (src/), run through tsx like the server:
// `migrate` loads the server's own migration code.
import { register } from 'tsx/esm/api';

register();
await import('../src/main.ts');
