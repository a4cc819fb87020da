import { VERSION } from '@ledgerline/sdk';
import { Command, CommanderError } from 'commander';
import { clientsCommand } from './commands/clients.js';
import { eventsCommand } from './commands/events.js';
import { ledgerCommand } from './commands/ledger.js';
import { listenCommand } from './commands/listen.js';
import { migrateCommand } from './commands/migrate.js';
import { simulateCommand } from './commands/simulate.js';
import { CliError, EXIT, reportError } from './context.js';

const JSON_MODE = process.argv.includes('--json');

const program = new Command()
  .name('ledgerline')
  .description(
    'Ledgerline from the command line. API commands use --base-url, --client-id, --client-secret or LEDGERLINE_BASE_URL, LEDGERLINE_CLIENT_ID, LEDGERLINE_CLIENT_SECRET (a local sandbox: the credentials it printed at first start); only `migrate` opens the database (DATABASE_URL / DATA_DIR).',
  )
  .version(VERSION)
  .option('--base-url <url>', 'the server (default: LEDGERLINE_BASE_URL, else http://localhost:8080)')
  .option('--client-id <id>', 'API client id (default: LEDGERLINE_CLIENT_ID)')
  .option('--client-secret <secret>', 'API client secret (default: LEDGERLINE_CLIENT_SECRET)')
  .option('--json', 'machine-readable output: JSON (one object per line for streams)')
  .configureHelp({ showGlobalOptions: true })
  // With --json a usage error is one JSON object on stdout (below), not a sentence and the help.
  .configureOutput({ outputError: (text, write) => (JSON_MODE ? undefined : write(text)) })
  .showHelpAfterError(!JSON_MODE)
  .exitOverride();

migrateCommand(program);
ledgerCommand(program);
clientsCommand(program);
simulateCommand(program);
eventsCommand(program);
listenCommand(program);
for (const cmd of program.commands) {
  cmd.exitOverride();
  for (const sub of cmd.commands) sub.exitOverride();
}

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) {
    // --help and --version end here with code 0; usage errors (already printed, or as JSON) with 2.
    if (err.exitCode === 0) process.exitCode = EXIT.ok;
    else if (JSON_MODE)
      process.exitCode = reportError(true, new CliError(err.message.replace(/^error: /, ''), EXIT.usage, { reason: err.code }));
    else process.exitCode = EXIT.usage;
  } else {
    process.exitCode = reportError(JSON_MODE, err);
  }
}
