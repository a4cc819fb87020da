// verifyWebhook on a real delivery captured by the test (DELIVERY_FILE), then on tampered copies.
import { readFileSync } from 'node:fs';
import { verifyWebhook, WebhookVerificationError } from '@ledgerline/sdk';

const { raw, headers, key } = JSON.parse(readFileSync(process.env.DELIVERY_FILE, 'utf8'));
const attempt = (body, h, k = key) => {
  try {
    const event = verifyWebhook(body, h, k);
    return { ok: true, event };
  } catch (err) {
    return { ok: false, isWebhookVerificationError: err instanceof WebhookVerificationError, message: err.message };
  }
};
const tamperedBody = raw.replace('"ACTIVE"', '"CLOSED"');
console.log(
  JSON.stringify({
    good: attempt(raw, headers),
    goodBuffer: attempt(Buffer.from(raw), new Headers(headers)),
    tamperedBody: { changed: tamperedBody !== raw, ...attempt(tamperedBody, headers) },
    tamperedTimestamp: attempt(raw, { ...headers, 'x-timestamp': String(Number(headers['x-timestamp']) + 1) }),
    otherKey: attempt(raw, headers, 'ab'.repeat(32)),
  }),
);
