import { type Command, Option } from 'commander';
import { type Observable, Subscription } from 'rxjs';
import type { ShootEvent, ShootOptions, ShootUnitSummary } from '../../coordinator/shootTypes';
import { PRESET_NAMES, renderSequence, standaloneWarnings } from '../../sequence';
import { examples, globalsOf, type CommandContext } from '../context';
import { CliError } from '../errors';
import { EXIT } from '../exitCodes';
import { firstLine, seconds } from '../format';
import { type CliIO, stage, writeLine } from '../io';
import { type GlobalOptions, integerArgument, integerIn, parseTarget, showTarget } from '../options';
import { ProgressBoard } from '../progress';
import { safeJson } from '../safeOutput';
import { openSession } from '../session';
import { reasonExitCode } from '../runSequences';
import { type RunCommandOptions, sequenceOf } from './run';

/**
 * Options of {@link runShoot}: those of `run` (without `--path`), plus the CSV file as an option,
 * the phase-1 deadline and `--dry-run`.
 */
export interface ShootCommandOptions extends Omit<RunCommandOptions, 'path'> {
  /** The sequence file, instead of `preset`. */
  readonly csv?: string;
  /** Phase 1's deadline in ms (every unit loaded within it, or none is fired). */
  readonly deadline?: number;
  /** Phase 1 only: load everywhere, fire nothing. */
  readonly dryRun: boolean;
}

type Summary = Extract<ShootEvent, { kind: 'summary' }>;

/** A duration: in ms under a second, else in seconds. */
const duration = (ms: number) => (ms < 1000 ? `${Math.round(ms)} ms` : seconds(ms));

/** The text of a unit's row after an event; `firstFire` is the time of the shot's first fire. */
function stateLine(e: Extract<ShootEvent, { kind: 'unit' }>, started: number, firstFire: number): string {
  switch (e.state) {
    case 'loading':
      return 'loading';
    case 'ready':
      return `ready (BOARDIO_READY) after ${duration(e.at - started)}`;
    case 'fired':
      return `fired (+${(e.at - firstFire).toFixed(1)} ms)`;
    case 'completed':
      return `completed ${duration(e.at - firstFire)} after the fire`;
    case 'not-fired':
      return `not fired${e.message === undefined ? '' : `: ${firstLine(e.message, 60)}`}`;
    case 'failed':
      return `FAILED (${e.reason ?? 'unknown'}): ${firstLine(e.message ?? '', 60)}`;
  }
}

/** A unit event as a JSON line: without the underlying progress item (`run --json` shows those). */
function jsonOf(e: Extract<ShootEvent, { kind: 'unit' }>, unit: string): object {
  const { progress: _progress, ...shown } = e;
  return { ...shown, unit };
}

/**
 * The exit code of a shot from its summary: 0 when every unit completed (or, for a dry run or a
 * standalone upload, loaded); {@link EXIT.notFired} when a load failed so that nothing was fired;
 * else the code of the first unit (in the given order) that did not complete.
 *
 * ## Example
 * ```ts
 * shootExitCode({ kind: 'summary', outcome: 'not-fired', units: [] }); // 9
 * ```
 * @param summary The last event of `coordinator.shoot`.
 */
export function shootExitCode(summary: Summary): number {
  if (summary.outcome === 'completed' || summary.outcome === 'dry-run') return EXIT.ok;
  if (summary.outcome === 'not-fired') return EXIT.notFired;
  const failed = summary.units.find((u: ShootUnitSummary) => u.state !== 'completed');
  return failed === undefined ? EXIT.ok : reasonExitCode(failed.reason);
}

/**
 * `pycom-rx shoot`: loads a sequence (a CSV file or a preset) on every unit, then, only when every
 * unit confirmed BOARDIO_READY, fires `runSeq` on all of them at once, with a live table (one row
 * per unit: loading, ready, fired, completed) and the fire spread (first to last `runSeq` handed
 * over) at the end. If any unit fails to load, nothing is fired anywhere (exit 9).
 *
 * ## Example
 * ```ts
 * const code = await runShoot({ host: '0.0.0.0', port: 5000, args: ['192.168.0.21', '192.168.0.22'], preset: 'ALL', standalone: false, json: false, dryRun: false }, io);
 * ```
 * @param options Units, the sequence, the deadline, the listener, the format.
 * @param io Streams, working directory, interrupt signal.
 * @return 0 when every unit completed; 9 when nothing was fired because a load failed; else the
 *   code of the first unit that did not complete; 130 on Ctrl-C.
 */
