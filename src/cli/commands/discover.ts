import type { Command } from 'commander';
import { DISCOVER_DEFAULTS, discover, type DiscoveryItem } from '../../discovery';
import { examples, globalsOf, type CommandContext } from '../context';
import { CliError } from '../errors';
import { EXIT } from '../exitCodes';
import { formatUnitInfo, seconds, unitColumn } from '../format';
import { type CliIO, stage, writeLine } from '../io';
import { printable, safeJson } from '../safeOutput';
import { type GlobalOptions, integerIn } from '../options';
import { openSession, type Session } from '../session';

/**
 * Options of {@link runDiscover}.
 */
export interface DiscoverCommandOptions extends GlobalOptions {
  /** The subnet, CIDR. */
  readonly subnet: string;
  /** Addresses probed first (if in the subnet). */
  readonly preferred: ReadonlyArray<string>;
  /** The port probed on each address. */
  readonly unitPort: number;
  /** Probes in flight at once. */
  readonly concurrency: number;
  /** Connect timeout per address, ms. */
  readonly connectTimeout: number;
  /** Heartbeat the responders and collect their unit_info. */
  readonly info: boolean;
  /** One JSON object per found responder / unit. */
  readonly json: boolean;
}

function progressBar(scanned: number, total: number, found: number, subnet: string): string {
  const width = 24;
  const filled = total === 0 ? width : Math.round((scanned / total) * width);
  return `scanning ${subnet} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${scanned}/${total}, ${found} found`;
}

/**
 * `pycom-rx discover`: scans a subnet for port 5000 (the point-to-point address 192.168.0.23
 * first), heartbeats the responders as coordinator and lists the units with their `unit_info`.
 * A progress bar is drawn on stderr when it is a terminal.
 *
 * ## Example
 * ```ts
 * const code = await runDiscover({ host: '0.0.0.0', port: 5000, subnet: '192.168.0.0/24', preferred: ['192.168.0.23'],
 *   unitPort: 5000, concurrency: 64, connectTimeout: 300, info: true, json: false }, io);
 * ```
 * @param options Subnet, probing, unit_info, listener, format.
 * @param io Streams and the interrupt signal.
 * @return 0 when something responded, 3 when nothing did.
 */
export async function runDiscover(options: DiscoverCommandOptions, io: CliIO): Promise<number> {
  const started = io.now();
  let session: Session | undefined;
  const make = (s: Session | undefined) =>
    discover({
      subnet: options.subnet,
      preferred: options.preferred,
      port: options.unitPort,
      concurrency: options.concurrency,
      connectTimeoutMs: options.connectTimeout,
      infoTimeoutMs: options.timeout ?? DISCOVER_DEFAULTS.infoTimeoutMs,
      ...(s === undefined ? {} : { coordinator: s.coordinator }),
    });
  try {
    make(undefined); // checks the options before binding anything
  } catch (e) {
    throw new CliError(EXIT.usage, e instanceof Error ? e.message : String(e));
  }
  let scanned = 0;
  let responders = 0;
  let units = 0;
  let total = 0;
  if (options.info) {
    stage(io, `binding ${options.host}:${options.port}`);
    session = await openSession(options);
  }
  stage(io, () =>
    total > 0 && scanned === total
      ? `waiting for the unit_info of ${responders} responder${responders === 1 ? '' : 's'} (${units} so far)`
      : `scanning ${options.subnet} (${scanned} of ${total || '?'} probed, ${responders} responding)`,
  );
  try {
    const items$ = make(session);
    const live = io.stderr.isTTY === true;
    let bar = '';
    const print = (human: string, json: object) => {
      if (live && bar !== '') io.stderr.write('\r\x1b[2K');
      writeLine(io.stdout, options.json ? safeJson(json) : printable(human));
      if (live && bar !== '') io.stderr.write(bar);
    };
    const onItem = (item: DiscoveryItem) => {
      switch (item.kind) {
        case 'progress':
          total = item.total;
          scanned = item.scanned;
          if (live) {
            bar = progressBar(item.scanned, item.total, item.found, options.subnet);
            io.stderr.write(`\r\x1b[2K${bar}`);
          }
          return;
        case 'found':
          responders += 1;
          return print(
            `${unitColumn(item.address)}  responds on port ${options.unitPort}${item.preferred ? ' (preferred address)' : ''}`,
            item,
          );
        case 'unit':
          units += 1;
          return print(
            `${unitColumn(item.address)}  unit  ${item.info.name}  ${formatUnitInfo(item.info)}`,
            item,
          );
        case 'no-info':
          return print(
            `${unitColumn(item.address)}  no unit_info within ${item.waitedMs} ms (not pycom, still booting, or busy)`,
            item,
          );
      }
    };
    const completed = await new Promise<boolean>((resolve) => {
      const subscription = items$.subscribe({ next: onItem, complete: () => resolve(true) });
      const stop = () => {
        subscription.unsubscribe();
        resolve(false);
      };
      if (io.signal.aborted) stop();
      else io.signal.addEventListener('abort', stop, { once: true });
    });
    if (live && bar !== '') io.stderr.write('\r\x1b[2K');
    const summary =
      `scanned ${total} address${total === 1 ? '' : 'es'} of ${options.subnet} in ${seconds(io.now() - started)}: ` +
      `${responders} responder${responders === 1 ? '' : 's'}${options.info ? `, ${units} unit${units === 1 ? '' : 's'}` : ''}`;
    writeLine(io.stderr, completed ? summary : `interrupted; ${summary}`);
    if (!completed) return EXIT.interrupted;
    return responders > 0 ? EXIT.ok : EXIT.unreachable;
  } finally {
    session?.close();
  }
}

