import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ERRORS_DOC, renderErrorsDoc } from '../../scripts/errors-doc.js';

describe('docs/errors.md', () => {
  it('is the rendering of the error catalogue (run npm run docs:errors -w server)', () => {
    expect(readFileSync(ERRORS_DOC, 'utf8')).toBe(renderErrorsDoc());
  });
});
