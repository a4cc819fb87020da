import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync } from 'node:crypto';
import { and, eq, sql } from 'drizzle-orm';
import { importPKCS8, importSPKI, errors as joseErrors, jwtVerify, SignJWT } from 'jose';
import { ConfigError } from '../../config/index.js';
import type { Db } from '../../db/client.js';
import { platformSettings } from '../../db/schema.js';
import type { Clock } from '../../shared/clock.js';
import { AppError } from '../../shared/errors.js';
import { newId } from '../../shared/ids.js';
import type { SecretBox } from '../vault/index.js';

/**
 * EdDSA (Ed25519) JWT access tokens. The signing key is given by TOKEN_SIGNING_KEY or, in the
 * sandbox, created at first boot and stored in platform_settings encrypted by the vault
 * (`{ciphertext}`), so every process of one deployment shares it. Production never creates one
 * (CONTRACT §17): without TOKEN_SIGNING_KEY it uses the one stored earlier, or refuses to start.
 * A key stored in clear by an earlier version (`{pem}`) is encrypted in place at start.
 */
const ISSUER = 'ledgerline';
const SETTING = 'token_signing_key';
const CONTEXT = 'platform_settings:token_signing_key';

export interface SigningKeySource {
  vault: SecretBox;
  /** Sandbox: create and store a key when none is configured or stored. */
  mayGenerate: boolean;
}

type Stored = { ciphertext?: string; pem?: string };

async function readStored(db: Db): Promise<Stored | undefined> {
  const [row] = await db.select().from(platformSettings).where(eq(platformSettings.key, SETTING));
  return row?.value as Stored | undefined;
}

/** The stored signing key's PEM, encrypting a legacy clear one in place; undefined when there is none. */
async function storedPem(db: Db, vault: SecretBox): Promise<string | undefined> {
  const stored = await readStored(db);
  if (stored?.ciphertext) return vault.decrypt(stored.ciphertext, CONTEXT);
  if (!stored?.pem) return undefined;
  // Compare-and-set: two processes upgrading at once both end with the same encrypted key.
  await db
    .update(platformSettings)
    .set({ value: { ciphertext: vault.encrypt(stored.pem, CONTEXT) } })
    .where(and(eq(platformSettings.key, SETTING), sql`${platformSettings.value} ->> 'pem' = ${stored.pem}`));
  return stored.pem;
}

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

  static async create(
    db: Db,
    clock: Clock,
    ttlSeconds: number,
    configuredPem: string | undefined,
    source: SigningKeySource,
  ): Promise<TokenService> {
    let pem = configuredPem ?? (await storedPem(db, source.vault));
    if (!pem) {
      if (!source.mayGenerate) {
        throw new ConfigError(
          'TOKEN_SIGNING_KEY',
          'is required in production mode: Ledgerline does not generate a token signing key there ' +
            '(a PEM PKCS#8 Ed25519 private key, e.g. `openssl genpkey -algorithm ed25519`)',
        );
      }
      const generated = generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
      await db
        .insert(platformSettings)
        .values({ key: SETTING, value: { ciphertext: source.vault.encrypt(generated, CONTEXT) } })
        .onConflictDoNothing();
      pem = await storedPem(db, source.vault); // ours, or the one another process stored first
      if (!pem) throw new Error('the token signing key could not be stored');
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
