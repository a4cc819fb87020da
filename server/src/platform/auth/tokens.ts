import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { importPKCS8, importSPKI, errors as joseErrors, jwtVerify, SignJWT } from 'jose';
import type { Db } from '../../db/client.js';
import { platformSettings } from '../../db/schema.js';
import type { Clock } from '../../shared/clock.js';
import { AppError } from '../../shared/errors.js';
import { newId } from '../../shared/ids.js';

/**
 * EdDSA (Ed25519) JWT access tokens. The signing key is given by TOKEN_SIGNING_KEY or created at
 * first boot and stored in platform_settings, so every process of one deployment shares it.
 */
const ISSUER = 'ledgerline';
const SETTING = 'token_signing_key';

export interface TokenClaims {
  clientId: string;
  scopes: string[];
  issuedAt: Date;
  expiresAt: Date;
}

type Key = Awaited<ReturnType<typeof importPKCS8>>;

export class TokenService {
  private readonly verified = new Map<string, TokenClaims>();

  private constructor(
    private readonly privateKey: Key,
    private readonly publicKey: Key,
    private readonly kid: string,
    private readonly ttlSeconds: number,
    private readonly clock: Clock,
  ) {}

  static async create(db: Db, clock: Clock, ttlSeconds: number, configuredPem?: string): Promise<TokenService> {
    let pem = configuredPem;
    if (!pem) {
      const generated = generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
      await db
        .insert(platformSettings)
        .values({ key: SETTING, value: { pem: generated } })
        .onConflictDoNothing();
      const [row] = await db.select().from(platformSettings).where(eq(platformSettings.key, SETTING));
      const stored = row?.value as { pem?: string } | undefined;
      if (!stored?.pem) throw new Error('the token signing key could not be stored');
      pem = stored.pem;
    }
    const pub = createPublicKey(createPrivateKey(pem)).export({ format: 'pem', type: 'spki' }).toString();
    const kid = createHash('sha256').update(pub).digest('base64url').slice(0, 16);
    return new TokenService(await importPKCS8(pem, 'EdDSA'), await importSPKI(pub, 'EdDSA'), kid, ttlSeconds, clock);
  }

  async issue(clientId: string, scopes: string[]): Promise<{ access_token: string; expires_in: number }> {
    const now = Math.floor(this.clock.now().getTime() / 1000);
    const token = await new SignJWT({ scope: scopes.join(' ') })
      .setProtectedHeader({ alg: 'EdDSA', kid: this.kid, typ: 'at+jwt' })
      .setIssuer(ISSUER)
      .setSubject(clientId)
      .setIssuedAt(now)
      .setExpirationTime(now + this.ttlSeconds)
      .setJti(newId('request').replace(/^req_/, ''))
      .sign(this.privateKey);
    return { access_token: token, expires_in: this.ttlSeconds };
  }

  /**
   * Verifies signature, issuer and expiry (against the platform clock). A token verified once is
   * remembered until it expires: the Ed25519 check is the costliest step of an authenticated
   * request and its answer cannot change (revocation is checked per request, by the client row).
   */
  async verify(token: string): Promise<TokenClaims> {
    const hit = this.verified.get(token);
    if (hit && hit.expiresAt.getTime() > this.clock.now().getTime()) return hit;
    const claims = await this.verifyOnce(token);
    if (this.verified.size >= 10_000) this.verified.clear();
    this.verified.set(token, claims);
    return claims;
  }

  private async verifyOnce(token: string): Promise<TokenClaims> {
    try {
      const { payload } = await jwtVerify(token, this.publicKey, {
        issuer: ISSUER,
        algorithms: ['EdDSA'],
        currentDate: this.clock.now(),
      });
      if (typeof payload.sub !== 'string' || typeof payload.iat !== 'number' || typeof payload.exp !== 'number') {
        throw new AppError('UNAUTHORIZED');
      }
      return {
        clientId: payload.sub,
        scopes: typeof payload.scope === 'string' && payload.scope ? payload.scope.split(' ') : [],
        issuedAt: new Date(payload.iat * 1000),
        expiresAt: new Date(payload.exp * 1000),
      };
    } catch (err) {
      if (err instanceof joseErrors.JWTExpired) {
        throw new AppError('TOKEN_EXPIRED', 'The access token has expired; request a new one.', undefined, {
          'www-authenticate': 'Bearer error="invalid_token", error_description="token expired"',
        });
      }
      if (err instanceof AppError) throw err;
      throw new AppError('UNAUTHORIZED', 'The access token is not valid.', undefined, {
        'www-authenticate': 'Bearer error="invalid_token"',
      });
    }
  }
}
