import type { Command } from 'commander';
import type { AddressInfo } from 'node:net';
import { listen } from '../../transport';
import { examples, globalsOf, type CommandContext } from '../context';
import { EXIT } from '../exitCodes';
import { formatInbound } from '../format';
import { type CliIO, stage, whenAborted, writeLine } from '../io';
import { isInterruption } from '../interrupt';
import { printable, safeJson } from '../safeOutput';
import type { GlobalOptions } from '../options';

/**
 * Options of {@link runListen}.
 */
export interface ListenCommandOptions extends GlobalOptions {
  /** One JSON object per line instead of text. */
  readonly json: boolean;
}

/**
 * `pycom-rx listen`: binds the listener and prints every inbound event and rejected payload
 * until Ctrl-C. Status lines go to stderr, items to stdout.
 *
 * ## Example
 * ```ts
 * const code = await runListen({ host: '0.0.0.0', port: 5000, json: true }, io); // 130 after Ctrl-C
 * ```
 * @param options Where to bind, and the format.
 * @param io Streams and the interrupt signal.
 * @return 130 after Ctrl-C (or 0 when stdout's reader went away); rejects with a `ListenError`
 * when the port cannot be bound.
 */
export function runListen(options: ListenCommandOptions, io: CliIO): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    let events = 0;
    let rejected = 0;
    stage(io, `binding ${options.host}:${options.port}`);
    const onListening = (address: AddressInfo) => {
      writeLine(io.stderr, `listening on ${address.address}:${address.port} (Ctrl-C to stop)`);
      stage(
        io,
        () =>
          `listening on ${address.address}:${address.port} (${events} events, ${rejected} rejected so far)`,
      );
    };
    const subscription = listen({ host: options.host, port: options.port, onListening }).subscribe({
      next: (item) => {
        if ('type_' in item) events += 1;
        else rejected += 1;
        // whatever a sender put in its event, one line, no terminal escapes
        writeLine(io.stdout, options.json ? safeJson(item) : printable(formatInbound(item)));
      },
      error: (e: unknown) => reject(e),
    });
    void whenAborted(io.signal).then(() => {
      subscription.unsubscribe();
      resolve(isInterruption(io.signal) ? EXIT.interrupted : EXIT.ok);
    });
  });
}

/**
 * Adds `listen` to the program.
 *
 * @param program The `pycom-rx` program.
 * @param ctx IO and exit code.
 */
export function defineListen(program: Command, ctx: CommandContext): void {
  program
    .command('listen')
    .description(
      'print the events units send to this machine (output, message, unit_info) and rejected payloads, until Ctrl-C',
    )
    .option('--json', 'one JSON object per line: {"kind":"event",...} or {"kind":"rejected",...}', false)
    .addHelpText(
      'after',
      examples([
        'pycom-rx listen                          # 0.0.0.0:5000, as pycom expects',
        'pycom-rx listen --port 5001 --json',
        'pycom-rx listen --host 127.0.0.1 --port 0  # any free port on loopback',
      ]),
    )
    .action(async (options: { json: boolean }, command: Command) => {
      ctx.exit(await runListen({ ...globalsOf(command), json: options.json }, ctx.io));
    });
}
