import type { Command } from 'commander';
import { CliError, client, EXIT, print } from '../context.js';

interface Instruction {
  instruction_type: string;
  memo?: string;
  reference?: string;
  address?: string;
}

/** `1h`, `2d`, `90m`, `45s` or plain seconds. */
export function parseDuration(value: string): number {
  const m = /^(\d+)\s*([smhd]?)$/.exec(value.trim());
  if (!m) throw new CliError(`--advance: expected seconds or a duration like 90m, 1h, 2d (got ${value})`, EXIT.usage);
  const unit = { '': 1, s: 1, m: 60, h: 3600, d: 86400 }[m[2] as '' | 's' | 'm' | 'h' | 'd'];
  return Number(m[1]) * unit;
}

/** `ledgerline simulate deposit|clock|card-authorization` (sandbox mode only). */
export function simulateCommand(program: Command): void {
  const simulate = program.command('simulate').description('Sandbox simulations (sandbox mode only)');
  simulate
    .command('deposit')
    .description('Funds arrive on a rail for an account, matched like real ones (by its deposit instructions)')
    .requiredOption('--amount <amount>', 'in the asset’s unit, e.g. 250.00')
    .option('--account <account_id>', 'the deposit account to fund (push instructions are requested for it)')
    .option('--rail <rail>', 'ACH, FEDWIRE, SWIFT, SEPA_CT, CRYPTO, … (default: the account’s first)')
    .option('--memo <memo>', 'match by this memo instead of requesting instructions (needs --asset and --rail)')
    .option('--asset <asset_type_id>', 'the asset (default: the account’s)')
    .action(async (opts: { amount: string; account?: string; rail?: string; memo?: string; asset?: string }, cmd: Command) => {
      const api = client(cmd);
      let { rail, memo, asset } = opts;
      let walletAddress: string | undefined;
      if (!memo) {
        if (!opts.account) throw new CliError('simulate deposit needs --account (or --memo with --asset and --rail)', EXIT.usage);
        const deposit = await api.deposits.create({ deposit_type: 'PUSH', deposit_destination: { destination_account_id: opts.account } });
        const view = deposit as unknown as {
          deposit_destination: { asset_type_id: string };
          deposit_source: { deposit_instructions: Instruction[] };
        };
        const instructions = view.deposit_source.deposit_instructions;
        const chosen = rail ? instructions.find((i) => i.instruction_type === rail) : instructions[0];
        if (!chosen) {
          throw new CliError(
            `No ${rail} instructions for ${opts.account}: ${instructions.map((i) => i.instruction_type).join(', ')}`,
            EXIT.failed,
          );
        }
        rail = chosen.instruction_type;
        asset ??= view.deposit_destination.asset_type_id;
        if (chosen.address) walletAddress = chosen.address;
        else memo = chosen.memo ?? chosen.reference;
      }
      if (!rail || !asset) throw new CliError('simulate deposit --memo needs --rail and --asset', EXIT.usage);
      const result = await api.simulations.deposits.create({
        rail: rail as never,
        asset_type_id: asset,
        amount: opts.amount,
        ...(memo && { memo }),
        ...(walletAddress && { wallet_address: walletAddress }),
      });
      print(cmd, result, () =>
        result.matched
          ? `${opts.amount} ${asset} arrived by ${rail}: deposit ${result.deposit_id ?? '-'}, account ${result.account_id ?? '-'}, transaction ${result.transaction_id ?? '-'}`
          : `${opts.amount} ${asset} arrived by ${rail} unmatched: held in suspense (${result.id})`,
      );
    });
  simulate
    .command('card-authorization')
    .description('A merchant asks to hold funds on a card: approved (PENDING, funds held) or DECLINED with its reason')
    .requiredOption('--card <card_id>', 'the card')
    .requiredOption('--amount <amount>', 'in the account’s asset, e.g. 42.50')
    .option('--merchant <name>', 'the merchant’s name', 'Sandbox Merchant')
    .option('--mcc <mcc>', 'the merchant category code (4 digits)', '5999')
    .option('--country <cc>', 'the merchant’s country (ISO alpha-2)', 'US')
    .option('--city <city>', 'the merchant’s city')
    .action(async (opts: { card: string; amount: string; merchant: string; mcc: string; country: string; city?: string }, cmd: Command) => {
      const result = await client(cmd).simulations.cards.authorize(opts.card, {
        amount: opts.amount,
        merchant: { name: opts.merchant, mcc: opts.mcc, country: opts.country, ...(opts.city && { city: opts.city }) },
      });
      print(cmd, result, () =>
        result.status === 'DECLINED'
          ? `Authorization ${result.id} of ${opts.amount} DECLINED: ${result.decline_reason}`
          : `Authorization ${result.id} of ${opts.amount} approved (${result.status}), held until ${result.expires_at}`,
      );
    });
  simulate
    .command('clock')
    .description('Move your sandbox clock forward (rails settle, quotes expire, dormancy)')
    .requiredOption('--advance <duration>', 'seconds, or 90m, 1h, 2d')
    .action(async (opts: { advance: string }, cmd: Command) => {
      const seconds = parseDuration(opts.advance);
      const result = await client(cmd).simulations.clock.advance({ advance_seconds: seconds });
      print(cmd, result, () => `Sandbox clock advanced ${seconds} s: now ${result.now}`);
    });
}
