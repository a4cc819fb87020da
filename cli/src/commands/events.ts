import type { Ledgerline, ListItem } from '@ledgerline/sdk';
import type { Command } from 'commander';
import { CliError, client, EXIT, globals, untilSignal } from '../context.js';

type Event = ListItem<'/v1/events'>;

const line = (e: Event) => {
  const [kind, what] = Object.entries(e.event_data)[0] ?? ['', {}];
  const status = (what as { status?: string }).status;
  return `${e.event_date}  ${e.event_type.padEnd(28)} ${e.id}  ${kind} ${e.resource_id}${status ? ` ${status}` : ''}`;
};

/** The newest events not yet seen, oldest first (pages back until a seen one, at most `max`). */
async function newest(api: Ledgerline, seen: Set<string>, type: string | undefined, max: number): Promise<Event[]> {
  const fresh: Event[] = [];
  for await (const e of api.events.list({ limit: 100, ...(type && { event_type: type }) })) {
    if (seen.has(e.id) || fresh.length >= max) break;
    fresh.push(e);
  }
  return fresh.reverse();
}

/** `ledgerline events tail [--no-follow]`: the latest events, then new ones as they come. */
export function eventsCommand(program: Command): void {
  const events = program.command('events').description('Your events');
  events
    .command('tail')
    .description('Print the latest events, then follow new ones (one line each; --json: one JSON object per line)')
    .option('--limit <n>', 'how many of the latest events to print first', '10')
    .option('--type <event_type>', 'only this event type')
    .option('--no-follow', 'print the latest events and exit')
    .option('--interval <ms>', 'how often to look for new events', '1000')
    .action(async (opts: { limit: string; type?: string; follow: boolean; interval: string }, cmd: Command) => {
      const limit = Number(opts.limit);
      const interval = Number(opts.interval);
      if (!Number.isInteger(limit) || limit < 0 || limit > 1000) throw new CliError('--limit: 0 to 1000', EXIT.usage);
      if (!Number.isInteger(interval) || interval < 100) throw new CliError('--interval: at least 100 ms', EXIT.usage);
      const api = client(cmd);
      const json = globals(cmd).json;
      const show = (e: Event) => process.stdout.write(`${json ? JSON.stringify(e) : line(e)}\n`);
      const seen = new Set<string>();
      const first = limit ? await newest(api, seen, opts.type, limit) : [];
      for (const e of first) {
        seen.add(e.id);
        show(e);
      }
      if (!opts.follow) return;
      if (!limit) for (const e of await newest(api, seen, opts.type, 1)) seen.add(e.id); // start after the newest
      const { signal } = untilSignal();
      while (!signal.aborted) {
        await new Promise((r) => {
          const t = setTimeout(r, interval);
          signal.addEventListener('abort', () => {
            clearTimeout(t);
            r(undefined);
          });
        });
        if (signal.aborted) break;
        for (const e of await newest(api, seen, opts.type, 10_000)) {
          seen.add(e.id);
          show(e);
        }
      }
    });
}
