export { type ManualClock, manualClock } from '../clock.js';

/** The decoded JSON of one JWT segment (0 = header, 1 = payload). */
export function jwtPart(token: string, index: 0 | 1): Record<string, unknown> {
  const part = token.split('.')[index];
  if (part === undefined) throw new Error('not a JWT');
  return JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, unknown>;
}

/** Node stack frame lines, as they would leak into a response body. */
export const STACK_FRAME = /\n\s+at |\bat [\w.<>]+ \(|node:internal|\.ts:\d+:\d+/;
