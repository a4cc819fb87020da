import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/index.js';

const OP = { OPERATOR_CLIENT_ID: 'the-operator', OPERATOR_CLIENT_SECRET: 'a-secret-of-16-chars+' };
const KEY_HEX = 'ab'.repeat(32);
/** What production needs besides the operator: PostgreSQL and a master key. */
const PROD = { LEDGERLINE_MODE: 'production', ...OP, DATABASE_URL: 'postgres://db/x', LEDGERLINE_MASTER_KEY: KEY_HEX };

function configError(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return err as ConfigError;
  }
  throw new Error(`loadConfig accepted ${JSON.stringify(env)}`);
}

describe('loadConfig: defaults', () => {
  it('an empty environment gives the documented defaults', () => {
    expect(loadConfig({})).toMatchObject({
      port: 8080,
      host: '0.0.0.0',
      databaseUrl: undefined,
      dataDir: './data',
      operatorClientId: undefined,
      operatorClientSecret: undefined,
      mode: 'sandbox',
      seedDemo: true,
      tokenTtlSeconds: 900,
      tokenSigningKey: undefined,
      idempotencyTtlDays: 30,
      logLevel: 'info',
      rateLimitPerSecond: 100,
      institutionName: 'Ledgerline Sandbox Bank',
      institutionAddress: ['1 Sandbox Way', 'Testville, CA 94000', 'United States'],
    });
  });

  it('the result is frozen', () => {
    const config = loadConfig({});
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.institutionAddress)).toBe(true);
  });

  it('blank values count as unset', () => {
    const config = loadConfig({ PORT: '  ', HOST: '', LEDGERLINE_MODE: ' ' });
    expect([config.port, config.host, config.mode]).toEqual([8080, '0.0.0.0', 'sandbox']);
  });
});

describe('loadConfig: values', () => {
  it('reads every variable', () => {
    const pem = generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
    const config = loadConfig({
      PORT: '3000',
      HOST: '127.0.0.1',
      DATABASE_URL: 'postgresql://u@db:5432/x',
      DATA_DIR: '/var/lib/ledgerline',
      ...OP,
      LEDGERLINE_MODE: 'production',
      SEED_DEMO: 'no',
      TOKEN_TTL_SECONDS: '60',
      TOKEN_SIGNING_KEY: pem,
      IDEMPOTENCY_TTL_DAYS: '0',
      LOG_LEVEL: 'warn',
      RATE_LIMIT_PER_SECOND: '0',
      LEDGERLINE_MASTER_KEY: KEY_HEX,
      LEDGERLINE_PREVIOUS_MASTER_KEYS: `${'cd'.repeat(32)}, ${Buffer.alloc(32, 7).toString('base64')}`,
      TOKEN_RATE_LIMIT_PER_ADDRESS: '5',
      TOKEN_RATE_LIMIT_PER_CLIENT: '4',
      TOKEN_LOCKOUT_FAILURES: '3',
      TOKEN_LOCKOUT_SECONDS: '30',
      METRICS_ACCESS: 'public',
      DOCS_ACCESS: 'admin',
      OPS_PORT: '9090',
      OPS_HOST: '0.0.0.0',
    });
    expect(config).toMatchObject({
      port: 3000,
      host: '127.0.0.1',
      databaseUrl: 'postgresql://u@db:5432/x',
      dataDir: '/var/lib/ledgerline',
      operatorClientId: 'the-operator',
      operatorClientSecret: 'a-secret-of-16-chars+',
      mode: 'production',
      seedDemo: false,
      tokenTtlSeconds: 60,
      idempotencyTtlDays: 0,
      logLevel: 'warn',
      rateLimitPerSecond: 0,
      tokenRateLimitPerAddress: 5,
      tokenRateLimitPerClient: 4,
      tokenLockoutFailures: 3,
      tokenLockoutSeconds: 30,
      allowEmbeddedInProduction: false,
      metricsAccess: 'public',
      docsAccess: 'admin',
      opsPort: 9090,
      opsHost: '0.0.0.0',
    });
    expect(config.tokenSigningKey).toContain('BEGIN PRIVATE KEY');
    expect(config.masterKey?.toString('hex')).toBe(KEY_HEX);
    expect(config.previousMasterKeys.map((k) => k.toString('hex'))).toEqual(['cd'.repeat(32), '07'.repeat(32)]);
  });

  it('booleans: true/1/yes and false/0/no, any case', () => {
    for (const v of ['true', '1', 'yes', 'TRUE', 'Yes']) expect(loadConfig({ SEED_DEMO: v }).seedDemo).toBe(true);
    for (const v of ['false', '0', 'no', 'FALSE', 'No']) expect(loadConfig({ SEED_DEMO: v }).seedDemo).toBe(false);
  });

  it('INSTITUTION_NAME as given; INSTITUTION_ADDRESS split into lines at ";", blanks dropped', () => {
    const config = loadConfig({ INSTITUTION_NAME: ' Bank Łódzki S.A. ', INSTITUTION_ADDRESS: 'ul. Piotrkowska 1 ;; 90-001 Łódź; Polska;' });
    expect([config.institutionName, config.institutionAddress]).toEqual([
      'Bank Łódzki S.A.',
      ['ul. Piotrkowska 1', '90-001 Łódź', 'Polska'],
    ]);
  });

  it('PORT=0 and 65535 are accepted; postgres:// too', () => {
    expect(loadConfig({ PORT: '0' }).port).toBe(0);
    expect(loadConfig({ PORT: '65535' }).port).toBe(65535);
    expect(loadConfig({ DATABASE_URL: 'postgres://x' }).databaseUrl).toBe('postgres://x');
  });
});

