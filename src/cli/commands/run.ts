import { type Command, Option } from 'commander';
import {
  preset,
  PRESET_NAMES,
  renderSequence,
  SequenceError,
  standaloneWarnings,
  type PresetCamera,
  type PresetName,
  type PresetTrigger,
  type Sequence,
} from '../../sequence';
import { examples, globalsOf, type CommandContext } from '../context';
import { CliError } from '../errors';
import { EXIT } from '../exitCodes';
import { seconds } from '../format';
import { type CliIO, writeLine } from '../io';
import { type GlobalOptions, integerArgument, parseTarget } from '../options';
import { outcomesExitCode, runSequences } from '../runSequences';
import { readSequenceFile } from '../sequenceFile';
import { openSession } from '../session';

/**
 * Options of {@link runRun}.
 */
export interface RunCommandOptions extends GlobalOptions {
  /** The units, then the sequence file unless `preset` is given. */
  readonly args: ReadonlyArray<string>;
  /** A flash-mode preset instead of a file. */
  readonly preset?: PresetName;
  /** The camera family of the preset. Default `'nikon'`. */
  readonly camera?: PresetCamera;
  /** Flash power % of the preset. */
  readonly power?: number;
  /** LED on-time in ms of a Canon-type preset. */
  readonly shutter?: number;
  /** Trigger mode of the preset. */
  readonly trigger?: PresetTrigger;
  /** Put `LED_FAN,1` first in the preset (`--fans`, the preset's default) or not (`--no-fans`). */
  readonly fans?: boolean;
  /** Upload as the standalone sequence (loaded with `uSeqStandalone`, not started). */
  readonly standalone: boolean;
  /** Where to write the file on the unit. Default: the vendor's path for the mode. */
  readonly path?: string;
  /** One JSON object per progress item. */
  readonly json: boolean;
}

const PRESET_ONLY = ['camera', 'power', 'shutter', 'trigger', 'fans'] as const;

/**
 * The units and the sequence of a `run` (or `shoot`) command line: the last argument is the CSV
 * file unless `--preset` is given. Exits 2 on a bad combination, 5 on an invalid sequence.
 *
 * ## Example
 * ```ts
 * const { units, sequence } = await sequenceOf({ ...globals, args: ['192.168.0.23'], preset: 'ALL', standalone: false, json: false }, io);
 * ```
 * @param options The command line.
 * @param io The working directory (for the file).
 */
export async function sequenceOf(
  options: RunCommandOptions,
  io: CliIO,
): Promise<{ units: string[]; sequence: Sequence; what: string }> {
  if (options.preset === undefined) {
    const given = PRESET_ONLY.filter((name) => options[name] !== undefined);
    if (given.length > 0) throw new CliError(EXIT.usage, `--${given.join(', --')} only apply with --preset`);
    if (options.args.length < 2)
      throw new CliError(EXIT.usage, 'give one or more units, then the sequence file (or --preset NAME)');
    const file = options.args[options.args.length - 1] ?? '';
    return { units: options.args.slice(0, -1), sequence: await readSequenceFile(file, io.cwd), what: file };
  }
  const file = options.args.find((arg) => /\.csv$/i.test(arg));
  if (file !== undefined)
    throw new CliError(EXIT.usage, `give either a sequence file (${file}) or --preset, not both`);
  const camera = options.camera ?? 'nikon';
  return {
    units: [...options.args],
    sequence: presetOf(options.preset, camera, options),
    what: `preset ${options.preset} (${camera})`,
  };
}

/** The preset's sequence; a value out of range (the register table decides) is an invalid sequence, exit 5. */
function presetOf(mode: PresetName, camera: PresetCamera, options: RunCommandOptions): Sequence {
  try {
    return preset({
      mode,
      camera,
      ...(options.power === undefined ? {} : { power: options.power }),
      ...(options.shutter === undefined ? {} : { shutterMs: options.shutter }),
      ...(options.trigger === undefined ? {} : { trigger: options.trigger }),
      ...(options.fans === undefined ? {} : { fans: options.fans }),
    });
  } catch (e) {
    if (e instanceof SequenceError)
      throw new CliError(EXIT.invalidSequence, `invalid preset ${mode}: ${e.message}`);
    throw e;
  }
}

/**
 * `pycom-rx run`: uploads a sequence (a CSV file or a preset) to one or more units, has boardio
 * load it, starts it (a separate `boardiocli runSeq`, only once boardio answered BOARDIO_READY),
 * and shows the progress per unit until each completes or fails.
 *
 * ## Example
 * ```ts
 * const code = await runRun({ host: '0.0.0.0', port: 5000, args: ['192.168.0.23'], preset: 'OLAT', standalone: false, json: false }, io);
 * ```
 * @param options Units, the sequence, the listener, the step timeout, the format.
 * @param io Streams, working directory, interrupt signal.
 * @return 0 when every unit completed; else the exit code of the first unit that failed.
 */