export async function runShoot(options: ShootCommandOptions, io: CliIO): Promise<number> {
  if (options.csv !== undefined && options.preset !== undefined)
    throw new CliError(EXIT.usage, `give either --csv ${options.csv} or --preset, not both`);
  if (options.csv === undefined && options.preset === undefined)
    throw new CliError(EXIT.usage, 'give the sequence: --csv FILE or --preset NAME');
  const args = options.csv === undefined ? options.args : [...options.args, options.csv];
  const { units, sequence, what } = await sequenceOf({ ...options, args }, io);
  if (units.length === 0) throw new CliError(EXIT.usage, 'no unit given');
  const targets = units.map(parseTarget);
  const names = targets.map((t) => showTarget(t));
  if (new Set(names).size !== names.length) throw new CliError(EXIT.usage, 'a unit is given twice');
  if (new Set(targets.map((t) => t.host)).size !== targets.length)
    throw new CliError(EXIT.usage, 'shoot needs one unit per address (two units share a host)');
  if (options.standalone)
    for (const warning of standaloneWarnings(sequence)) writeLine(io.stderr, `warning: ${warning.message}`);
  const session = await openSession(options);
  try {
    const mode = options.dryRun || options.standalone ? 'load only, no fire' : 'load all, then fire all';
    writeLine(io.stderr, `${what}: ${sequence.length} rows -> ${targets.length} units (${mode})`);
    if (!options.json) writeLine(io.stderr, renderSequence(sequence).trimEnd().replace(/^/gm, '  '));
    const shootOptions: ShootOptions = {
      dryRun: options.dryRun,
      standalone: options.standalone,
      ...(options.deadline === undefined ? {} : { loadDeadlineMs: options.deadline }),
      ...(options.timeout === undefined ? {} : { stepTimeoutMs: options.timeout }),
    };
    const summary = await follow(
      session.coordinator.shoot(targets, sequence, shootOptions),
      names,
      options,
      io,
    );
    if (summary === undefined) return EXIT.interrupted;
    if (!options.json) report(summary, io);
    return shootExitCode(summary);
  } finally {
    session.close();
  }
}

/** Shows the shot as it goes; resolves its summary, or `undefined` on Ctrl-C. */
function follow(
  shot: Observable<ShootEvent>,
  names: ReadonlyArray<string>,
  options: ShootCommandOptions,
  io: CliIO,
): Promise<Summary | undefined> {
  const started = io.now();
  let firstFire: number | undefined;
  const states = new Map<string, string>(names.map((n) => [n, 'loading']));
  stage(io, () => `shoot: ${[...states].map(([n, s]) => `${n} ${s}`).join(', ')}`);
  const board = options.json ? undefined : new ProgressBoard(io.stdout, names, 'loading');
  const rowOf = (unit: string) => names.find((n) => n === unit || n.startsWith(`${unit}:`)) ?? unit;
  return new Promise<Summary | undefined>((resolve, reject) => {
    const subscription = new Subscription();
    let summary: Summary | undefined;
    const finish = () => {
      subscription.unsubscribe();
      io.signal.removeEventListener('abort', finish);
      board?.close();
      resolve(summary);
    };
    io.signal.addEventListener('abort', finish, { once: true });
    subscription.add(
      shot.subscribe({
        next: (e) => {
          if (options.json) writeLine(io.stdout, safeJson(e.kind === 'unit' ? jsonOf(e, rowOf(e.unit)) : e));
          if (e.kind === 'summary') summary = e;
          else {
            if (e.state === 'fired') firstFire ??= e.at;
            states.set(rowOf(e.unit), e.state);
            board?.set(rowOf(e.unit), stateLine(e, started, firstFire ?? e.at));
          }
        },
        error: (err: unknown) => {
          board?.close();
          io.signal.removeEventListener('abort', finish);
          reject(err instanceof Error ? err : new Error(String(err)));
        },
        complete: finish,
      }),
    );
    if (io.signal.aborted) finish();
  });
}

