import type { Command } from 'commander';
import type { CliIO } from './io';
import type { GlobalOptions } from './options';

/**
 * What a command's definition needs from the program: the IO and a way to report its exit code.
 */
export interface CommandContext {
  /** Streams, interrupt signal, working directory, clock. */
  readonly io: CliIO;
  /** Records the exit code of the command that ran. */
  exit(code: number): void;
}

/**
 * The global options as a command sees them (given before or after its name).
 *
 * @param command The commander command whose action runs.
 */
export function globalsOf(command: Command): GlobalOptions {
  const all = command.optsWithGlobals<{ host: string; port: number; timeout?: number }>();
  return { host: all.host, port: all.port, ...(all.timeout === undefined ? {} : { timeout: all.timeout }) };
}

/**
 * Whether a global option was given on the command line (not just its default).
 *
 * @param command The commander command whose action runs.
 * @param name The option's attribute name, e.g. `'port'`.
 */
export function givenExplicitly(command: Command, name: string): boolean {
  const source = command.getOptionValueSourceWithGlobals(name);
  return source !== undefined && source !== 'default';
}

/**
 * Formats the "Examples:" help section of a command.
 *
 * ## Example
 * ```ts
 * command.addHelpText('after', examples(['pycom-rx listen', 'pycom-rx listen --json']));
 * ```
 * @param lines Command lines, optionally followed by `  # comment`.
 */
export function examples(lines: ReadonlyArray<string>): string {
  return `\nExamples:\n${lines.map((line) => `  $ ${line}`).join('\n')}\n`;
}