export async function runRun(options: RunCommandOptions, io: CliIO): Promise<number> {
  const { units, sequence, what } = await sequenceOf(options, io);
  if (units.length === 0) throw new CliError(EXIT.usage, 'no unit given');
  const targets = units.map(parseTarget);
  const seen = new Set<string>();
  for (const t of targets) {
    const key = `${t.host}:${t.port}`;
    if (seen.has(key)) throw new CliError(EXIT.usage, `unit ${key} given twice`);
    seen.add(key);
  }
  if (options.standalone)
    for (const warning of standaloneWarnings(sequence)) writeLine(io.stderr, `warning: ${warning.message}`);
  const session = await openSession(options);
  try {
    const rows = `${sequence.length} row${sequence.length === 1 ? '' : 's'}`;
    const mode = options.standalone ? 'standalone sequence (uSeqStandalone, runs at boot)' : 'sequence';
    writeLine(
      io.stderr,
      `${what}: ${rows} -> ${targets.length} unit${targets.length === 1 ? '' : 's'} as ${mode}`,
    );
    if (!options.json) writeLine(io.stderr, renderSequence(sequence).trimEnd().replace(/^/gm, '  '));
    const run = !options.standalone;
    const runOptions = {
      standalone: options.standalone,
      run,
      ...(options.path === undefined ? {} : { path: options.path }),
      ...(options.timeout === undefined ? {} : { stepTimeoutMs: options.timeout }),
    };
    const { coordinator } = session;
    const outcomes = await runSequences(
      (target) => coordinator.runSequence(target, sequence, runOptions),
      targets,
      { json: options.json, run },
      io,
    );
    const code = outcomesExitCode(outcomes, run);
    if (!options.json) {
      for (const outcome of outcomes)
        for (const p of outcome.steps) {
          if (p.step === 'message') writeLine(io.stderr, `${outcome.unit}: message: ${p.message}`);
          if (p.step === 'failed')
            writeLine(io.stderr, `${outcome.unit}: failed at ${p.failedStep}: ${p.message}`);
        }
      const ok = outcomes.filter(
        (o) => o.steps[o.steps.length - 1]?.step === (options.standalone ? 'loaded' : 'completed'),
      );
      const elapsed = seconds(Math.max(0, ...outcomes.map((o) => o.ms)));
      writeLine(
        io.stderr,
        `${ok.length} of ${outcomes.length} unit${outcomes.length === 1 ? '' : 's'} ${options.standalone ? 'loaded' : 'completed'} in ${elapsed}`,
      );
    }
    return code;
  } finally {
    session.close();
  }
}

/**
 * Adds `run` to the program.
 *
 * @param program The `pycom-rx` program.
 * @param ctx IO and exit code.
 */
export function defineRun(program: Command, ctx: CommandContext): void {
  program
    .command('run')
    .usage('[options] <unit...> (<sequence.csv> | --preset NAME)')
    .description('upload a sequence to one or more units, load it and run it, with progress per unit')
    .argument('<units...>', 'units (address[:port]), then the sequence CSV file unless --preset is given')
    .addOption(
      new Option('--preset <name>', 'a flash mode of the vendor app instead of a file').choices(PRESET_NAMES),
    )
    .addOption(
      new Option(
        '--camera <family>',
        'preset: nikon (Nikon, Sony) or canon (Canon, other makes) (default: nikon)',
      ).choices(['nikon', 'canon']),
    )
    .addOption(
      new Option('--power <percent>', 'preset: flash power 0..100 (default: 100)').argParser(integerArgument),
    )
    .addOption(
      new Option('--shutter <ms>', 'preset, canon: LED on-time 0..109 ms (default: 100)').argParser(
        integerArgument,
      ),
    )
    .addOption(
      new Option(
        '--trigger <mode>',
        'preset: single or continuous, as the camera drive mode (default: single)',
      ).choices(['single', 'continuous']),
    )
    .option('--fans', 'preset: put LED_FAN,1 first (the default)')
    .option('--no-fans', 'preset: leave the fans as they are')
    .option(
      '--standalone',
      'upload as the standalone sequence (uSeqStandalone, run by boardio at every boot); not started now',
      false,
    )
    .option(
      '--path <file>',
      'where to write the file on the unit (default: ~/la4_sequence.csv, or /home/rigsters/la4_sequence_standalone.csv with --standalone)',
    )
    .option('--json', 'one JSON object per progress item: {"unit","step",...}', false)
    .addHelpText(
      'after',
      examples([
        'pycom-rx run 192.168.0.23 scan.csv',
        'pycom-rx run 192.168.0.21 192.168.0.22 --preset OLAT+POLAT --camera canon --power 80 --fans',
        'pycom-rx run 192.168.0.23 --preset ALL --trigger continuous --json',
        'pycom-rx run 192.168.0.23 boot.csv --standalone',
      ]) +
        '\nSteps per unit: uploaded (upload + boardiocli uSeq ran), loaded (BOARDIO_READY), started (a separate\n' +
        'boardiocli runSeq ran, sent only after BOARDIO_READY), completed (Sequence complete).\n' +
        '--timeout is the time allowed for each step (default 10000 ms). Exit 5: invalid sequence (CSV line\n' +
        'numbers printed) or a preset value out of range (--power 150); 3: unit unreachable; 6: no answer\n' +
        'in time; 7: BOARDIO_ERROR or a failed command.\n',
    )
    .action(
      async (
        args: string[],
        options: Omit<RunCommandOptions, 'args' | keyof GlobalOptions>,
        command: Command,
      ) => {
        ctx.exit(await runRun({ ...globalsOf(command), ...options, args }, ctx.io));
      },
    );
}
