/**
 * Where a command writes: `process.stdout` / `process.stderr`, or a test double.
 */
export interface OutputStream {
  /** Writes text as is (add the `\n` yourself). */
  write(text: string): unknown;
  /** `true` when a terminal is attached: progress is then redrawn in place. */
  readonly isTTY?: boolean;
  /** The terminal's width in characters, when known. */
  readonly columns?: number;
}

/**
 * Everything a command touches outside its arguments: its output streams, the interrupt signal
 * (Ctrl-C), the working directory and the clock. `main.ts` wires it to the process; tests may
 * pass their own.
 */
export interface CliIO {
  /** Results: events, outputs, units. */
  readonly stdout: OutputStream;
  /** Status, progress and errors. */
  readonly stderr: OutputStream;
  /**
   * Aborted on Ctrl-C (SIGINT) or SIGTERM (the reason is the signal's name), or with the reason
   * {@link OUTPUT_CLOSED} when stdout's reader went away.
   */
  readonly signal: AbortSignal;
  /** Resolves relative file names. */
  readonly cwd: string;
  /** The current time in ms (for elapsed times). */
  now(): number;
  /**
   * Records what the command is doing now (see {@link stage}), so that an interruption can say
   * what it cut short. Set by `runCli`; optional for callers.
   */
  readonly stage?: (what: string | (() => string)) => void;
}

/**
 * The abort reason `main.ts` gives when stdout's reader went away (`pycom-rx listen | head`):
 * the command stops, but that is not an interruption.
 */
export const OUTPUT_CLOSED = 'output-closed';

/**
 * Tells what a command is doing now, e.g. `waiting for the output of "uptime" from 192.168.0.23`;
 * a function is asked only when needed (for counts that change). On Ctrl-C, `pycom-rx` prints
 * `pycom-rx: interrupted by Ctrl-C (<command>) while <stage>` and exits 130.
 *
 * ## Example
 * ```ts
 * stage(io, () => `listening on 0.0.0.0:5000 (${received} events so far)`);
 * ```
 * @param io The command's IO.
 * @param what The stage, in words that follow "while".
 */
export function stage(io: CliIO, what: string | (() => string)): void {
  io.stage?.(what);
}

/**
 * Resolves when `signal` is aborted (at once if it already is).
 *
 * @param signal The interrupt signal of {@link CliIO}.
 */
export function whenAborted(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener('abort', () => resolve(), { once: true });
  });
}

/**
 * Races a promise against Ctrl-C: rejects with `onAbort()` when the signal is aborted first.
 *
 * ## Example
 * ```ts
 * const output = await interruptible(io.signal, firstValueFrom(command$), () => new CliError(130, 'interrupted'));
 * ```
 * @param signal The interrupt signal of {@link CliIO}.
 * @param promise The work.
 * @param onAbort The error to reject with when interrupted.
 */
export function interruptible<T>(signal: AbortSignal, promise: Promise<T>, onAbort: () => Error): Promise<T> {
  return Promise.race([
    promise,
    whenAborted(signal).then((): T => {
      throw onAbort();
    }),
  ]);
}

/**
 * Writes one line (a `\n` is added).
 *
 * @param stream Where to write.
 * @param text The line, without its `\n`.
 */
export function writeLine(stream: OutputStream, text = ''): void {
  stream.write(`${text}\n`);
}
