import type { Command } from 'commander';
import { client, EXIT, print, progress } from '../context.js';

/** `ledgerline ledger verify`: the invariant check through the API (operator), page by page. */
export function ledgerCommand(program: Command): void {
  const ledger = program.command('ledger').description('The ledger (operator)');
  ledger
    .command('verify')
    .description('Check the ledger invariants through the API: every asset sums to zero, every balance equals its lines')
    .option('--page-size <n>', 'accounts per request (1-1000)', '500')
    .action(async (opts: { pageSize: string }, cmd: Command) => {
      const api = client(cmd, 'operator');
      const bar = progress(cmd, 'Verifying');
      const mismatched: unknown[] = [];
      let checked = 0;
      let cursor: string | undefined;
      let started = false;
      do {
        const page = await api.admin.ledger.verifyAccounts({ limit: opts.pageSize, ...(cursor && { cursor }) });
        if (!started) {
          bar.start(page.data.total_accounts);
          started = true;
        }
        checked += page.data.checked;
        mismatched.push(...page.data.mismatched_accounts);
        bar.update(checked, 'accounts');
        cursor = page.pagination.next_cursor ?? undefined;
      } while (cursor);
      bar.stop();
      const assets = await api.admin.ledger.verifyAssets();
      mismatched.push(...assets.mismatched_accounts);
      const balanced = assets.balanced && mismatched.length === 0;
      print(cmd, { balanced, accounts_checked: checked, assets: assets.assets, mismatched_accounts: mismatched }, () => [
        ...assets.assets.map((a) => `  ${a.asset_type_id.padEnd(28)} sum ${a.sum}`),
        `${checked} customer account(s) checked, ${mismatched.length} mismatched.`,
        balanced ? 'Ledger balanced.' : 'LEDGER NOT BALANCED.',
        ...mismatched.map((m) => `  ${JSON.stringify(m)}`),
      ]);
      if (!balanced) process.exitCode = EXIT.failed;
    });
}
