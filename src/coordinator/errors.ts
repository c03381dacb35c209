/**
 * The coordinator was closed ({@link Coordinator.close}) while a command or sequence was queued
 * or waiting, or a command was asked of a closed coordinator.
 *
 * ## Example
 * ```ts
 * coordinator.command(unit, 'uptime').subscribe({ error: (e) => e instanceof CoordinatorClosedError && console.log('closed') });
 * ```
 * @category Errors
 */
export class CoordinatorClosedError extends Error {
  /** Always `'CoordinatorClosedError'`. */
  override readonly name = 'CoordinatorClosedError';
  /** Always `'closed'`. */
  readonly reason = 'closed';

  /**
   * @param what What was stopped, e.g. `command "uptime" to 127.0.0.2`.
   */
  constructor(what: string) {
    super(`the coordinator was closed: ${what}`);
  }
}
