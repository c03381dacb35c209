import { Command, CommanderError, Option } from 'commander';
import { LIBRARY_VERSION } from '../coordinator/identity';
import { enableDebug } from '../diagnostics';
import { defineConsole } from './commands/console';
import { defineDemo } from './commands/demo';
import { defineDiscover } from './commands/discover';
import { defineDoctor } from './commands/doctor';
import { defineHeartbeat } from './commands/heartbeat';
import { defineListen } from './commands/listen';
import { defineRun } from './commands/run';
import { defineSend } from './commands/send';
import { defineShoot } from './commands/shoot';
import { defineSimulate } from './commands/simulate';
import type { CommandContext } from './context';
import { describeError, exitCodeOf } from './errors';
import { EXIT, EXIT_CODES_HELP } from './exitCodes';
import { type CliIO, writeLine } from './io';
import { isInterruption, StageTracker, untilDoneOrInterrupted } from './interrupt';
import { integerIn } from './options';

/**
 * Builds the `pycom-rx` commander program: global options, every command, help texts.
 *
 * @param ctx The IO and the exit-code sink the commands report to.
 */
export function createProgram(ctx: CommandContext): Command {
  const program = new Command('pycom-rx');
  program
    .description(
      'Drive LightArray4 (LA4) light arrays through pycom: listen, send, run sequences, discover, simulate.',
    )
    .version(LIBRARY_VERSION, '-V, --version')
    .addOption(
      new Option(
        '--host <address>',
        "address the coordinator's listener binds (units connect back to it)",
      ).default('0.0.0.0'),
    )
    .addOption(
      new Option('--port <port>', "port of the coordinator's listener; 0 = any free port")
        .default(5000)
        .argParser(integerIn(0, 65535)),
    )
    .addOption(
      new Option('--timeout <ms>', "time allowed for a unit's answer (default: per command)").argParser(
        integerIn(1, 3_600_000),
      ),
    )
    .option('--verbose', "log what the library does on stderr (as DEBUG='pycom-rx:*' does)")
    .configureOutput({
      writeOut: (s) => ctx.io.stdout.write(s),
      writeErr: (s) => ctx.io.stderr.write(s),
    })
    .configureHelp({ showGlobalOptions: true })
    .showHelpAfterError('(add --help for usage)')
    .exitOverride()
    .addHelpText(
      'after',
      `
Examples:
  $ pycom-rx demo                                   # simulated units, the whole pipeline, no hardware
  $ pycom-rx discover --subnet 192.168.0.0/24       # find units
  $ pycom-rx doctor 192.168.0.23                    # check a real unit before trusting the library
  $ pycom-rx send 192.168.0.23 --cmd "uptime"
  $ pycom-rx run 192.168.0.23 --preset OLAT+POLAT --camera canon --power 80
  $ pycom-rx shoot 192.168.0.21 192.168.0.22 --preset ALL   # load all, then fire all together, or none
  $ pycom-rx listen --json
  $ pycom-rx <command> --help
${EXIT_CODES_HELP}
`,
    );
  for (const define of [
    defineListen,
    defineSend,
    defineHeartbeat,
    defineRun,
    defineShoot,
    defineDiscover,
    defineDoctor,
    defineSimulate,
    defineDemo,
    defineConsole,
  ])
    define(program, ctx);
  return program;
}

function commanderExitCode(error: CommanderError): number {
  if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version') return EXIT.ok;
  return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
}

/**
 * Runs `pycom-rx` with the given arguments and resolves its exit code; never rejects. Errors are
 * written to `io.stderr` as `pycom-rx: <message>`. When `io.signal` is aborted (Ctrl-C) before
 * the command is done, at any stage, it says what was interrupted and resolves 130.
 *
 * ## Example
 * ```ts
 * const code = await runCli(['send', '127.0.0.2', '--cmd', 'uptime'], io);
 * ```
 * @param args The arguments after the program name (`process.argv.slice(2)`).
 * @param io Streams, interrupt signal, working directory, clock.
 */
export async function runCli(args: ReadonlyArray<string>, io: CliIO): Promise<number> {
  let code: number = EXIT.ok;
  // what runs and what it is doing, to say what a Ctrl-C interrupted (interrupt.ts)
  const tracker = new StageTracker(io);
  const program = createProgram({ io: tracker.io, exit: (c) => (code = c) });
  let stopVerbose: (() => void) | undefined;
  program.hook('preAction', (_program, action) => {
    tracker.started(action.name());
    if (action.optsWithGlobals<{ verbose?: boolean }>().verbose === true)
      stopVerbose ??= enableDebug('pycom-rx:*', (line) => io.stderr.write(line));
  });
  const work = async () => {
    try {
      await program.parseAsync([...args], { from: 'user' });
      return code;
    } catch (error) {
      if (error instanceof CommanderError) return commanderExitCode(error);
      if (!isInterruption(io.signal)) writeLine(io.stderr, `pycom-rx: ${describeError(error)}`);
      return exitCodeOf(error);
    } finally {
      stopVerbose?.();
    }
  };
  return untilDoneOrInterrupted(work, io, tracker);
}
