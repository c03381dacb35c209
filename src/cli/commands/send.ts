import type { Command } from 'commander';
import { firstValueFrom } from 'rxjs';
import { examples, globalsOf, type CommandContext } from '../context';
import { interrupted } from '../errors';
import { EXIT } from '../exitCodes';
import { firstLine } from '../format';
import { type CliIO, interruptible, stage, writeLine } from '../io';
import { safeJson } from '../safeOutput';
import { type GlobalOptions, parseTarget, showTarget } from '../options';
import { openSession } from '../session';

/** The default `--timeout` of `send`, in ms. */
export const SEND_TIMEOUT_MS = 10_000;

/**
 * Options of {@link runSend}.
 */
export interface SendCommandOptions extends GlobalOptions {
  /** The unit: `host` or `host:port`. */
  readonly unit: string;
  /** The shell command. */
  readonly cmd: string;
  /** Print `{"unit","id","output","exitCode"}` instead of the raw output. */
  readonly json: boolean;
  /** Send the command as given (pycom's semantics: stdout, or stderr on failure; no exit status). */
  readonly untagged?: boolean;
}

/**
 * `pycom-rx send`: sends one shell command and prints its output (stdout and stderr merged) and,
 * when it failed, its exit status on stderr. With `untagged`, the command goes as given and the
 * output is pycom's own: stdout, or stderr when it failed, with no exit status.
 *
 * ## Example
 * ```ts
 * const code = await runSend({ host: '0.0.0.0', port: 5000, unit: '192.168.0.23', cmd: 'uptime', json: false }, io);
 * ```
 * @param options The unit, the command, the listener and the timeout.
 * @param io Streams and the interrupt signal.
 * @return 0 when the command succeeded, 8 when it exited non-zero; rejects with a `SendError` (unreachable), a `ListenError`,
 *   an `OutputTimeoutError`, or a `CliError` on Ctrl-C.
 */
export async function runSend(options: SendCommandOptions, io: CliIO): Promise<number> {
  const target = parseTarget(options.unit);
  const timeout = options.timeout ?? SEND_TIMEOUT_MS;
  stage(io, `binding ${options.host}:${options.port}`);
  const session = await openSession({ ...options, timeout });
  try {
    stage(
      io,
      `waiting for the output of ${JSON.stringify(firstLine(options.cmd, 40))} from ${showTarget(target)} ` +
        '(once sent, the command runs on the unit to its end)',
    );
    const output = await interruptible(
      io.signal,
      firstValueFrom(
        session.coordinator.command(target, options.cmd, {
          outputTimeoutMs: timeout,
          tagged: options.untagged !== true,
        }),
      ),
      interrupted,
    );
    if (options.json)
      writeLine(
        io.stdout,
        safeJson({
          unit: showTarget(target),
          id: output.id,
          output: output.output,
          ...(output.exitCode === undefined ? {} : { exitCode: output.exitCode }),
        }),
      );
    else
      io.stdout.write(
        output.output === '' || output.output.endsWith('\n') ? output.output : `${output.output}\n`,
      );
    if (output.exitCode === undefined || output.exitCode === 0) return EXIT.ok;
    if (!options.json) writeLine(io.stderr, `exit status ${output.exitCode}`);
    return EXIT.commandFailed;
  } finally {
    session.close();
  }
}

/**
 * Adds `send` to the program.
 *
 * @param program The `pycom-rx` program.
 * @param ctx IO and exit code.
 */
export function defineSend(program: Command, ctx: CommandContext): void {
  program
    .command('send')
    .description(
      'send a shell command to a unit and print its output (stdout and stderr merged, in order) and exit status',
    )
    .argument('<unit>', 'the unit: address[:port], port 5000 by default')
    .requiredOption('-c, --cmd <command>', 'the shell command the unit runs')
    .option('--json', 'print {"unit","id","output","exitCode"} as one JSON line', false)
    .option(
      '--untagged',
      "send the command as given: pycom's output (stdout, or stderr if it failed), no exit status",
      false,
    )
    .addHelpText(
      'after',
      examples([
        'pycom-rx send 192.168.0.23 --cmd "uptime"',
        'pycom-rx send 192.168.0.23 --cmd "cat ~/la4_sequence.csv" --timeout 3000',
        'pycom-rx send 127.0.0.2 --cmd "echo hi" --host 127.0.0.1 --port 0 --json',
      ]) +
        '\nThe output arrives on a new connection from the unit to --host:--port, so that port must be\n' +
        'free here and reachable from the unit. Exit 3: unreachable; 6: no output within --timeout\n' +
        `(default ${SEND_TIMEOUT_MS} ms); 8: the command exited non-zero (status printed on stderr).\n` +
        "With --untagged, the output is pycom's own (stdout, or stderr if the command failed) and has no\n" +
        'exit status: exit 0 whenever an output arrived.\n',
    )
    .action(
      async (unit: string, options: { cmd: string; json: boolean; untagged: boolean }, command: Command) => {
        ctx.exit(
          await runSend(
            { ...globalsOf(command), unit, cmd: options.cmd, json: options.json, untagged: options.untagged },
            ctx.io,
          ),
        );
      },
    );
}
