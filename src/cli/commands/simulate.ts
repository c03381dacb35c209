import type { Command } from 'commander';
import { readTrailer, untagCommand } from '../../protocol/tagged';
import { simulateUnits, type UnitActivity } from '../../simulator';
import { ListenError } from '../../transport';
import { examples, type CommandContext } from '../context';
import { CliError, describeError } from '../errors';
import { EXIT } from '../exitCodes';
import { clock, firstLine, unitColumn } from '../format';
import { isInterruption } from '../interrupt';
import { type CliIO, stage, whenAborted, writeLine } from '../io';
import { printable, safeJson } from '../safeOutput';
import { integerIn } from '../options';

/**
 * Options of {@link runSimulate}.
 */
export interface SimulateCommandOptions {
  /** How many units. */
  readonly units: number;
  /** The first unit's address (loopback). */
  readonly base: string;
  /** The port every unit listens on. */
  readonly unitPort: number;
  /** Listen → hardware ready (unit_info, boardio), ms. */
  readonly readyDelay: number;
  /** Time per sequence row, ms. */
  readonly rowMs: number;
  /** Print nothing but the units and errors. */
  readonly quiet: boolean;
  /** One JSON object per activity. */
  readonly json: boolean;
}

/**
 * One line about a unit's activity, or `undefined` for the ones not worth a line (events sent,
 * raw requests).
 *
 * ## Example
 * ```ts
 * describeActivity(activity); // e.g. 'command-started  from 127.0.0.1:5000  "uptime"'
 * ```
 * @param a An activity of a simulated unit.
 */
export function describeActivity(a: UnitActivity): string | undefined {
  switch (a.kind) {
    case 'coordinator-added':
      return `coordinator ${a.coordinator.id} (${a.coordinator.name}) at ${a.coordinator.host}:${a.coordinator.port}`;
    case 'coordinator-expired':
      return `coordinator ${a.coordinator.id} forgotten (no heartbeat)`;
    case 'hardware-ready':
      return 'hardware ready (boardio booted)';
    case 'command-started': {
      // a tagged command is shown as the coordinator's user wrote it
      const tagged = untagCommand(a.command);
      const shown = tagged === undefined ? a.command : `${tagged.command}  (tagged)`;
      return `command from ${a.from.host}:${a.from.port}: ${firstLine(shown, 80)}`;
    }
    case 'command-finished': {
      const trailer = readTrailer(a.output);
      const exit = trailer?.exitCode ?? a.exitCode;
      return `command done in ${a.durationMs} ms, exit ${exit}${a.timedOut ? ' (timed out)' : ''}: ${JSON.stringify(firstLine(trailer?.output ?? a.output, 60))}`;
    }
    case 'boardio-message':
      return `boardio: ${a.message}`;
    case 'sequence-row':
      return `row ${a.index + 1}: ${a.row.register}`;
    case 'request-rejected':
      return `request rejected from ${a.remote.address}: ${a.reason}`;
    case 'delivery-failed':
      return `event ${a.event.type_} not delivered to ${a.to.host}:${a.to.port}: ${a.error.message}`;
    default:
      return undefined;
  }
}

/**
 * `pycom-rx simulate`: runs simulated units on consecutive loopback addresses until Ctrl-C.
 *
 * ## Example
 * ```ts
 * const code = await runSimulate({ units: 3, base: '127.0.0.2', unitPort: 5000, readyDelay: 1000, rowMs: 100, quiet: false, json: false }, io);
 * ```
 * @param options Count, addresses, timers, output.
 * @param io Streams and the interrupt signal.
 * @return 130 after Ctrl-C; 4 when an address is in use.
 */
export async function runSimulate(options: SimulateCommandOptions, io: CliIO): Promise<number> {
  let group;
  try {
    group = simulateUnits(options.units, {
      base: options.base,
      port: options.unitPort,
      hardwareReadyDelayMs: options.readyDelay,
      rowDurationMs: options.rowMs,
    });
  } catch (e) {
    throw new CliError(EXIT.usage, describeError(e));
  }
  stage(io, `starting ${options.units} simulated unit${options.units === 1 ? '' : 's'} on ${options.base}`);
  const ids = new Map(group.units.map((u) => [u.identity.id, u.host]));
  const subscription = group.events$.subscribe((a) => {
    if (options.quiet) return;
    if (options.json) {
      const error = a.kind === 'delivery-failed' ? { error: a.error.message } : {};
      writeLine(io.stdout, safeJson({ ...a, ...error, host: ids.get(a.unit) }));
      return;
    }
    const line = describeActivity(a);
    if (line !== undefined)
      writeLine(io.stdout, printable(`${clock(a.at)}  ${unitColumn(ids.get(a.unit) ?? a.unit)}  ${line}`));
  });
  try {
    await group.ready;
  } catch (e) {
    subscription.unsubscribe();
    await group.close();
    if (e instanceof ListenError && e.reason === 'in-use')
      throw new CliError(
        EXIT.portInUse,
        `${e.message}\nanother simulator (or demo) may be running: stop it, or pick other addresses with --base`,
      );
    throw e;
  }
  const list = options.json ? io.stderr : io.stdout;
  for (const unit of group.units)
    writeLine(list, `simulated unit ${unit.host}:${unit.port}  id ${unit.identity.id}  home ${unit.home}`);
  writeLine(
    io.stderr,
    `${group.units.length} unit${group.units.length === 1 ? '' : 's'} running (Ctrl-C to stop)`,
  );
  stage(io, `running ${group.units.length} simulated unit${group.units.length === 1 ? '' : 's'}`);
  await whenAborted(io.signal);
  stage(io, 'stopping the simulated units');
  subscription.unsubscribe();
  await group.close();
  writeLine(io.stderr, 'stopped');
  return isInterruption(io.signal) ? EXIT.interrupted : EXIT.ok;
}

/**
 * Adds `simulate` to the program.
 *
 * @param program The `pycom-rx` program.
 * @param ctx IO and exit code.
 */
export function defineSimulate(program: Command, ctx: CommandContext): void {
  program
    .command('simulate')
    .description('run simulated LA4 units (pycom + boardio stand-in) on loopback addresses until Ctrl-C')
    .option('--units <n>', 'how many units', integerIn(1, 250), 1)
    .option('--base <address>', 'the first unit address (loopback only); the others follow', '127.0.0.2')
    .option('--unit-port <port>', 'the port every unit listens on', integerIn(0, 65535), 5000)
    .option(
      '--ready-delay <ms>',
      'time from start to hardware ready (unit_info, boardio boot)',
      integerIn(0, 600_000),
      1000,
    )
    .option('--row-ms <ms>', 'time each sequence row plays', integerIn(0, 600_000), 100)
    .option('--quiet', 'print only the units and errors', false)
    .option('--json', 'print every activity as one JSON object per line', false)
    .addHelpText(
      'after',
      examples([
        'pycom-rx simulate                                  # one unit on 127.0.0.2:5000',
        'pycom-rx simulate --units 3 --base 127.0.1.2',
        'pycom-rx simulate --units 50 --ready-delay 100 --quiet',
      ]) +
        '\nThe units run every command they get in a real /bin/sh, in a private temporary home, as you;\n' +
        'so they bind loopback addresses only. Then, e.g.: pycom-rx send 127.0.0.2 --cmd "echo hi" --host 127.0.0.1\n',
    )
    .action(async (options: SimulateCommandOptions) => {
      ctx.exit(await runSimulate(options, ctx.io));
    });
}
