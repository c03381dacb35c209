import { type Command, Option } from 'commander';
import { Subscription } from 'rxjs';
import { toBoardioResult, type BoardioResult } from '../../operators';
import { preset, PRESET_NAMES, renderSequence, type PresetName } from '../../sequence';
import { nthAddress } from '../../simulator';
import { examples, givenExplicitly, globalsOf, type CommandContext } from '../context';
import { connectAll, printUnitInfos } from '../demo/presence';
import { printOutcomes } from '../demo/report';
import { runShellCommands } from '../demo/shell';
import { DEMO_TIMING, startDemoUnits } from '../demo/units';
import { interrupted } from '../errors';
import { EXIT } from '../exitCodes';
import { indent, seconds } from '../format';
import { type CliIO, writeLine } from '../io';
import { type GlobalOptions, integerIn } from '../options';
import { outcomesExitCode, runSequences } from '../runSequences';
import { openSession, type Session } from '../session';

/**
 * Options of {@link runDemo}.
 */
export interface DemoCommandOptions extends GlobalOptions {
  /** The first simulated unit's address. */
  readonly base: string;
  /** How many simulated units. */
  readonly units: number;
  /** The flash mode run on every unit. */
  readonly preset: PresetName;
}

function section(io: CliIO, title: string): void {
  writeLine(io.stdout);
  writeLine(io.stdout, `== ${title} ==`);
}

/**
 * `pycom-rx demo`: the whole pipeline against simulated units, no hardware needed. Starts
 * simulated units on loopback (port 5000), a coordinator on 127.0.0.1 (any free port), connects
 * with heartbeats, prints each unit's `unit_info`, runs a flash-mode preset on every unit in
 * parallel with live progress, prints the outputs and BOARDIO results, runs shell commands
 * through `coordinator.run`, cleans up and prints the elapsed time.
 *
 * ## Example
 * ```ts
 * const code = await runDemo({ host: '127.0.0.1', port: 0, base: '127.0.0.2', units: 3, preset: 'OLAT+POLAT' }, io);
 * ```
 * @param options Units, preset, listener.
 * @param io Streams, clock, interrupt signal.
 * @return 0 when every step worked.
 */
export async function runDemo(options: DemoCommandOptions, io: CliIO): Promise<number> {
  const started = io.now();
  const plural = options.units === 1 ? '' : 's';
  const range = options.units > 1 ? `..${nthAddress(options.base, options.units - 1)}` : '';
  writeLine(
    io.stdout,
    `pycom-rx demo: ${options.units} simulated LA4 unit${plural} on ${options.base}${range}, port 5000`,
  );
  const group = await startDemoUnits(options.base, options.units, io);
  const hosts = group.units.map((u) => u.host);
  const keep = new Subscription();
  let session: Session | undefined;
  try {
    session = await openSession(options, {
      name: 'pycom-rx-demo',
      commandTimeoutMs: options.timeout ?? 5_000,
    });
    const { coordinator, address } = session;
    writeLine(io.stdout, `coordinator ${coordinator.id} listening on ${address.address}:${address.port}`);

    section(io, 'Presence (heartbeats every 5 s)');
    const infos = await connectAll(coordinator, hosts, keep, io);
    section(io, 'unit_info');
    printUnitInfos(infos, io);

    const sequence = preset({ mode: options.preset, camera: 'nikon', power: 80, fans: true });
    section(io, `Sequence: preset ${options.preset}, nikon, power 80, fans on (${sequence.length} rows)`);
    writeLine(io.stdout, indent(renderSequence(sequence), '  '));

    section(io, `Running on ${hosts.length} unit${plural} in parallel`);
    const boardio = new Map<string, BoardioResult[]>(hosts.map((host) => [host, []]));
    for (const host of hosts)
      keep.add(
        coordinator
          .eventsFrom(host)
          .pipe(toBoardioResult())
          .subscribe((r) => boardio.get(host)?.push(r)),
      );
    const targets = hosts.map((host) => ({ host, port: 5000 }));
    const runOptions = { stepTimeoutMs: DEMO_TIMING.stepTimeoutMs };
    const outcomes = await runSequences(
      (target) => coordinator.runSequence(target, sequence, runOptions),
      targets,
      { json: false, run: true },
      io,
    );
    if (io.signal.aborted) throw interrupted();

    section(io, 'Outputs and BOARDIO results');
    printOutcomes(outcomes, boardio, io);

    section(io, 'Shell commands through coordinator.run');
    const commandsCode = await runShellCommands(coordinator, hosts, io);

    const sequenceCode = outcomesExitCode(outcomes);
    const code = sequenceCode !== EXIT.ok ? sequenceCode : commandsCode;
    keep.unsubscribe();
    session.close();
    await group.close();
    const verdict = code === EXIT.ok ? 'Done' : 'FAILED';
    section(io, `${verdict} in ${seconds(io.now() - started)} (units closed, listener released)`);
    return code;
  } finally {
    keep.unsubscribe();
    session?.close();
    await group.close();
  }
}

/**
 * Adds `demo` to the program.
 *
 * @param program The `pycom-rx` program.
 * @param ctx IO and exit code.
 */
export function defineDemo(program: Command, ctx: CommandContext): void {
  program
    .command('demo')
    .description(
      'the whole pipeline against simulated units on loopback: presence, unit_info, a flash-mode sequence on every unit in parallel, shell commands',
    )
    .option('--base <address>', 'the first simulated unit (loopback; port 5000)', '127.0.0.2')
    .option('--units <n>', 'how many simulated units', integerIn(1, 50), 3)
    .addOption(
      new Option('--preset <name>', 'the flash mode to run').choices(PRESET_NAMES).default('OLAT+POLAT'),
    )
    .addHelpText(
      'after',
      examples([
        'pycom-rx demo',
        'npm run demo',
        'pycom-rx demo --base 127.0.1.2 --units 5 --preset ALL+PALL',
      ]) +
        '\nThe coordinator listens on 127.0.0.1, any free port, unless --host / --port are given.\n' +
        "Exit 4 when port 5000 of the units' addresses is in use (move them with --base).\n",
    )
    .action(async (options: Omit<DemoCommandOptions, keyof GlobalOptions>, command: Command) => {
      const globals = globalsOf(command);
      const host = givenExplicitly(command, 'host') ? globals.host : '127.0.0.1';
      const port = givenExplicitly(command, 'port') ? globals.port : 0;
      ctx.exit(await runDemo({ ...globals, host, port, ...options }, ctx.io));
    });
}
