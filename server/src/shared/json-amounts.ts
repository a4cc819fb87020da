/**
 * Layer2 sends amounts as JSON numbers, and JSON.parse would round an 18-decimal amount through
 * a float. Before parsing, numbers that are the value of an amount key are rewritten as strings
 * holding their exact source text; the schemas accept an amount as number or string, and
 * shared/money.ts turns the text into minor units exactly.
 */
export const AMOUNT_KEYS: ReadonlySet<string> = new Set(['amount', 'maximum_slippage', 'payor_amount', 'value', 'mid']);

const TOKEN = /"(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|[{}[\]:,]|\s+|true|false|null|./gsy;

export function quoteAmounts(text: string): string {
  let out = '';
  let lastString: string | undefined;
  let afterColonOf: string | undefined;
  TOKEN.lastIndex = 0;
  for (let m = TOKEN.exec(text); m !== null; m = TOKEN.exec(text)) {
    const tok = m[0];
    const c = tok[0] as string;
    if (c === '"') {
      lastString = tok;
      afterColonOf = undefined;
      out += tok;
    } else if (c === ':') {
      afterColonOf = lastString;
      out += tok;
    } else if (c === '-' || (c >= '0' && c <= '9')) {
      let key: string | undefined;
      try {
        key = afterColonOf ? (JSON.parse(afterColonOf) as string) : undefined;
      } catch {
        key = undefined;
      }
      out += key !== undefined && AMOUNT_KEYS.has(key) ? `"${tok}"` : tok;
      afterColonOf = undefined;
    } else if (/^\s+$/.test(tok)) {
      out += tok;
    } else {
      afterColonOf = undefined;
      out += tok;
    }
  }
  return out;
}
