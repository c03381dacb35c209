import type { Remote } from '../transport';
import type { CommandOutput, LateOutput } from './types';
import type { Unit, UnitDirectory } from './units';

/**
 * A command waiting for its output.
 *
 * @internal
 * @category Coordinator
 */
export interface Waiting {
  /** The unit it was sent to. */
  readonly unit: Unit;
  /** The command as the caller gave it. */
  readonly command: string;
  /** Its nonce, when tagged. */
  readonly nonce?: string;
  /** Called once with its output. */
  readonly answer: (output: CommandOutput) => void;
  /** Called when its output was lost (rejected by the listener): fails the command. */
  readonly lost: (rejection: LostOutput) => void;
}

/**
 * A payload the listener rejected from a unit's address, that may have been an output.
 *
 * @internal
 * @category Coordinator
 */
export interface LostOutput {
  /** Why it was rejected. */
  readonly reason: string;
  /** The listener's message. */
  readonly message: string;
  /** How many bytes had arrived. */
  readonly bytes: number;
}

/**
 * What became of an output.
 * @category Coordinator
 */
export type Matched =
  | { readonly kind: 'answered' }
  | { readonly kind: 'late'; readonly late: LateOutput }
  | { readonly kind: 'unmatched' };

/** How many nonces of finished commands are remembered, to recognise their late outputs. */
const REMEMBERED = 4096;

/**
 * The commands in flight and the rule that pairs an output with one of them:
 * - a tagged output (it ends with a trailer) answers the command with its nonce, only if it came
 *   from that command's unit; a known nonce of a command that stopped waiting makes it `late`;
 * - an untagged output answers the oldest untagged command of its unit (positional rule);
 * - anything else is `unmatched`. An untagged output never answers a tagged command.
 *
 * @internal
 * @category Coordinator
 */
export class CommandBook {
  private readonly tagged = new Map<string, Waiting>();
  private readonly untagged = new Map<Unit, Waiting[]>();
  /** nonce -> the command that stopped waiting, oldest first (bounded). */
  private readonly finished = new Map<string, Omit<LateOutput, 'output'>>();

  /** @param units Which unit an event belongs to. */
  constructor(private readonly units: UnitDirectory) {}

  /** How many commands wait. */
  get size(): number {
    let n = this.tagged.size;
    for (const list of this.untagged.values()) n += list.length;
    return n;
  }

  /**
   * Registers a command before it is sent.
   * @param waiting The command.
   */
  add(waiting: Waiting): void {
    if (waiting.nonce !== undefined) this.tagged.set(waiting.nonce, waiting);
    else {
      const list = this.untagged.get(waiting.unit);
      if (list === undefined) this.untagged.set(waiting.unit, [waiting]);
      else list.push(waiting);
    }
  }

  /**
   * Stops waiting for a command; a later output with its nonce will be `late`.
   * @param waiting The command.
   * @param reason Why it stopped waiting.
   */
  drop(waiting: Waiting, reason: LateOutput['reason']): void {
    if (waiting.nonce !== undefined) {
      if (this.tagged.get(waiting.nonce) !== waiting) return;
      this.tagged.delete(waiting.nonce);
      this.finished.set(waiting.nonce, { unit: waiting.unit.host, command: waiting.command, reason });
      if (this.finished.size > REMEMBERED) this.finished.delete(this.finished.keys().next().value!);
      return;
    }
    const list = this.untagged.get(waiting.unit);
    const i = list?.indexOf(waiting) ?? -1;
    if (list === undefined || i < 0) return;
    list.splice(i, 1);
    if (list.length === 0) this.untagged.delete(waiting.unit);
  }

  /**
   * A payload from the unit was rejected and may have been an output: its tagged commands in
   * flight (any of them may have been answered) and its oldest untagged one are told.
   * @param unit The unit it came from.
   * @param rejection What was rejected.
   */
  lose(unit: Unit, rejection: LostOutput): void {
    const hit: Waiting[] = [];
    for (const waiting of this.tagged.values()) if (waiting.unit === unit) hit.push(waiting);
    const oldest = this.untagged.get(unit)?.[0];
    if (oldest !== undefined) hit.push(oldest);
    for (const waiting of hit) waiting.lost(rejection);
  }

  /**
   * Pairs an output with its command, and answers it.
   * @param event The output event (for a tagged one: trailer removed, `exitCode` added).
   * @param remote The connection's source.
   * @param nonce The nonce of its trailer, when it had one.
   */
  match(event: CommandOutput, remote: Remote, nonce: string | undefined): Matched {
    if (nonce !== undefined) {
      const waiting = this.tagged.get(nonce);
      if (waiting !== undefined) {
        if (!this.units.isAt(waiting.unit, event, remote)) return { kind: 'unmatched' };
        this.tagged.delete(nonce);
        waiting.unit.id = event.id;
        waiting.answer(event);
        return { kind: 'answered' };
      }
      const done = this.finished.get(nonce);
      if (done === undefined) return { kind: 'unmatched' };
      this.finished.delete(nonce);
      return { kind: 'late', late: { ...done, output: event } };
    }
    const unit = this.units.route(event, remote);
    const list = unit === undefined ? undefined : this.untagged.get(unit);
    const first = list?.shift();
    if (first === undefined) return { kind: 'unmatched' };
    if (list!.length === 0) this.untagged.delete(unit!);
    first.answer(event);
    return { kind: 'answered' };
  }
}
