import { tagCommand } from './tagged';

/**
 * The longest `command`, in UTF-8 bytes, that a unit can run, as sent (tagged or not). pycom runs
 * a command as `/bin/sh -c <command>`, and Linux refuses a single argument of 128 KiB or more
 * (`MAX_ARG_STRLEN` = 32 pages of 4 KiB, counting the terminating NUL) with `E2BIG`: the
 * command never starts.
 *
 * Source: Linux `include/uapi/linux/binfmts.h` (`MAX_ARG_STRLEN`), execve(2) "Limits on size of
 * arguments and environment"; assumed to hold on the unit (a Linux board, Raspberry Pi OS).
 *
 * ## Example
 * ```ts
 * Buffer.byteLength(tagCommand('uptime').text) <= MAX_COMMAND_BYTES; // or it cannot run
 * ```
 * @category Protocol
 */
export const MAX_COMMAND_BYTES = 131071;

/**
 * A command is too long for a unit to run: its text as sent is over {@link MAX_COMMAND_BYTES}
 * (UTF-8). Thrown when the command is made (`uploadCommand`) or asked for (`command()`), never
 * later; nothing was sent. A `RangeError`.
 *
 * ## Example
 * ```ts
 * try {
 *   coordinator.command(unit, `echo ${'x'.repeat(200_000)}`);
 * } catch (e) {
 *   if (e instanceof CommandTooLargeError) console.error(e.bytes, e.limit, e.rows);
 * }
 * ```
 * @category Errors
 */
export class CommandTooLargeError extends RangeError {
  /** Always `'CommandTooLargeError'`. */
  override readonly name = 'CommandTooLargeError';
  /** Always `'too-large'`. */
  readonly reason = 'too-large';

  /**
   * @param bytes The size of the command as it would be sent, in UTF-8 bytes.
   * @param limit The most a unit can run ({@link MAX_COMMAND_BYTES}).
   * @param rows For a sequence upload, how many rows it has.
   * @param tagged Whether the size includes the tagging wrapper.
   */
  constructor(
    /** The size of the command as it would be sent, in UTF-8 bytes. */
    readonly bytes: number,
    /** The most a unit can run, in bytes. */
    readonly limit: number,
    /** For a sequence upload, how many rows it has. */
    readonly rows?: number,
    /** Whether `bytes` includes the tagging wrapper. */
    readonly tagged = false,
  ) {
    super(
      `the command is ${bytes} bytes${tagged ? ' once tagged' : ''}` +
        (rows === undefined ? '' : ` (a sequence of ${rows} rows)`) +
        `; a unit runs at most ${limit} (Linux MAX_ARG_STRLEN)` +
        (rows === undefined ? '' : ': split the sequence or shorten its rows'),
    );
  }
}

/**
 * The size of a command's text in UTF-8 bytes, as it goes on the wire and to the shell.
 *
 * ## Example
 * ```ts
 * commandBytes('echo é'); // 7
 * ```
 * @param text The `command` field.
 * @category Protocol
 */
export function commandBytes(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

/**
 * Whether a command may be over the limit as sent, from its length alone: a UTF-16 unit is at
 * most 3 UTF-8 bytes, and tagging makes each character at most 4 (a `'` becomes `'\''`) and adds
 * about 110. Only a command for which this is true needs its bytes counted.
 */
function mayExceed(command: string, tagged: boolean): boolean {
  return (tagged ? command.length * 4 + 256 : command.length) * 3 > MAX_COMMAND_BYTES;
}

/**
 * Checks that a command fits in {@link MAX_COMMAND_BYTES} as it will be sent: as given, or
 * wrapped by {@link tagCommand} with `tagged`; throws a {@link CommandTooLargeError} otherwise.
 * Counts bytes only for a command long enough to possibly exceed the limit.
 *
 * ## Example
 * ```ts
 * checkCommandSize('uptime', { tagged: true });
 * checkCommandSize(upload, { tagged: true, rows: sequence.length });
 * ```
 * @param command The command as the caller gives it (before tagging).
 * @param about Whether it will be tagged, and the rows of a sequence upload (for the error).
 * @throws {@link CommandTooLargeError} when it does not fit.
 * @category Protocol
 */
export function checkCommandSize(command: string, about: { rows?: number; tagged?: boolean } = {}): void {
  const tagged = about.tagged ?? false;
  if (!mayExceed(command, tagged)) return;
  const bytes = tagged ? taggedCommandBytes(command) : commandBytes(command);
  if (bytes > MAX_COMMAND_BYTES) throw new CommandTooLargeError(bytes, MAX_COMMAND_BYTES, about.rows, tagged);
}

/**
 * Whether a `command` field, as received, is too long for a unit to run (over
 * {@link MAX_COMMAND_BYTES} UTF-8 bytes): what a unit's side asks of a request.
 *
 * ## Example
 * ```ts
 * exceedsCommandLimit(request.command); // a simulated unit answers E2BIG when true
 * ```
 * @param text The `command` field of a `cmd` request.
 * @category Protocol
 */
export function exceedsCommandLimit(text: string): boolean {
  return mayExceed(text, false) && commandBytes(text) > MAX_COMMAND_BYTES;
}

/**
 * The size of a command once {@link tagCommand} wraps it, in UTF-8 bytes: what a coordinator
 * with `tagged: true` (the default) sends.
 *
 * ## Example
 * ```ts
 * taggedCommandBytes('uptime') <= MAX_COMMAND_BYTES;
 * ```
 * @param command The command as the caller gives it.
 * @category Protocol
 */
export function taggedCommandBytes(command: string): number {
  return Buffer.byteLength(tagCommand(command, '0'.repeat(32)).text, 'utf8');
}
