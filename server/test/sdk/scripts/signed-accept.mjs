// A client with signing_required: unsigned accepts are refused, signed ones (base URL ending in
// /api, so the signed path includes it) go through.
import { generateKeyPairSync } from 'node:crypto';
import { Ledgerline, LedgerlineError, publicKeyHex } from '@ledgerline/sdk';

const base = { baseUrl: process.env.BASE_URL, clientId: process.env.CLIENT_ID, clientSecret: process.env.CLIENT_SECRET };
const { publicKey, privateKey } = generateKeyPairSync('ed25519');
const plain = new Ledgerline(base);
await plain.signingKeys.create({ public_key: publicKeyHex(publicKey) });

const body = { source_account_id: process.env.SOURCE, destination_account_id: process.env.DESTINATION, amount: '2.00' };
const first = await plain.transfers.create(body);
let unsigned;
try {
  await plain.transfers.accept(first.id);
} catch (err) {
  unsigned = { isLedgerlineError: err instanceof LedgerlineError, status: err.status, code: err.code };
}

const signed = new Ledgerline({ ...base, privateKey: privateKey.export({ format: 'pem', type: 'pkcs8' }) });
const accepted = await signed.transfers.accept(first.id);
// Two different requests with identical bytes, back to back: both signed, both accepted.
const a = await signed.transfers.create(body);
const b = await signed.transfers.create(body);
const acceptedA = await signed.transfers.accept(a.id);
const acceptedB = await signed.transfers.accept(b.id);
console.log(
  JSON.stringify({ unsigned, accepted: accepted.status, twins: [a.id, b.id], twinStatuses: [acceptedA.status, acceptedB.status] }),
);
