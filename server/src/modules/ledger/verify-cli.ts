/** `npm run ledger:verify`: the ledger invariant check; exits 1 when the books do not balance. */
import { loadConfig } from '../../config/index.js';
import { openDatabase } from '../../db/client.js';
import { migrate } from '../../db/migrate.js';
import { LedgerService } from './ledger.service.js';

const config = loadConfig();
const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
try {
  await migrate(database);
  const report = await new LedgerService().verify(database.db);
  console.log(JSON.stringify(report, null, 2));
  console.log(report.balanced ? 'Ledger balanced.' : 'LEDGER NOT BALANCED.');
  process.exitCode = report.balanced ? 0 : 1;
} finally {
  await database.close();
}
