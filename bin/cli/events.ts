import type { Command } from 'commander';
import type { PublishedEvent } from '../../lib/local/event-bus.js';
import { callLocal, targetOf, type Target, type TargetOptions } from './target.js';

/**
 * `oms events tail [--type …] [--follow] [--count n]`: the events published on the local
 * runtime's bus (its last 100, `GET /_local/events`), with the rules each matched, and with
 * --follow those published from then on, polled four times a second. In AWS there is nothing
 * to read them from: the bus's only store is its archive (lib/event-bus.ts), which EventBridge
 * can replay onto a bus but not list, so the command refuses and says what to do instead.
 */
export interface TailOptions {
  types?: string[];
  follow?: boolean;
  /** Stop after this many events. */
  count?: number;
  intervalMs?: number;
  /** Stops following (tests, Ctrl-C handling in scripts). */
  signal?: AbortSignal;
}

export const AWS_TAIL_REFUSAL =
  'events tail reads the local runtime only: in AWS the bus keeps its events in an archive, which can be replayed but not listed. ' +
  'To watch them, add a rule on the bus (stack output EventBusName) with a CloudWatch Logs target and follow its log group (aws logs tail <group> --follow).';

export async function tailEvents(
  target: Target,
  print: (event: PublishedEvent) => void,
  options: TailOptions = {},
): Promise<number> {
  if (target.kind === 'aws') throw new Error(AWS_TAIL_REFUSAL);
  const seen = new Set<string>();
  const matches = (published: PublishedEvent) =>
    !options.types?.length || options.types.includes(published.event['detail-type']);
  let printed = 0;
  const limit = options.count ?? Infinity;
  for (;;) {
    const recent = await callLocal<PublishedEvent[]>(target, '/_local/events');
    for (const published of recent) {
      if (seen.has(published.event.id)) continue;
      seen.add(published.event.id);
      if (!matches(published)) continue;
      print(published);
      printed += 1;
      if (printed >= limit) return printed;
    }
    if (!options.follow || options.signal?.aborted) return printed;
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 250));
    if (options.signal?.aborted) return printed;
  }
}

export function addEventsCommands(program: Command, print: (result: unknown) => void): void {
  const events = program.command('events').description('events on the bus');
  events
    .command('tail')
    .description('the events published on the local runtime, with the rules each matched (not with --aws)')
    .option('--type <detailType...>', 'only these detail-types, e.g. OrderRouted OrderBackordered')
    .option('-f, --follow', 'keep printing new events until interrupted')
    .option('--count <n>', 'stop after n events')
    .action(async (options: { type?: string[]; follow?: boolean; count?: string }) => {
      await tailEvents(targetOf(program.opts<TargetOptions>()), print, {
        ...(options.type && { types: options.type }),
        ...(options.follow && { follow: true }),
        ...(options.count !== undefined && { count: Number(options.count) }),
      });
    });
}
