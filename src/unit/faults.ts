import type { FaultControls } from './types';

/**
 * What to do with the next event, as decided by {@link Faults.take}: send it, or replace it by a
 * fault; `delayMs` is the wait before doing so.
 *
 * ## Example
 * ```ts
 * const { action, delayMs } = faults.take();
 * ```
 * @category Simulator
 */
export interface FaultDecision {
  /** `send` normally, or the fault that replaces the event. */
  readonly action: 'send' | 'drop' | 'malformed' | 'empty';
  /** How long to wait first. */
  readonly delayMs: number;
}

function count(n: number | undefined): number {
  const value = n ?? 1;
  if (!Number.isInteger(value) || value < 0)
    throw new RangeError(`fault count must be an integer >= 0, got ${value}`);
  return value;
}

/**
 * The fault state of a simulated unit: the {@link FaultControls} a test uses, plus
 * {@link Faults.take}, which the unit calls once per event it is about to send. Faults are
 * consumed in this order: drop, then malformed, then empty. They survive reboots.
 *
 * ## Example
 * ```ts
 * const faults = new Faults();
 * faults.dropNext(1);
 * faults.take().action; // 'drop'
 * faults.take().action; // 'send'
 * ```
 * @category Simulator
 */
export class Faults implements FaultControls {
  private drops = 0;
  private malformed = 0;
  private empty = 0;
  private delayMs = 0;

  /** {@inheritDoc FaultControls.dropNext} */
  dropNext(n?: number): void {
    this.drops += count(n);
  }

  /** {@inheritDoc FaultControls.malformNext} */
  malformNext(n?: number): void {
    this.malformed += count(n);
  }

  /** {@inheritDoc FaultControls.emptyNext} */
  emptyNext(n?: number): void {
    this.empty += count(n);
  }

  /** {@inheritDoc FaultControls.delay} */
  delay(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`delay must be a finite number >= 0, got ${ms}`);
    this.delayMs = ms;
  }

  /** {@inheritDoc FaultControls.clear} */
  clear(): void {
    this.drops = 0;
    this.malformed = 0;
    this.empty = 0;
    this.delayMs = 0;
  }

  /** Consumes the fault (if any) that applies to the next event. */
  take(): FaultDecision {
    const delayMs = this.delayMs;
    if (this.drops > 0) {
      this.drops--;
      return { action: 'drop', delayMs };
    }
    if (this.malformed > 0) {
      this.malformed--;
      return { action: 'malformed', delayMs };
    }
    if (this.empty > 0) {
      this.empty--;
      return { action: 'empty', delayMs };
    }
    return { action: 'send', delayMs };
  }
}

/**
 * The broken JSON sent instead of an event by a `malformed` fault: the first half of its JSON
 * text, so it starts like a real event but does not parse.
 *
 * ## Example
 * ```ts
 * malformedText('{"a":1,"b":2}'); // '{"a":1,'
 * ```
 * @param json The event's JSON text.
 * @category Simulator
 */
export function malformedText(json: string): string {
  return json.slice(0, Math.max(1, Math.floor(json.length / 2)));
}
