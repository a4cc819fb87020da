import type { Command } from 'commander';
import { CliError, dataDir, EXIT, print, progress } from '../context.js';

/**
 * `ledgerline migrate [--status]`: the only command that opens the database (DATABASE_URL, or the
 * embedded one in DATA_DIR, default server/data as for `npm start`). It runs the server's own
 * migration code: all pending migrations in one transaction.
 */
export function migrateCommand(program: Command): void {
  program
    .command('migrate')
    .description('Apply pending database migrations (DATABASE_URL, or the embedded database in DATA_DIR)')
    .option('--status', 'list applied and pending migrations; change nothing')
    .action(async (opts: { status?: boolean }, cmd: Command) => {
      const { ConfigError, loadConfig } = await import('ledgerline/src/config/index.ts');
      const { DataDirLockedError, openDatabase } = await import('ledgerline/src/db/client.ts');
      const { listMigrations, migrate, pendingMigrations } = await import('ledgerline/src/db/migrate.ts');
      const { listSqlSources } = await import('ledgerline/src/db/sources.ts');
      let config: ReturnType<typeof loadConfig>;
      try {
        config = loadConfig({ ...process.env, DATA_DIR: dataDir() });
      } catch (err) {
        if (err instanceof ConfigError) throw new CliError(err.message, EXIT.config);
        throw err;
      }
      const where = config.databaseUrl ? 'postgresql' : `embedded (${config.dataDir})`;
      let database: Awaited<ReturnType<typeof openDatabase>>;
      try {
        database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, poolSize: 2 });
      } catch (err) {
        if (err instanceof DataDirLockedError) {
          const pid = /\(pid (\d+)\)/.exec(err.message)?.[1];
          throw new CliError(
            `The embedded database in ${config.dataDir} is in use by a running Ledgerline server${pid ? ` (pid ${pid})` : ''}: stop it first. (The server applies pending migrations itself when it starts.)`,
            EXIT.locked,
            { data_dir: config.dataDir, ...(pid && { pid: Number(pid) }) },
          );
        }
        throw new CliError(`Cannot open the database (${where}): ${(err as Error).message}`);
      }
      try {
        const all = listMigrations();
        const sources = listSqlSources();
        // Pending: numbered migrations not applied, and SQL sources (the ledger's functions) changed.
        const pending = await pendingMigrations(database, all, sources);
        if (opts.status) {
          const applied = all.map((m) => m.version).filter((v) => !pending.includes(v));
          print(cmd, { database: where, applied, pending }, () => [
            `Database: ${where}`,
            ...applied.map((v) => `  applied  ${v}`),
            ...pending.map((v) => `  pending  ${v}`),
            pending.length ? `${pending.length} pending.` : 'Up to date.',
          ]);
          return;
        }
        const bar = progress(cmd, 'Migrating');
        bar.start(pending.length);
        let done = 0;
        // migrate() reads each pending item's SQL just before running it: that is our tick.
        const tick = (name: string) => bar.update(done++, name);
        const tracked = all.map((m) => ({
          version: m.version,
          get sql() {
            tick(m.version);
            return m.sql;
          },
        }));
        const trackedSources = sources.map((src) => ({
          ...src,
          get sql() {
            tick(src.name);
            return src.sql;
          },
        }));
        const applied = await migrate(database, tracked, trackedSources);
        bar.update(applied.length, '');
        bar.stop();
        print(cmd, { database: where, applied }, () =>
          applied.length
            ? [`Applied ${applied.length} migration(s) to ${where}:`, ...applied.map((v) => `  ${v}`)]
            : `Up to date (${where}).`,
        );
      } finally {
        await database.close();
      }
    });
}
