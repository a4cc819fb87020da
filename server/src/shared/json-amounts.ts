import { AppError } from './errors.js';

/**
 * One pass over a request body's JSON text, before it is parsed:
 *  - Layer2 sends amounts as JSON numbers, and JSON.parse would round an 18-decimal amount through
 *    a float. Numbers that are the value of an amount key are rewritten as strings holding their
 *    exact source text; the schemas accept an amount as number or string, and shared/money.ts
 *    turns the text into minor units exactly.
 *  - A key repeated in one object is refused (JSON.parse would silently keep the last one:
 *    `"amount":1,…,"amount":1000` would move 1000). I-JSON (RFC 7493) forbids it.
 *  - A NUL character (`\u0000`) in any key or string is refused: PostgreSQL cannot store it in text.
 * The text must already be valid JSON (the caller parses it first): the tokenizer is linear on
 * valid JSON only.
 */
export const AMOUNT_KEYS: ReadonlySet<string> = new Set(['amount', 'maximum_slippage', 'payor_amount', 'value', 'mid']);

const TOKEN = /"(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|[{}[\]:,]|\s+|true|false|null|./gsy;

interface Frame {
  /** Object keys seen so far; undefined for an array. */
  keys: Set<string> | undefined;
  /** The current key (objects) or element index (arrays). */
  at: string | number | undefined;
}

const decode = (tok: string): string => (tok.includes('\\') ? (JSON.parse(tok) as string) : tok.slice(1, -1));

function fieldOf(frames: Frame[], last?: string): string {
  const parts = frames.map((f) => String(f.at ?? ''));
  if (last !== undefined) parts.push(last);
  return parts.filter((p) => p !== '').join('.');
}

function nul(frames: Frame[], last?: string): AppError {
  const field = fieldOf(frames, last);
  return new AppError('VALIDATION_ERROR', `${field || 'The body'} must not contain a NUL character (\\u0000).`, field || undefined);
}

export function prepareJson(text: string): string {
  let out = '';
  const frames: Frame[] = [];
  let expectKey = false;
  let afterColon = false;
  TOKEN.lastIndex = 0;
  for (let m = TOKEN.exec(text); m !== null; m = TOKEN.exec(text)) {
    const tok = m[0];
    const c = tok[0] as string;
    const top = frames[frames.length - 1];
    if (c === '"') {
      if (expectKey && top?.keys) {
        const key = decode(tok);
        if (key.includes('\u0000')) throw nul(frames.slice(0, -1));
        if (top.keys.has(key)) {
          const field = fieldOf([...frames.slice(0, -1), { keys: undefined, at: key }]);
          throw new AppError('INVALID_JSON', `The request body repeats the key "${key}" in one object: each key may appear once.`, field);
        }
        top.keys.add(key);
        top.at = key;
        expectKey = false;
      } else if (tok.includes('\\u0000') && decode(tok).includes('\u0000')) {
        throw nul(frames);
      }
      afterColon = false;
      out += tok;
    } else if (c === ':') {
      afterColon = true;
      out += tok;
    } else if (c === '-' || (c >= '0' && c <= '9')) {
      const key = afterColon && top?.keys ? top.at : undefined;
      out += typeof key === 'string' && AMOUNT_KEYS.has(key) ? `"${tok}"` : tok;
      afterColon = false;
    } else if (c === '{' || c === '[') {
      frames.push({ keys: c === '{' ? new Set() : undefined, at: c === '{' ? undefined : 0 });
      expectKey = c === '{';
      afterColon = false;
      out += tok;
    } else if (c === '}' || c === ']') {
      frames.pop();
      expectKey = false;
      afterColon = false;
      out += tok;
    } else if (c === ',') {
      if (top?.keys) expectKey = true;
      else if (top) top.at = (top.at as number) + 1;
      afterColon = false;
      out += tok;
    } else if (/^\s+$/.test(tok)) {
      out += tok;
    } else {
      afterColon = false;
      out += tok;
    }
  }
  return out;
}
