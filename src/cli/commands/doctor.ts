import type { Command } from 'commander';
import { LIBRARY_VERSION } from '../../coordinator/identity';
import { doctor, DOCTOR_DEFAULTS, type DoctorCheckId, type DoctorReport } from '../../doctor';
import { examples, globalsOf, type CommandContext } from '../context';
import { interrupted } from '../errors';
import { EXIT } from '../exitCodes';
import { unitColumn } from '../format';
import { type CliIO, stage, writeLine } from '../io';
import { printable, safeJson } from '../safeOutput';
import { type GlobalOptions, integerIn, parseTarget } from '../options';

/**
 * The exit code of `pycom-rx doctor` for each check that can fail, in order of precedence: the
 * code is the one of the first failed check in this order, over all units.
 */
export const DOCTOR_EXIT: Readonly<Partial<Record<DoctorCheckId, number>>> = {
  heartbeat: EXIT.unreachable, // 3
  'unit-info': 10,
  trailer: 11,
  'exit-status': 11,
  'stderr-merged': 11,
  'large-output': 12,
  latency: 13,
  boardiocli: 14,
  sequence: 15,
};

/** The table printed by `pycom-rx doctor --help` (and in docs/cli.md). */
const DOCTOR_EXIT_HELP = `
Exit codes (the first failed check, in this order, decides):
  0    every check the library relies on passed (warnings allowed)
  3    heartbeat: the unit did not take a heartbeat (unreachable)
  10   unit-info: no unit_info arrived
  11   trailer, exit-status, stderr-merged: tagged outputs cannot be matched or read
  12   large-output: a 64 KiB output came back cut (the cap is printed)
  13   latency: a command got no output in time
  14   boardiocli: boardiocli is not on the PATH
  15   sequence (--with-sequence): the harmless sequence did not load, run and complete
  2 usage, 4 port in use, 130 interrupted, as every command`;

/**
 * Options of {@link runDoctor}.
 */
export interface DoctorCommandOptions extends GlobalOptions {
  /** The units: `host` or `host:port`. */
  readonly units: ReadonlyArray<string>;
  /** One JSON report per unit. */
  readonly json: boolean;
  /** Run the `sequence` check. */
  readonly withSequence: boolean;
  /** Run the `heartbeat-needed` check. */
  readonly slow: boolean;
  /** The silence of `heartbeat-needed`, ms. */
  readonly silence?: number;
  /** Time allowed for `unit_info`, ms. */
  readonly infoTimeout?: number;
  /** Time allowed from `runSeq` to `Sequence complete`, ms. */
  readonly sequenceTimeout?: number;
}

/**
 * The exit code of a doctor's reports: 0 when all are ok, else the code of the first failed check
 * the library relies on (see {@link DOCTOR_EXIT}).
 *
 * ## Example
 * ```ts
 * doctorExitCode(reports); // e.g. 12 when a unit cut a large output
 * ```
 * @param reports The reports of every unit.
 */
export function doctorExitCode(reports: ReadonlyArray<DoctorReport>): number {
  const failed = reports.flatMap((r) =>
    r.checks.filter((c) => c.relied && c.status === 'fail').map((c) => c.id),
  );
  for (const [id, code] of Object.entries(DOCTOR_EXIT)) if (failed.includes(id as DoctorCheckId)) return code;
  return failed.length === 0 ? EXIT.ok : EXIT.failure;
}

/**
 * `pycom-rx doctor`: runs {@link doctor} against units and prints one line per check (or one JSON
 * report per unit with `--json`).
 *
 * ## Example
 * ```ts
 * const code = await runDoctor({ host: '0.0.0.0', port: 5000, units: ['192.168.0.23'], json: false, withSequence: false, slow: false }, io);
 * ```
 * @param options The units, the optional checks, the listener and the timeouts.
 * @param io Streams and the interrupt signal.
 * @return 0 when every check the library relies on holds, else the code of the first failed one.
 */
