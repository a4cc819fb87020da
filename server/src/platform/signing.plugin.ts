import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { Database } from '../db/client.js';
import { recordSignatureUse, type SignatureUse, type SigningKeysService } from '../modules/signing-keys/index.js';
import { decodeSignature } from '../shared/ed25519.js';
import { AppError } from '../shared/errors.js';

declare module 'fastify' {
  interface FastifyRequest {
    /**
     * A verified signature, to be recorded as used: by the request's unit of work, in its
     * transaction (a signed request that fails with a 5xx may be sent again, one that was answered
     * may not). Undefined when the request carries no signature.
     */
    signatureUse: SignatureUse | undefined;
  }
  interface FastifyContextConfig {
    /**
     * 'accept': the route requires a signature when the client has signing_required; a function
     * decides from the (parsed) request, for routes that move money only when asked to.
     */
    signature?: 'accept' | ((request: FastifyRequest) => boolean);
  }
}

/**
 * Request signing (CONTRACT §8). Wherever x-signature is sent it is verified, over the exact
 * bytes received; accept routes require it of clients with signing_required. Verification is
 * done here, before the request's unit of work; the use is recorded inside it (a replay of a
 * stored idempotent response needs no fresh signature use). Requests outside a unit of work
 * (reads) record the use at once.
 */
const MUTATING = new Set(['POST', 'PATCH', 'PUT', 'DELETE']);

export const signingPlugin = fp<{ keys: SigningKeysService; database: Database }>(
  async (app: FastifyInstance, { keys, database }) => {
    app.decorateRequest('signatureUse', undefined);
    app.addHook('preValidation', async (request) => {
      if (!request.routeOptions.config.auth) return;
      const sigHeader = request.headers['x-signature'];
      const tsHeader = request.headers['x-timestamp'];
      if (sigHeader === undefined) {
        const caller = request.auth.caller;
        const rule = request.routeOptions.config.signature;
        const required = rule === 'accept' || (typeof rule === 'function' && rule(request));
        if (required && caller.signingRequired && !request.auth.operator) {
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
      const use = await keys.verify(request.auth.caller.id, {
        signature,
        timestamp: tsHeader.trim(),
        method: request.method,
        url: request.url,
        body: request.rawBody ?? Buffer.alloc(0),
      });
      const inUnit = MUTATING.has(request.method) && request.routeOptions.config.unitOfWork !== false;
      if (inUnit) request.signatureUse = use;
      else await database.transaction((s) => recordSignatureUse(s.tx, request.auth.caller.id, use));
    });
  },
  { name: 'signing', dependencies: ['auth'] },
);
