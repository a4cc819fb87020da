/**
 * Configuration (CONTRACT §1), read once from the environment at boot, validated, frozen.
 * A bad value stops the process with a message naming the variable.
 */
export type Mode = 'sandbox' | 'production';
export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

export interface Config {
  port: number;
  host: string;
  databaseUrl: string | undefined;
  /** Connections this process keeps to PostgreSQL. */
  databasePoolSize: number;
  /** Server processes sharing PORT (node:cluster); more than one needs DATABASE_URL. */
  workers: number;
  dataDir: string;
  operatorClientId: string | undefined;
  operatorClientSecret: string | undefined;
  mode: Mode;
  seedDemo: boolean;
  tokenTtlSeconds: number;
  /** PEM (PKCS#8) Ed25519 private key for access tokens; unset: generated at first boot and stored. */
  tokenSigningKey: string | undefined;
  idempotencyTtlDays: number;
  /**
   * Group commit (platform/unit-of-work.ts): how many groups of concurrent requests of one route
   * and caller may run at once (1: whoever arrives while a group runs forms the next, the largest
   * groups, the least work per request); 0: every request in a transaction of its own.
   */
  groupCommit: number;
  /**
   * Executing transfer batches of one client that may run at once, across every process (the
   * others wait for a slot before writing anything); 0: no limit. See transfers_execute_batch.
   */
  transferBatchSlots: number;
  logLevel: LogLevel;
  rateLimitPerSecond: number;
  /** Run the webhook delivery worker in this process (CONTRACT §9). */
  webhookWorker: boolean;
  /** Per webhook attempt: no answer within this many milliseconds is a failure. */
  webhookTimeoutMs: number;
  /** Background loop for due work (rail delays, expiries, dormancy); 0 = off (tests drive it). */
  schedulerIntervalMs: number;
  /** Days without activity after which accounts and customers become DORMANT. */
  dormancyDays: number;
  /** Withdrawals of at least this many units of their asset need a supporting document; 0 = never. */
  withdrawalRfiThreshold: number;
  /** Token requests per minute from one source address; 0 = no limit. */
  tokenRateLimitPerAddress: number;
  /** Token requests per minute for one client id; 0 = no limit. */
  tokenRateLimitPerClient: number;
  /** Failed secrets in a row that lock a client id out of the token endpoint; 0 = never. */
  tokenLockoutFailures: number;
  /** How long such a lockout lasts. */
  tokenLockoutSeconds: number;
  /** Production on the embedded database (no fsync): refused unless this is set. */
  allowEmbeddedInProduction: boolean;
  /** Who may read /metrics: anyone, or a token with the admin scope. */
  metricsAccess: OpsAccess;
  /** Who may read /docs and /openapi.json. */
  docsAccess: OpsAccess;
  /** When set, /metrics, /docs and /openapi.json are served on this port (OPS_HOST) and not on PORT. */
  opsPort: number | undefined;
  opsHost: string;
  /** LEDGERLINE_MASTER_KEY, 32 bytes: wraps the data keys (CONTRACT §17). Sandbox: generated when unset. */
  masterKey: Buffer | undefined;
  /** Former master keys, still accepted to unwrap data keys until they are re-wrapped (rotation). */
  previousMasterKeys: Buffer[];
  /**
   * Test aid, sandbox only (LEDGERLINE_CRASH_AFTER_COMMIT): requests whose URL matches are killed
   * (SIGKILL) right after their unit of work commits, before the response is written.
   */
  crashAfterCommit: RegExp | undefined;
  /** The institution named on statements and receipts (CONTRACT §15). */
  institutionName: string;
  /** Its postal address, one entry per printed line. */
  institutionAddress: readonly string[];
}

