/**
 * A command waiting for its `output`: what the `request$` of {@link awaitOutput} emits must
 * extend it. Add whatever else you need (the command text, an id of your own): it is handed back
 * unchanged in the result.
 *
 * ## Example
 * ```ts
 * const { text, nonce } = tagCommand('uptime'); // send `text` as the command
 * const pending: PendingCommand & { command: string } = { unit: '192.168.0.23', nonce, command: 'uptime' };
 * ```
 * @category Operators
 */
export interface PendingCommand {
  /** The unit the command was sent to: its address (as `remote.address` reads), or whatever `unitOf` returns. */
  readonly unit: string;
  /** The nonce of a command tagged with `tagCommand`; absent for an untagged command. */
  readonly nonce?: string;
  /** How long to wait for the output, in ms (`Infinity`: forever); the operator's default when absent. */
  readonly timeoutMs?: number;
}