/**
 * Adds `discover` to the program.
 *
 * @param program The `pycom-rx` program.
 * @param ctx IO and exit code.
 */
export function defineDiscover(program: Command, ctx: CommandContext): void {
  program
    .command('discover')
    .description(
      'find units: try 192.168.0.23 (point-to-point fallback) first, scan the subnet (a heartbeat to port 5000), ' +
        'then heartbeat the responders and list their unit_info',
    )
    .option('--subnet <cidr>', 'IPv4 subnet to scan, /16 to /32', DISCOVER_DEFAULTS.subnet)
    .option('--preferred <address...>', 'addresses tried first, if inside the subnet', [
      ...DISCOVER_DEFAULTS.preferred,
    ])
    .option('--unit-port <port>', 'the port probed', integerIn(1, 65535), DISCOVER_DEFAULTS.port)
    .option(
      '--concurrency <n>',
      'probes in flight at once',
      integerIn(1, 1024),
      DISCOVER_DEFAULTS.concurrency,
    )
    .option(
      '--connect-timeout <ms>',
      'an address that does not accept the connection within this time is skipped',
      integerIn(1, 60_000),
      DISCOVER_DEFAULTS.connectTimeoutMs,
    )
    .option('--no-info', 'only list the responders: no heartbeats, no unit_info, no listener')
    .option('--json', 'one JSON object per line: {"kind":"found"|"unit"|"no-info",...}', false)
    .addHelpText(
      'after',
      examples([
        'pycom-rx discover                               # 192.168.0.23 first, then 192.168.0.0/24',
        'pycom-rx discover --subnet 10.0.1.0/24 --timeout 5000',
        'pycom-rx discover --subnet 192.168.1.0/24 --no-info --json',
      ]) +
        '\nEach probe is a real heartbeat with coordinator: false (never an empty connection). Responders are then heartbeated as\n' +
        'coordinator from --host:--port, which they must be able to reach, and their unit_info is\n' +
        `awaited for --timeout ms (default ${DISCOVER_DEFAULTS.infoTimeoutMs}). Exit 3 when nothing responded.\n`,
    )
    .action(async (options: Omit<DiscoverCommandOptions, keyof GlobalOptions>, command: Command) => {
      ctx.exit(await runDiscover({ ...globalsOf(command), ...options }, ctx.io));
    });
}
