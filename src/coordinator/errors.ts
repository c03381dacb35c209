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

/**
 * A unit sent no `unit_info` within the time `unitInfo()` allowed (`timeoutMs`, default
 * {@link UNIT_INFO_TIMEOUT_MS}).
 *
 * pycom sends `unit_info` **once per coordinator**: when the coordinator has said
 * `coordinator: true` and the unit's boardio has started. A unit that already sent it to a
 * coordinator with this id (before a restart of the application with the same `id`, or a
 * delivery that was lost) does not send it again; create the coordinator with a fresh `id`
 * (the default is random), or reboot the unit. A unit still booting sends it once boardio is up.
 *
 * ## Example
 * ```ts
 * coordinator.unitInfo(unit, { timeoutMs: 5000 }).subscribe({
 *   error: (e) => e instanceof UnitInfoTimeoutError && console.warn(e.message),
 * });
 * ```
 * @category Errors
 */
export class UnitInfoTimeoutError extends Error {
  /** Always `'UnitInfoTimeoutError'`. */
  override readonly name = 'UnitInfoTimeoutError';
  /** Always `'timeout'`. */
  readonly reason = 'timeout';

  /**
   * @param unit The unit's address.
   * @param timeoutMs How long it waited, in ms.
   */
  constructor(
    /** The unit's address. */
    readonly unit: string,
    /** How long it waited, in ms. */
    readonly timeoutMs: number,
  ) {
    super(
      `no unit_info from ${unit} within ${timeoutMs} ms: a unit sends it once per coordinator id ` +
        '(after a restart with the same id, or when that one delivery was lost, it does not send it again: ' +
        'use a fresh coordinator id, or reboot the unit)',
    );
  }
}

/**
 * The default time `unitInfo()` waits for a unit's `unit_info`: 15 s, the time pycom takes to
 * forget a silent coordinator.
 * @category Coordinator
 */
export const UNIT_INFO_TIMEOUT_MS = 15_000;

/**
 * The listener rejected a payload that a unit sent while a command of it was in flight (too
 * large, too deeply nested, not JSON, not a valid event): its output is lost, so the command
 * fails at once instead of waiting for its timeout. A tagged command fails when any of its
 * unit's rejected payloads could have been its output; an untagged one when it is the unit's
 * oldest. A later valid output of the command goes to `late$`.
 *
 * ## Example
 * ```ts
 * coordinator.command(unit, 'cat /var/log/big.log').subscribe({
 *   error: (e) => e instanceof OutputRejectedError && console.warn(e.rejection, e.bytes),
 * });
 * ```
 * @category Errors
 */
export class OutputRejectedError extends Error {
  /** Always `'OutputRejectedError'`. */
  override readonly name = 'OutputRejectedError';
  /** Always `'rejected'`. */
  readonly reason = 'rejected';

  /**
   * @param unit The unit's address.
   * @param command The command, as the caller gave it.
   * @param rejection Why the listener rejected the payload (`too-large`, `too-deep`, `json`, ...).
   * @param detail The listener's message.
   * @param bytes How many bytes had arrived.
   */
  constructor(
    /** The unit's address. */
    readonly unit: string,
    /** The command, as the caller gave it. */
    readonly command: string,
    /** Why the listener rejected the payload (`too-large`, `too-deep`, `json`, ...). */
    readonly rejection: string,
    detail: string,
    /** How many bytes had arrived. */
    readonly bytes: number,
  ) {
    super(
      `the output of ${JSON.stringify(command.length > 60 ? `${command.slice(0, 60)}…` : command)} from ${unit} was rejected (${rejection}): ${detail}`,
    );
  }
}

/**
 * A command's output came back cut short: its trailer is missing or incomplete, so its end and
 * its exit status are unknown. The command fails at once instead of waiting for its timeout.
 * An output counts as cut when it ends with the beginning of the command's trailer, or when it
 * is at least the coordinator's `outputCapBytes` (the size at which the unit's pycom cuts
 * outputs, when known: `pycom-rx doctor` measures it) without a whole trailer. Ask for less
 * (`head -c`, `tail`), or write it to a file and read it in parts.
 *
 * ## Example
 * ```ts
 * coordinator.command(unit, 'cat /var/log/syslog').subscribe({
 *   error: (e) => e instanceof OutputTruncatedError && console.warn(e.bytes, e.output.slice(0, 80)),
 * });
 * ```
 * @category Errors
 */
export class OutputTruncatedError extends Error {
  /** Always `'OutputTruncatedError'`. */
  override readonly name = 'OutputTruncatedError';
  /** Always `'truncated'`. */
  readonly reason = 'truncated';
  /** How many UTF-8 bytes of output arrived. */
  readonly bytes: number;

  /**
   * @param unit The unit's address.
   * @param command The command, as the caller gave it.
   * @param output The output as it came, cut.
   * @param capBytes The coordinator's `outputCapBytes`, when set.
   */
  constructor(
    /** The unit's address. */
    readonly unit: string,
    /** The command, as the caller gave it. */
    readonly command: string,
    /** The output as it came, cut (what is left of a trailer included). */
    readonly output: string,
    /** The coordinator's `outputCapBytes`, when set. */
    readonly capBytes?: number,
  ) {
    const bytes = Buffer.byteLength(output, 'utf8');
    const cap = capBytes === undefined ? '' : `, the unit's cap is ${capBytes}`;
    super(
      `the output of ${JSON.stringify(command.length > 60 ? `${command.slice(0, 60)}…` : command)} from ${unit} was truncated (${bytes} bytes arrived${cap}): its end and exit status are lost`,
    );
    this.bytes = bytes;
  }
}
