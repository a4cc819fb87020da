import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/index.js';

const OP = { OPERATOR_CLIENT_ID: 'the-operator', OPERATOR_CLIENT_SECRET: 'a-secret-of-16-chars+' };

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
    });
    expect(config.tokenSigningKey).toContain('BEGIN PRIVATE KEY');
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

  it('production mode with an operator is accepted', () => {
    expect(loadConfig({ LEDGERLINE_MODE: 'production', ...OP }).mode).toBe('production');
  });
});
