/**
 * No `output` came back from a unit in time for a command: the error of a coordinator's
 * `command()`, and a value inside an {@link AwaitedOutput} of kind `timeout` (not a stream error).
 *
 * ## Example
 * ```ts
 * coordinator.command(unit, 'sleep 60').subscribe({
 *   error: (e) => e instanceof OutputTimeoutError && console.warn(e.message, e.unit),
 * });
 * ```
 * @category Errors
 */
export class OutputTimeoutError extends Error {
  /** Always `'OutputTimeoutError'`. */
  override readonly name = 'OutputTimeoutError';

  /**
   * @param unit The unit the command was sent to.
   * @param timeoutMs The time allowed for the output, in ms.
   * @param request The request that got no output.
   * @param message Overrides the default message (`no output from unit "…" within … ms`).
   */
  constructor(
    /** The unit the command was sent to. */
    readonly unit: string,
    /** The time allowed for the output, in ms. */
    readonly timeoutMs: number,
    /** The request that got no output. */
    readonly request: unknown,
    message = `no output from unit "${unit}" within ${timeoutMs} ms`,
  ) {
    super(message);
  }
}