export type OpsAccess = 'public' | 'admin';

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(`Invalid configuration: ${variable} ${message}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

function str(env: Env, name: string): string | undefined {
  const v = env[name];
  return v === undefined || v.trim() === '' ? undefined : v.trim();
}

function int(env: Env, name: string, fallback: number, min: number, max: number): number {
  const v = str(env, name);
  if (v === undefined) return fallback;
  if (!/^\d+$/.test(v)) throw new ConfigError(name, `must be a whole number, got "${v}"`);
  const n = Number(v);
  if (n < min || n > max) throw new ConfigError(name, `must be between ${min} and ${max}, got ${n}`);
  return n;
}

function oneOf<T extends string>(env: Env, name: string, allowed: readonly T[], fallback: T): T {
  const v = str(env, name);
  if (v === undefined) return fallback;
  if (!(allowed as readonly string[]).includes(v)) {
    throw new ConfigError(name, `must be one of ${allowed.join(', ')}, got "${v}"`);
  }
  return v as T;
}

function bool(env: Env, name: string, fallback: boolean): boolean {
  const v = str(env, name)?.toLowerCase();
  if (v === undefined) return fallback;
  if (['true', '1', 'yes'].includes(v)) return true;
  if (['false', '0', 'no'].includes(v)) return false;
  throw new ConfigError(name, `must be true or false, got "${v}"`);
}

/** A 32-byte key, as 64 hex digits or base64 (standard or URL-safe, padded or not). */
export function parseKey(value: string): Buffer | undefined {
  if (/^[0-9a-fA-F]{64}$/.test(value)) return Buffer.from(value, 'hex');
  if (/^[A-Za-z0-9+/_-]{43}=?$/.test(value)) {
    const key = Buffer.from(value.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
    if (key.length === 32) return key;
  }
  return undefined;
}

function key(env: Env, name: string): Buffer | undefined {
  const v = str(env, name);
  if (v === undefined) return undefined;
  const parsed = parseKey(v);
  if (!parsed) throw new ConfigError(name, 'must be 32 bytes, as 64 hex digits or base64 (e.g. `openssl rand -hex 32`)');
  return parsed;
}

function keys(env: Env, name: string): Buffer[] {
  const v = str(env, name);
  if (v === undefined) return [];
  return v
    .split(/[\s,]+/)
    .filter(Boolean)
    .map((k, i) => {
      const parsed = parseKey(k);
      if (!parsed) throw new ConfigError(name, `entry ${i + 1} must be 32 bytes, as 64 hex digits or base64`);
      return parsed;
    });
}

/** Defaults that say plainly they are not a real bank. */
const SANDBOX_INSTITUTION = { name: 'Ledgerline Sandbox Bank', address: '1 Sandbox Way; Testville, CA 94000; United States' };
const hasControl = (v: string) =>
  [...v].some((c) => {
    const n = c.codePointAt(0) as number;
    return n < 0x20 || (n >= 0x7f && n <= 0x9f);
  });

/** Printed on documents: at most 120 characters, no control characters. */
function printable(env: Env, name: string, fallback: string): string {
  const v = str(env, name) ?? fallback;
  if (v.length > 120) throw new ConfigError(name, `must be at most 120 characters, got ${v.length}`);
  if (hasControl(v)) throw new ConfigError(name, 'must not contain control characters (newlines, tabs)');
  return v;
}

/** An address as lines separated by ";": 1 to 6 lines of at most 120 characters each. */
function addressLines(env: Env, name: string, fallback: string): readonly string[] {
  const raw = str(env, name) ?? fallback;
  if (hasControl(raw)) throw new ConfigError(name, 'must not contain control characters: separate lines with ";"');
  const lines = raw
    .split(';')
    .map((l) => l.trim())
    .filter((l) => l !== '');
  if (lines.length < 1 || lines.length > 6) throw new ConfigError(name, `must have 1 to 6 lines separated by ";", got ${lines.length}`);
  const long = lines.find((l) => l.length > 120);
  if (long !== undefined) throw new ConfigError(name, `lines must be at most 120 characters, got ${long.length}`);
  return Object.freeze(lines);
}

export function loadConfig(env: Env = process.env): Readonly<Config> {
  const databaseUrl = str(env, 'DATABASE_URL');
  if (databaseUrl !== undefined && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw new ConfigError('DATABASE_URL', 'must be a postgres:// or postgresql:// URL');
  }
  const mode = oneOf(env, 'LEDGERLINE_MODE', ['sandbox', 'production'] as const, 'sandbox');
  const operatorClientId = str(env, 'OPERATOR_CLIENT_ID');
  const operatorClientSecret = str(env, 'OPERATOR_CLIENT_SECRET');
  if ((operatorClientId === undefined) !== (operatorClientSecret === undefined)) {
    throw new ConfigError(
      operatorClientId === undefined ? 'OPERATOR_CLIENT_ID' : 'OPERATOR_CLIENT_SECRET',
      'must be set together with its pair (OPERATOR_CLIENT_ID and OPERATOR_CLIENT_SECRET)',
    );
  }
  if (operatorClientId !== undefined && !/^[A-Za-z0-9_.-]{3,64}$/.test(operatorClientId)) {
    throw new ConfigError('OPERATOR_CLIENT_ID', 'must be 3-64 characters of letters, digits, _ . -');
  }
  if (operatorClientSecret !== undefined && operatorClientSecret.length < 16) {
    throw new ConfigError('OPERATOR_CLIENT_SECRET', 'must be at least 16 characters');
  }
  if (mode === 'production' && operatorClientId === undefined) {
    throw new ConfigError('OPERATOR_CLIENT_ID', 'is required in production mode (with OPERATOR_CLIENT_SECRET)');
  }
  const tokenSigningKey = str(env, 'TOKEN_SIGNING_KEY');
  if (tokenSigningKey !== undefined && !tokenSigningKey.includes('BEGIN PRIVATE KEY')) {
    throw new ConfigError('TOKEN_SIGNING_KEY', 'must be a PEM-encoded PKCS#8 Ed25519 private key');
  }
  const databasePresent = databaseUrl !== undefined;
  const allowEmbeddedInProduction = bool(env, 'ALLOW_EMBEDDED_IN_PRODUCTION', false);
  if (mode === 'production' && !databasePresent && !allowEmbeddedInProduction) {
    throw new ConfigError(
      'DATABASE_URL',
      'is required in production mode: the embedded database runs without fsync (set ALLOW_EMBEDDED_IN_PRODUCTION=true to use it anyway)',
    );
  }
  const masterKey = key(env, 'LEDGERLINE_MASTER_KEY');
  if (mode === 'production' && masterKey === undefined) {
    throw new ConfigError(
      'LEDGERLINE_MASTER_KEY',
      'is required in production mode: 32 bytes, as 64 hex digits or base64 (e.g. `openssl rand -hex 32`)',
    );
  }
  const previousMasterKeys = keys(env, 'LEDGERLINE_PREVIOUS_MASTER_KEYS');
  if (previousMasterKeys.length && masterKey === undefined) {
    throw new ConfigError('LEDGERLINE_PREVIOUS_MASTER_KEYS', 'needs LEDGERLINE_MASTER_KEY (the key they are rotated to)');
  }
  const opsDefault: OpsAccess = mode === 'production' ? 'admin' : 'public';
  const opsPort = str(env, 'OPS_PORT') === undefined ? undefined : int(env, 'OPS_PORT', 0, 1, 65535);
  const crashPattern = str(env, 'LEDGERLINE_CRASH_AFTER_COMMIT');
  let crashAfterCommit: RegExp | undefined;
  if (crashPattern !== undefined) {
    if (mode === 'production') throw new ConfigError('LEDGERLINE_CRASH_AFTER_COMMIT', 'is a test aid and is refused in production mode');
    try {
      crashAfterCommit = new RegExp(crashPattern);
    } catch {
      throw new ConfigError('LEDGERLINE_CRASH_AFTER_COMMIT', 'must be a regular expression');
    }
  }
  const workers = int(env, 'WORKERS', 1, 1, 64);
  if (workers > 1 && !databasePresent) {
    throw new ConfigError('WORKERS', 'above 1 needs DATABASE_URL: the embedded database belongs to one process');
  }
  const config: Config = {
    workers,
    port: int(env, 'PORT', 8080, 0, 65535),
    host: str(env, 'HOST') ?? '0.0.0.0',
    databaseUrl,
    databasePoolSize: int(env, 'DATABASE_POOL_SIZE', 20, 1, 500),
    dataDir: str(env, 'DATA_DIR') ?? './data',
    operatorClientId,
    operatorClientSecret,
    mode,
    seedDemo: bool(env, 'SEED_DEMO', true),
    tokenTtlSeconds: int(env, 'TOKEN_TTL_SECONDS', 900, 60, 86400 * 7),
    tokenSigningKey,
    idempotencyTtlDays: int(env, 'IDEMPOTENCY_TTL_DAYS', 30, 0, 36500),
    groupCommit: int(env, 'GROUP_COMMIT', 1, 0, 64),
    transferBatchSlots: int(env, 'TRANSFER_BATCH_SLOTS', 2, 0, 64),
    logLevel: oneOf(env, 'LOG_LEVEL', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const, 'info'),
    rateLimitPerSecond: int(env, 'RATE_LIMIT_PER_SECOND', 100, 0, 1_000_000),
    webhookWorker: bool(env, 'WEBHOOK_WORKER', true),
    webhookTimeoutMs: int(env, 'WEBHOOK_TIMEOUT_MS', 10_000, 100, 60_000),
    schedulerIntervalMs: int(env, 'SCHEDULER_INTERVAL_MS', 1000, 0, 3_600_000),
    dormancyDays: int(env, 'DORMANCY_DAYS', 365, 1, 36500),
    withdrawalRfiThreshold: int(env, 'WITHDRAWAL_RFI_THRESHOLD', 10000, 0, 1_000_000_000_000),
    tokenRateLimitPerAddress: int(env, 'TOKEN_RATE_LIMIT_PER_ADDRESS', 60, 0, 1_000_000),
    tokenRateLimitPerClient: int(env, 'TOKEN_RATE_LIMIT_PER_CLIENT', 20, 0, 1_000_000),
    tokenLockoutFailures: int(env, 'TOKEN_LOCKOUT_FAILURES', 10, 0, 1_000_000),
    tokenLockoutSeconds: int(env, 'TOKEN_LOCKOUT_SECONDS', 900, 1, 86_400 * 7),
    allowEmbeddedInProduction,
    metricsAccess: oneOf(env, 'METRICS_ACCESS', ['public', 'admin'] as const, opsDefault),
    docsAccess: oneOf(env, 'DOCS_ACCESS', ['public', 'admin'] as const, opsDefault),
    opsPort,
    opsHost: str(env, 'OPS_HOST') ?? '127.0.0.1',
    masterKey,
    previousMasterKeys,
    crashAfterCommit,
    institutionName: printable(env, 'INSTITUTION_NAME', SANDBOX_INSTITUTION.name),
    institutionAddress: addressLines(env, 'INSTITUTION_ADDRESS', SANDBOX_INSTITUTION.address),
  };
  if (config.opsPort !== undefined && config.opsPort === config.port) {
    throw new ConfigError('OPS_PORT', `must differ from PORT (${config.port})`);
  }
  return Object.freeze(config);
}
