import { buildApp } from './app.js';
import { bootstrap } from './bootstrap.js';
import { ConfigError, loadConfig } from './config/index.js';
import { DataDirLockedError } from './db/client.js';
import { serveOps } from './platform/ops-routes.js';

/** Process entry: configuration, app, listen; graceful shutdown on SIGTERM/SIGINT. */
async function main(): Promise<void> {
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(78); // EX_CONFIG
    }
    throw err;
  }

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
