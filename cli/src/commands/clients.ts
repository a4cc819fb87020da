import type { Command } from 'commander';
import { client, print } from '../context.js';

/** `ledgerline clients create|list|rotate-secret` (operator). */
export function clientsCommand(program: Command): void {
  const clients = program.command('clients').description('API clients (operator)');
  clients
    .command('create')
    .description('Create a client; its secret is shown once')
    .requiredOption('--name <name>', 'the client’s name')
    .option('--regulated', 'a regulated client (may create customers)')
    .option('--signing-required', 'accept requests must be signed')
    .option('--scopes <scopes>', 'comma- or space-separated scopes (default: every tenant scope)')
    .action(async (opts: { name: string; regulated?: boolean; signingRequired?: boolean; scopes?: string }, cmd: Command) => {
      const created = await client(cmd, 'operator').admin.clients.create({
        name: opts.name,
        regulated: opts.regulated ?? false,
        ...(opts.signingRequired && { signing_required: true }),
        ...(opts.scopes && { scopes: opts.scopes.split(/[\s,]+/).filter(Boolean) as never }),
      });
      print(cmd, created, () => [
        `client_id      ${created.client_id}`,
        `client_secret  ${created.client_secret}   (shown once: keep it now)`,
        `name           ${created.name}`,
        `regulated      ${created.regulated}`,
        `signing        ${created.signing_required ? 'required' : 'optional'}`,
        `scopes         ${created.scopes.join(' ')}`,
      ]);
    });
  clients
    .command('list')
    .description('List every client')
    .action(async (_opts: unknown, cmd: Command) => {
      const list = { data: await client(cmd, 'operator').admin.clients.list().toArray() };
      print(cmd, { clients: list.data }, () =>
        list.data.length
          ? list.data.map(
              (c) =>
                `${c.client_id}  ${c.regulated ? 'regulated  ' : 'unregulated'}  ${c.signing_required ? 'signed  ' : 'unsigned'}  ${c.name}`,
            )
          : 'No clients.',
      );
    });
  clients
    .command('rotate-secret')
    .description('Issue a new secret for a client (its old secret and tokens stop working)')
    .argument('<client_id>', 'the client')
    .action(async (clientId: string, _opts: unknown, cmd: Command) => {
      const rotated = await client(cmd, 'operator').admin.clients.rotateSecret(clientId);
      print(cmd, rotated, () => [
        `client_id      ${rotated.client_id}`,
        `client_secret  ${rotated.client_secret}   (shown once: keep it now)`,
      ]);
    });
}