export async function runDoctor(options: DoctorCommandOptions, io: CliIO): Promise<number> {
  const targets = options.units.map(parseTarget);
  const reports: DoctorReport[] = [];
  stage(io, `examining ${options.units.join(', ')}`);
  const reports$ = doctor(targets, {
    coordinator: {
      name: 'pycom-rx-cli',
      version: LIBRARY_VERSION,
      listen: { host: options.host, port: options.port },
    },
    ...(options.timeout === undefined ? {} : { timeoutMs: options.timeout }),
    ...(options.infoTimeout === undefined ? {} : { infoTimeoutMs: options.infoTimeout }),
    ...(options.sequenceTimeout === undefined ? {} : { sequenceTimeoutMs: options.sequenceTimeout }),
    ...(options.silence === undefined ? {} : { silenceMs: options.silence }),
    withSequence: options.withSequence,
    slow: options.slow,
  });
  await new Promise<void>((resolve, reject) => {
    const subscription = reports$.subscribe({
      next: (report) => {
        reports.push(report);
        if (options.json) return writeLine(io.stdout, safeJson(report));
        writeLine(io.stdout, `${report.unit}: ${report.ok ? 'ok' : 'NOT ok'}`);
        for (const c of report.checks)
          writeLine(
            io.stdout,
            printable(`  ${c.status.toUpperCase().padEnd(4)}  ${unitColumn(c.id)}  ${c.saw}`),
          );
      },
      error: (e: unknown) => reject(e),
      complete: () => resolve(),
    });
    const stop = () => {
      subscription.unsubscribe();
      reject(interrupted());
    };
    if (io.signal.aborted) stop();
    else io.signal.addEventListener('abort', stop, { once: true });
  });
  return doctorExitCode(reports);
}

/**
 * Adds `doctor` to the program.
 *
 * @param program The `pycom-rx` program.
 * @param ctx IO and exit code.
 */
export function defineDoctor(program: Command, ctx: CommandContext): void {
  program
    .command('doctor')
    .description(
      'check what the library assumes about real units (heartbeat, unit_info, trailers, exit status, ' +
        'large outputs, latency, boardiocli, clock), one line per check; nothing is lit',
    )
    .argument('<unit...>', 'the units: address[:port], port 5000 by default')
    .option('--json', 'one JSON report per unit: {"unit","ok","checks":[{"id","status","saw",...}]}', false)
    .option('--with-sequence', 'also upload and run MODEL_LIGHT,0 and record boardio messages', false)
    .option(
      '--slow',
      `also check whether heartbeats are needed between commands (a silence, default ${DOCTOR_DEFAULTS.silenceMs / 1000} s)`,
      false,
    )
    .option('--silence <ms>', 'the silence of --slow', integerIn(0, 3_600_000))
    .option(
      '--info-timeout <ms>',
      `time allowed for unit_info (default ${DOCTOR_DEFAULTS.infoTimeoutMs})`,
      integerIn(1, 3_600_000),
    )
    .option(
      '--sequence-timeout <ms>',
      `time allowed from runSeq to "Sequence complete" (default ${DOCTOR_DEFAULTS.sequenceTimeoutMs})`,
      integerIn(1, 3_600_000),
    )
    .addHelpText(
      'after',
      examples([
        'pycom-rx doctor 192.168.0.23',
        'pycom-rx doctor 192.168.0.21 192.168.0.22 --json > doctor.jsonl   # for a bug report',
        'pycom-rx doctor 192.168.0.23 --with-sequence --slow',
      ]) +
        DOCTOR_EXIT_HELP +
        '\n',
    )
    .action(
      async (
        units: string[],
        options: Omit<DoctorCommandOptions, keyof GlobalOptions | 'units'>,
        command: Command,
      ) => {
        ctx.exit(await runDoctor({ ...globalsOf(command), ...options, units }, ctx.io));
      },
    );
}
