import { EXIT } from './exitCodes';
import { type CliIO, OUTPUT_CLOSED, writeLine } from './io';

/** How long an interrupted command may take to clean up before `pycom-rx` exits anyway. */
export const CLEANUP_GRACE_MS = 5_000;

/**
 * Whether the signal was aborted by an interruption (Ctrl-C, SIGTERM, a test's `abort()`), as
 * opposed to stdout's reader going away.
 *
 * @param signal The interrupt signal of {@link CliIO}.
 */
export function isInterruption(signal: AbortSignal): boolean {
  return signal.aborted && signal.reason !== OUTPUT_CLOSED;
}

function byWhat(signal: AbortSignal): string {
  const reason: unknown = signal.reason;
  if (reason === 'SIGINT') return 'by Ctrl-C';
  if (typeof reason === 'string' && reason.startsWith('SIG')) return `by ${reason}`;
  return 'by Ctrl-C';
}

/**
 * Remembers which command runs and what it is doing (the stages commands report through
 * `io.stage`), to say what an interruption cut short.
 */
export class StageTracker {
  private command: string | undefined;
  private doing: string | (() => string) | undefined;
  /** The IO to give the commands: the caller's, with `stage` recorded here (and passed on). */
  readonly io: CliIO;

  constructor(io: CliIO) {
    this.io = {
      ...io,
      stage: (what) => {
        this.doing = what;
        io.stage?.(what);
      },
    };
  }

  /** The command whose action starts now. */
  started(command: string): void {
    this.command = command;
    this.doing ??= `starting ${command}`;
  }

  /** One line saying what was interrupted, e.g. `listen interrupted by Ctrl-C while listening on ...`. */
  describe(signal: AbortSignal): string {
    if (this.command === undefined) return `interrupted ${byWhat(signal)} before a command started`;
    let doing: string;
    try {
      doing = typeof this.doing === 'function' ? this.doing() : (this.doing ?? `running ${this.command}`);
    } catch {
      doing = `running ${this.command}`;
    }
    return `${this.command} interrupted ${byWhat(signal)} while ${doing}`;
  }
}

/**
 * Waits for a command, or for its interruption: on Ctrl-C (at any stage: binding, sending,
 * waiting, playing a sequence, cleaning up), says what was interrupted at once, gives the
 * command up to {@link CLEANUP_GRACE_MS} to release what it holds, and resolves
 * {@link EXIT.interrupted} whatever the command itself returns. Stdout's reader going away is
 * not an interruption: the command's own code stands.
 *
 * @param start Starts the command, resolving its exit code (never rejecting); called once the
 * interruption is watched, so that the stage is read before the command reacts to the signal.
 * @param io The caller's IO (its `signal` and `stderr`).
 * @param tracker What the command was doing.
 */
export async function untilDoneOrInterrupted(
  start: () => Promise<number>,
  io: CliIO,
  tracker: StageTracker,
): Promise<number> {
  const { signal } = io;
  let onAbort: (() => void) | undefined;
  // what was going on is read at the moment of the interruption, before the command reacts to it
  const interrupted = new Promise<{ line: string }>((resolve) => {
    onAbort = () => {
      if (isInterruption(signal)) resolve({ line: tracker.describe(signal) });
    };
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort);
  });
  const work = start();
  const first = await Promise.race([work, interrupted]);
  if (onAbort !== undefined) signal.removeEventListener('abort', onAbort);
  if (typeof first === 'number') return first;
  writeLine(io.stderr, `pycom-rx: ${first.line}`);
  let timer: ReturnType<typeof setTimeout> | undefined;
  const cleaned = await Promise.race([
    work.then(() => true),
    new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), CLEANUP_GRACE_MS))),
  ]);
  clearTimeout(timer);
  if (!cleaned)
    writeLine(io.stderr, `pycom-rx: still cleaning up after ${CLEANUP_GRACE_MS / 1000} s; exiting anyway`);
  return EXIT.interrupted;
}