describe('loadConfig: bad values throw a ConfigError naming the variable', () => {
  const cases: [string, Record<string, string>, string][] = [
    ['PORT=abc', { PORT: 'abc' }, 'PORT'],
    ['PORT=70000', { PORT: '70000' }, 'PORT'],
    ['PORT=-1', { PORT: '-1' }, 'PORT'],
    ['PORT=80.5', { PORT: '80.5' }, 'PORT'],
    ['LEDGERLINE_MODE=prod', { LEDGERLINE_MODE: 'prod' }, 'LEDGERLINE_MODE'],
    ['SEED_DEMO=maybe', { SEED_DEMO: 'maybe' }, 'SEED_DEMO'],
    ['DATABASE_URL=mysql://x', { DATABASE_URL: 'mysql://x' }, 'DATABASE_URL'],
    ['LOG_LEVEL=loud', { LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
    ['TOKEN_TTL_SECONDS=10 (below 60)', { TOKEN_TTL_SECONDS: '10' }, 'TOKEN_TTL_SECONDS'],
    ['IDEMPOTENCY_TTL_DAYS=x', { IDEMPOTENCY_TTL_DAYS: 'x' }, 'IDEMPOTENCY_TTL_DAYS'],
    ['RATE_LIMIT_PER_SECOND=-5', { RATE_LIMIT_PER_SECOND: '-5' }, 'RATE_LIMIT_PER_SECOND'],
    ['TOKEN_SIGNING_KEY not PEM', { TOKEN_SIGNING_KEY: 'secret' }, 'TOKEN_SIGNING_KEY'],
    ['OPERATOR_CLIENT_ID without a secret', { OPERATOR_CLIENT_ID: 'the-operator' }, 'OPERATOR_CLIENT_SECRET'],
    ['OPERATOR_CLIENT_SECRET without an id', { OPERATOR_CLIENT_SECRET: 'a-secret-of-16-chars+' }, 'OPERATOR_CLIENT_ID'],
    ['OPERATOR_CLIENT_ID with bad characters', { ...OP, OPERATOR_CLIENT_ID: 'has space' }, 'OPERATOR_CLIENT_ID'],
    ['OPERATOR_CLIENT_SECRET too short', { ...OP, OPERATOR_CLIENT_SECRET: 'short' }, 'OPERATOR_CLIENT_SECRET'],
    ['production mode without an operator', { LEDGERLINE_MODE: 'production' }, 'OPERATOR_CLIENT_ID'],
    ['production mode on the embedded database', { ...PROD, DATABASE_URL: '' }, 'DATABASE_URL'],
    ['production mode without a master key', { ...PROD, LEDGERLINE_MASTER_KEY: '' }, 'LEDGERLINE_MASTER_KEY'],
    ['a master key of 16 bytes', { LEDGERLINE_MASTER_KEY: 'ab'.repeat(16) }, 'LEDGERLINE_MASTER_KEY'],
    ['a master key that is not hex or base64', { LEDGERLINE_MASTER_KEY: 'z'.repeat(64) }, 'LEDGERLINE_MASTER_KEY'],
    ['previous master keys without a current one', { LEDGERLINE_PREVIOUS_MASTER_KEYS: KEY_HEX }, 'LEDGERLINE_PREVIOUS_MASTER_KEYS'],
    [
      'a bad previous master key',
      { LEDGERLINE_MASTER_KEY: KEY_HEX, LEDGERLINE_PREVIOUS_MASTER_KEYS: `${KEY_HEX},nope` },
      'LEDGERLINE_PREVIOUS_MASTER_KEYS',
    ],
    ['METRICS_ACCESS=everyone', { METRICS_ACCESS: 'everyone' }, 'METRICS_ACCESS'],
    ['OPS_PORT equal to PORT', { PORT: '8080', OPS_PORT: '8080' }, 'OPS_PORT'],
    ['INSTITUTION_NAME over 120 characters', { INSTITUTION_NAME: 'B'.repeat(121) }, 'INSTITUTION_NAME'],
    ['INSTITUTION_NAME with a newline', { INSTITUTION_NAME: 'Bank\nof Lies' }, 'INSTITUTION_NAME'],
    ['INSTITUTION_ADDRESS with a tab', { INSTITUTION_ADDRESS: '1 Main St\tNew York' }, 'INSTITUTION_ADDRESS'],
    ['INSTITUTION_ADDRESS of 7 lines', { INSTITUTION_ADDRESS: 'a;b;c;d;e;f;g' }, 'INSTITUTION_ADDRESS'],
    ['INSTITUTION_ADDRESS of separators only', { INSTITUTION_ADDRESS: ';;' }, 'INSTITUTION_ADDRESS'],
    [
      'INSTITUTION_ADDRESS with a line over 120 characters',
      { INSTITUTION_ADDRESS: `1 Main St; ${'x'.repeat(121)}` },
      'INSTITUTION_ADDRESS',
    ],
  ];

  it.each(cases)('%s', (_name, env, variable) => {
    const err = configError(env);
    expect(err.variable).toBe(variable);
    expect(err.name).toBe('ConfigError');
    expect(err.message).toMatch(new RegExp(`^Invalid configuration: ${variable} `));
  });

  it('the message quotes the bad value', () => {
    expect(configError({ PORT: 'abc' }).message).toBe('Invalid configuration: PORT must be a whole number, got "abc"');
    expect(configError({ PORT: '70000' }).message).toBe('Invalid configuration: PORT must be between 0 and 65535, got 70000');
    expect(configError({ LOG_LEVEL: 'loud' }).message).toContain('"loud"');
  });

  it('a lone operator id names its missing pair in the message', () => {
    expect(configError({ OPERATOR_CLIENT_ID: 'the-operator' }).message).toContain('OPERATOR_CLIENT_ID and OPERATOR_CLIENT_SECRET');
  });

  it('production mode with an operator, PostgreSQL and a master key is accepted', () => {
    expect(loadConfig(PROD).mode).toBe('production');
  });

  it('production on the embedded database only with ALLOW_EMBEDDED_IN_PRODUCTION=true', () => {
    const config = loadConfig({ ...PROD, DATABASE_URL: '', ALLOW_EMBEDDED_IN_PRODUCTION: 'true' });
    expect([config.databaseUrl, config.allowEmbeddedInProduction]).toEqual([undefined, true]);
  });

  it('/metrics and /docs ask for the admin token by default in production, not in the sandbox', () => {
    expect([loadConfig(PROD).metricsAccess, loadConfig(PROD).docsAccess]).toEqual(['admin', 'admin']);
    expect([loadConfig({}).metricsAccess, loadConfig({}).docsAccess]).toEqual(['public', 'public']);
  });

  it('a master key in base64 (standard or URL-safe) is read as 32 bytes', () => {
    const key = Buffer.alloc(32, 251);
    expect(loadConfig({ LEDGERLINE_MASTER_KEY: key.toString('base64') }).masterKey).toEqual(key);
    expect(loadConfig({ LEDGERLINE_MASTER_KEY: key.toString('base64url') }).masterKey).toEqual(key);
  });
});
