import cluster from 'node:cluster';
import { hostname } from 'node:os';
import { buildApp } from './app.js';
import { bootstrap } from './bootstrap.js';
import { ConfigError, loadConfig } from './config/index.js';
import { DataDirLockedError } from './db/client.js';
import { serveOps } from './platform/ops-routes.js';

type Config = ReturnType<typeof loadConfig>;

/** Process entry: configuration, app, listen; graceful shutdown on SIGTERM/SIGINT. */
async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(78); // EX_CONFIG
    }
    throw err;
  }
  if (config.workers > 1 && cluster.isPrimary) return supervise(config);
  return serve(config);
}

async function open(config: Config): Promise<Awaited<ReturnType<typeof buildApp>>> {
  let app: Awaited<ReturnType<typeof buildApp>>;
  try {
    app = await buildApp(config);
  } catch (err) {
    if (err instanceof DataDirLockedError) {
      console.error(err.message);
      process.exit(75);
    }
    if (err instanceof ConfigError) {
      // What the environment lacks and only the database could tell (a master key that does not
      // open its vault, no signing key in production): same exit as a bad variable.
      console.error(err.message);
      process.exit(78);
    }
    throw err;
  }
  await bootstrap(app);
  return app;
}

/**
 * WORKERS > 1: this process migrates and bootstraps once, then forks that many server processes
 * sharing PORT (node:cluster hands out connections) and supervises them: one that dies is replaced;
 * SIGTERM/SIGINT are passed on and the supervisor exits when all have finished their requests.
 * Everything the processes share lives in PostgreSQL; in-memory limits (request and token rate
 * limits, login lockout) and /metrics are per process.
 */
async function supervise(config: Config): Promise<void> {
  // The servers' log format (level names, ISO times), for the supervisor's few lines.
  const log = (msg: string, extra: Record<string, unknown> = {}) =>
    console.log(JSON.stringify({ level: 'info', time: new Date().toISOString(), pid: process.pid, hostname: hostname(), msg, ...extra }));
  await (await open(config)).close(); // migrations and the operator's bootstrap, before any worker
  let closing = false;
  const fork = () => cluster.fork();
  cluster.on('exit', (worker, code, signal) => {
    if (closing) {
      if (!Object.keys(cluster.workers ?? {}).length) process.exit(process.exitCode ?? 0);
      return;
    }
    if (code === 75 || code === 78) {
      // A configuration or data directory refusal: another process would meet it again.
      log('a server process refused to start; stopping', { worker: worker.process.pid, code });
      closing = true;
      for (const w of Object.values(cluster.workers ?? {})) w?.process.kill('SIGTERM');
      process.exitCode = code;
      return;
    }
    log('server process exited; starting another', { worker: worker.process.pid, code, signal });
    setTimeout(fork, 1000);
  });
  const stop = (signal: NodeJS.Signals) => {
    if (closing) return;
    closing = true;
    log('shutting down: the server processes finish their requests', { signal });
    for (const w of Object.values(cluster.workers ?? {})) w?.process.kill(signal);
    setTimeout(() => process.exit(1), 15_000).unref();
    if (!Object.keys(cluster.workers ?? {}).length) process.exit(0);
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  for (let i = 0; i < config.workers; i++) fork();
  log(`Ledgerline (${config.mode}): ${config.workers} server processes on port ${config.port}`);
}

async function serve(config: Config): Promise<void> {
  const app = await open(config);

  let closing = false;
  let closeOps: (() => Promise<void>) | undefined;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'shutting down: finishing in-flight requests');
    const force = setTimeout(() => {
      app.log.error('shutdown took too long; exiting');
      process.exit(1);
    }, 10_000);
    force.unref();
    try {
      await Promise.all([closeOps?.(), app.close()]); // stop accepting, finish in-flight requests, close the database
      process.exit(0);
    } catch (err) {
      app.log.error({ err }, 'error during shutdown');
      process.exit(1);
    }
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));

  await app.listen({ port: config.port, host: config.host });
  if (config.opsPort !== undefined) {
    const ops = await serveOps(app, config.opsPort, config.opsHost);
    closeOps = ops.close;
    app.log.info(`/metrics, /docs and /openapi.json on http://${config.opsHost}:${ops.port}`);
  }
  const where = config.databaseUrl ? 'PostgreSQL' : `embedded PostgreSQL in ${config.dataDir}`;
  app.log.info(`Ledgerline (${config.mode}) on ${where}; API docs at /docs`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
