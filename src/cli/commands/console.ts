import * as net from 'node:net';
import type { Command } from 'commander';
import { filter, firstValueFrom, take, timeout, toArray } from 'rxjs';
import { startConsole, type RunningConsole } from '../../console';
import { nthAddress, simulateUnits, type SimulatedUnits } from '../../simulator';
import { ListenError } from '../../transport';
import { examples, givenExplicitly, globalsOf, type CommandContext } from '../context';
import { CliError, describeError, interrupted } from '../errors';
import { EXIT } from '../exitCodes';
import { type CliIO, interruptible, stage, whenAborted, writeLine } from '../io';
import { type GlobalOptions, integerIn, parseTarget } from '../options';
import { openSession, type Session } from '../session';

/** The default `--http-port` of `console`. */
export const CONSOLE_HTTP_PORT = 5080;

/** The timers of the console's simulated units: a quick boot and short rows. */
const SIMULATED = { hardwareReadyDelayMs: 300, rowDurationMs: 150 } as const;

/**
 * Options of {@link runConsole}.
 */
export interface ConsoleCommandOptions extends GlobalOptions {
  /** The units given on the command line. */
  readonly units: ReadonlyArray<{ host: string; port: number }>;
  /** Run this many simulated units instead (on loopback, from `base`). */
  readonly simulate?: number;
  /** The first simulated unit's address. */
  readonly base: string;
  /** The address the page is served on. */
  readonly httpHost: string;
  /** The page's port (0: any free port). */
  readonly httpPort: number;
}

const isLoopback = (host: string) =>
  host === 'localhost' || host === '::1' || (net.isIPv4(host) && host.startsWith('127.'));

async function startSimulated(count: number, base: string, io: CliIO): Promise<SimulatedUnits> {
  let group: SimulatedUnits;
  try {
    group = simulateUnits(count, { base, ...SIMULATED });
  } catch (e) {
    throw new CliError(EXIT.usage, describeError(e));
  }
  const booted = firstValueFrom(
    group.events$.pipe(
      filter((a) => a.kind === 'hardware-ready'),
      take(count),
      toArray(),
      timeout(10_000),
    ),
  );
  booted.catch(() => undefined);
  try {
    await interruptible(io.signal, group.ready, interrupted);
    await interruptible(io.signal, booted, interrupted);
    return group;
  } catch (e) {
    await group.close();
    if (e instanceof ListenError && e.reason === 'in-use')
      throw new CliError(
        EXIT.portInUse,
        `${e.message}\nthe simulated units need port 5000 on ${base}..${nthAddress(base, count - 1)}: ` +
          'stop what uses it (a demo or `pycom-rx simulate`?), or move them with --base 127.0.1.2',
      );
    throw e;
  }
}

/**
 * `pycom-rx console`: a coordinator for the given units (or simulated ones) and the rig console,
 * a local web page, until Ctrl-C. Prints the page's URL, token included, on stdout.
 *
 * ## Example
 * ```ts
 * const code = await runConsole({ host: '127.0.0.1', port: 0, units: [], simulate: 3, base: '127.0.0.2', httpHost: '127.0.0.1', httpPort: 0 }, io);
 * ```
 * @param options Units or a simulated rig, the listener, the page's address.
 * @param io Streams and the interrupt signal.
 * @return 130 after Ctrl-C; 4 when an address is in use.
 */
export async function runConsole(options: ConsoleCommandOptions, io: CliIO): Promise<number> {
  if (options.simulate !== undefined && options.units.length > 0)
    throw new CliError(EXIT.usage, 'give units or --simulate, not both');
  if (options.simulate === undefined && options.units.length === 0)
    throw new CliError(EXIT.usage, 'no unit given: name units (host or host:port), or use --simulate N');
  let group: SimulatedUnits | undefined;
  let session: Session | undefined;
  let running: RunningConsole | undefined;
  try {
    if (options.simulate !== undefined) group = await startSimulated(options.simulate, options.base, io);
    const units = group?.units.map((u) => ({ host: u.host, port: u.port })) ?? options.units;
    session = await openSession(options, { name: 'pycom-rx-console' });
    try {
      running = await startConsole({
        coordinator: session.coordinator,
        units,
        host: options.httpHost,
        port: options.httpPort,
      });
    } catch (e) {
      if (e instanceof ListenError && e.reason === 'in-use')
        throw new CliError(EXIT.portInUse, `${e.message}\nchoose another --http-port (0 = any free port)`);
      throw e;
    }
    const { address } = session;
    writeLine(io.stdout, `pycom-rx console: ${running.url}`);
    writeLine(
      io.stderr,
      `${units.length} unit${units.length === 1 ? '' : 's'}${group ? ' (simulated)' : ''}, ` +
        `coordinator ${session.coordinator.id} listening on ${address.address}:${address.port}; Ctrl-C to stop`,
    );
    if (!isLoopback(options.httpHost))
      writeLine(
        io.stderr,
        `warning: the console is served on ${options.httpHost}, not only to this machine; ` +
          'anyone with its URL (token included) can run shell commands on the units',
      );
    stage(io, `serving ${running.url.replace(/\?.*$/, '')}`);
    await whenAborted(io.signal);
    writeLine(io.stderr, 'stopping');
    return EXIT.interrupted;
  } finally {
    await running?.close();
    session?.close();
    await session?.coordinator.close();
    await group?.close();
  }
}

/**
 * Adds `console` to the program.
 *
 * @param program The `pycom-rx` program.
 * @param ctx IO and exit code.
 */
export function defineConsole(program: Command, ctx: CommandContext): void {
  program
    .command('console')
    .description(
      'a live web page for the rig: units, presence, unit_info, events; run presets, CSVs and shell commands',
    )
    .argument('[units...]', 'the units: host or host:port (port 5000 by default)')
    .option('--simulate <n>', 'run n simulated units on loopback instead', integerIn(1, 250))
    .option('--base <address>', 'the first simulated unit (loopback; port 5000)', '127.0.0.2')
    .option('--http-host <address>', 'the address the page is served on', '127.0.0.1')
    .option(
      '--http-port <port>',
      'the port the page is served on; 0 = any free port',
      integerIn(0, 65535),
      CONSOLE_HTTP_PORT,
    )
    .addHelpText(
      'after',
      examples([
        'pycom-rx console --simulate 3 --http-port 0     # a simulated rig, no hardware',
        'pycom-rx console 192.168.0.21 192.168.0.22 192.168.0.23',
        'pycom-rx console 192.168.0.23 --http-host 0.0.0.0  # reachable from the LAN (mind the token)',
      ]) +
        '\nOpen the printed URL: it carries the token that every API call and the event stream need.\n' +
        'The page is served on 127.0.0.1 (this machine only) unless --http-host says otherwise.\n' +
        'With --simulate, the coordinator listens on 127.0.0.1 (any free port) unless --host / --port are given.\n',
    )
    .action(
      async (
        targets: string[],
        options: Omit<ConsoleCommandOptions, keyof GlobalOptions | 'units'>,
        command: Command,
      ) => {
        const globals = globalsOf(command);
        const simulated = options.simulate !== undefined;
        const host = simulated && !givenExplicitly(command, 'host') ? '127.0.0.1' : globals.host;
        const port = simulated && !givenExplicitly(command, 'port') ? 0 : globals.port;
        ctx.exit(
          await runConsole({ ...globals, host, port, ...options, units: targets.map(parseTarget) }, ctx.io),
        );
      },
    );
}