/** The lines after the table: the spread, and how many units did what. */
function report(summary: Summary, io: CliIO): void {
  const count = (state: string) => summary.units.filter((u) => u.state === state).length;
  const total = summary.units.length;
  if (summary.fireSpreadMs !== undefined)
    writeLine(
      io.stdout,
      `fire spread: ${summary.fireSpreadMs.toFixed(1)} ms (first to last runSeq handed over)`,
    );
  if (summary.outcome === 'not-fired') {
    for (const u of summary.units.filter((x) => x.state === 'failed'))
      writeLine(io.stderr, `${u.unit}: failed to load (${u.reason ?? 'unknown'}): ${u.message ?? ''}`);
    writeLine(io.stderr, `nothing fired: ${count('failed')} of ${total} units failed to load`);
  } else if (summary.outcome === 'dry-run')
    writeLine(io.stderr, `${count('not-fired')} of ${total} units loaded (dry run: nothing fired)`);
  else writeLine(io.stderr, `${count('completed')} of ${total} units completed`);
}

/**
 * Adds `shoot` to the program.
 *
 * @param program The `pycom-rx` program.
 * @param ctx IO and exit code.
 */
export function defineShoot(program: Command, ctx: CommandContext): void {
  program
    .command('shoot')
    .usage('[options] <unit...> (--csv FILE | --preset NAME)')
    .description('load a sequence on every unit, then fire all units together, or none if a load failed')
    .argument('<units...>', 'units (address[:port]), one per address')
    .option('--csv <file>', 'the sequence file')
    .addOption(
      new Option('--preset <name>', 'a flash mode of the vendor app instead of a file').choices(PRESET_NAMES),
    )
    .addOption(
      new Option('--camera <family>', 'preset: nikon or canon (default: nikon)').choices(['nikon', 'canon']),
    )
    .addOption(
      new Option('--power <percent>', 'preset: flash power 0..100 (default: 100)').argParser(integerArgument),
    )
    .addOption(
      new Option('--shutter <ms>', 'preset, canon: LED on-time 0..109 ms').argParser(integerArgument),
    )
    .addOption(
      new Option('--trigger <mode>', 'preset: single or continuous').choices(['single', 'continuous']),
    )
    .option('--fans', 'preset: put LED_FAN,1 first (the default)')
    .option('--no-fans', 'preset: leave the fans as they are')
    .addOption(
      new Option(
        '--deadline <ms>',
        'phase 1: every unit must be loaded within this time, or none is fired (default: 30000)',
      ).argParser(integerIn(1, 3_600_000)),
    )
    .option('--dry-run', 'phase 1 only: load on every unit and report who is ready; fire nothing', false)
    .option('--standalone', 'upload as the standalone sequence (uSeqStandalone); never fired', false)
    .option('--json', 'one JSON object per event: {"kind":"unit",...} then {"kind":"summary",...}', false)
    .addHelpText(
      'after',
      examples([
        'pycom-rx shoot 192.168.0.21 192.168.0.22 192.168.0.23 --preset ALL --camera canon',
        'pycom-rx shoot 192.168.0.21 192.168.0.22 --csv scan.csv --deadline 20000',
        'pycom-rx shoot 192.168.0.21 192.168.0.22 --preset OLAT --dry-run --json',
      ]) +
        '\nPhase 1 uploads and loads on every unit in parallel; phase 2 fires runSeq on all of them at once,\n' +
        'only when every unit answered BOARDIO_READY. The fire spread is the time from the first runSeq\n' +
        "handed over to the last (the units' own start-up after that is not included).\n" +
        'Exit 0: every unit completed (--dry-run: every unit loaded); 9: a unit failed to load or the\n' +
        'deadline passed, nothing was fired; else the code of the first unit that did not complete.\n',
    )
    .action(
      async (
        args: string[],
        options: Omit<ShootCommandOptions, 'args' | keyof GlobalOptions>,
        command: Command,
      ) => {
        ctx.exit(await runShoot({ ...globalsOf(command), ...options, args }, ctx.io));
      },
    );
}
