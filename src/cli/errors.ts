import { OutputTimeoutError } from '../operators';
import { SequenceError } from '../sequence';
import { UnsafeAddressError } from '../simulator';
import { ListenError, SendError } from '../transport';
import { EXIT } from './exitCodes';

/**
 * A failure with its exit code and a message meant for the user.
 *
 * ## Example
 * ```ts
 * throw new CliError(EXIT.usage, 'no unit given');
 * ```
 */
export class CliError extends Error {
  /** Always `'CliError'`. */
  override readonly name = 'CliError';
  /**
   * @param exitCode The process exit code.
   * @param message One or more lines for stderr.
   */
  constructor(
    readonly exitCode: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * The exit code for an error: {@link EXIT.unreachable} for a `SendError`, {@link EXIT.portInUse}
 * for a `ListenError` of an address in use, {@link EXIT.timeout} for a missing output, and so on.
 *
 * ## Example
 * ```ts
 * exitCodeOf(new OutputTimeoutError('127.0.0.2', 1000, undefined)); // 6
 * ```
 * @param error Anything thrown.
 */
export function exitCodeOf(error: unknown): number {
  if (error instanceof CliError) return error.exitCode;
  if (error instanceof SendError) return EXIT.unreachable;
  if (error instanceof ListenError) return error.reason === 'in-use' ? EXIT.portInUse : EXIT.failure;
  if (error instanceof OutputTimeoutError) return EXIT.timeout;
  if (error instanceof SequenceError) return EXIT.invalidSequence;
  if (error instanceof UnsafeAddressError) return EXIT.usage;
  return EXIT.failure;
}

/**
 * The message for an error, with a hint on what to do where one helps.
 *
 * ## Example
 * ```ts
 * describeError(new SendError('127.0.0.9', 5000, 'refused', 'ECONNREFUSED', 'connect: ECONNREFUSED'));
 * // 'cannot send to 127.0.0.9:5000: connect: ECONNREFUSED (is the unit on, and is this its address?)'
 * ```
 * @param error Anything thrown.
 */
export function describeError(error: unknown): string {
  if (error instanceof SendError) {
    const hint =
      error.reason === 'refused'
        ? 'is the unit on, and is this its address?'
        : error.reason === 'dns'
          ? 'check the host name'
          : 'is the unit on this network? try `pycom-rx discover`';
    return `${error.message} (${hint})`;
  }
  if (error instanceof ListenError && error.reason === 'in-use')
    return `${error.message}; use --port (0 = any free port) or --host`;
  if (error instanceof OutputTimeoutError)
    return `${error.message}: the unit took the command but sent no output (raise --timeout?)`;
  // the library's own message names its option (allowNonLoopback), which has no flag on purpose
  if (error instanceof UnsafeAddressError)
    return (
      `refusing to bind ${error.host}: a simulated unit runs any shell command it receives, as you, so ` +
      'pycom-rx binds loopback addresses only: give --base a 127.x.y.z address (e.g. --base 127.0.1.2)'
    );
  if (error instanceof Error) return error.message;
  return String(error);
}

/**
 * The error of a command stopped by Ctrl-C ({@link EXIT.interrupted}).
 *
 * ## Example
 * ```ts
 * await interruptible(io.signal, work, interrupted);
 * ```
 */
export function interrupted(): CliError {
  return new CliError(EXIT.interrupted, 'interrupted');
}
