import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { SigningKeysService } from '../modules/signing-keys/index.js';
import { decodeSignature } from '../shared/ed25519.js';
import { AppError } from '../shared/errors.js';

export const signatureUsed = () =>
  new AppError('SIGNATURE_INVALID', 'This signature was already used: sign each request anew.', 'x-signature');

declare module 'fastify' {
  interface FastifyRequest {
    /** The signature was accepted before: only an idempotent replay may answer this request. */
    signatureReused: boolean;
  }
  interface FastifyContextConfig {
    /** 'accept': the route requires a signature when the client has signing_required. */
    signature?: 'accept';
  }
}

/**
 * Request signing (CONTRACT §8). Wherever x-signature is sent it is verified, over the exact
 * bytes received; accept routes require it of clients with signing_required. Runs before
 * idempotency, so an unsigned or badly signed request never reserves a key.
 */
export const signingPlugin = fp<{ keys: SigningKeysService }>(
  async (app: FastifyInstance, { keys }) => {
    app.decorateRequest('signatureReused', false);
    app.addHook('preValidation', async (request) => {
      if (!request.routeOptions.config.auth) return;
      const sigHeader = request.headers['x-signature'];
      const tsHeader = request.headers['x-timestamp'];
      if (sigHeader === undefined) {
        const caller = request.auth.caller;
        if (request.routeOptions.config.signature === 'accept' && caller.signingRequired && !request.auth.operator) {
          throw new AppError(
            'SIGNATURE_REQUIRED',
            'Your client requires signed accept requests: send x-signature and x-timestamp.',
            'x-signature',
          );
        }
        return;
      }
      if (typeof sigHeader !== 'string' || typeof tsHeader !== 'string') {
        throw new AppError('SIGNATURE_INVALID', 'x-signature needs x-timestamp (unix seconds) beside it.', 'x-timestamp');
      }
      const signature = decodeSignature(sigHeader);
      if (!signature)
        throw new AppError('SIGNATURE_INVALID', 'x-signature must be a 64-byte Ed25519 signature in hex or base64.', 'x-signature');
      const seen = await keys.verify(request.auth.caller.id, {
        signature,
        timestamp: tsHeader.trim(),
        method: request.method,
        url: request.url,
        body: request.rawBody ?? Buffer.alloc(0),
      });
      if (seen === 'reused') {
        // A byte-identical retry with its idempotency key gets the stored response (CONTRACT §7);
        // the idempotency plugin refuses it when there is none. Without a key: refused here.
        if (request.headers['x-l2f-idempotency-id'] === undefined) throw signatureUsed();
        request.signatureReused = true;
      }
    });
  },
  { name: 'signing', dependencies: ['auth'] },
);
