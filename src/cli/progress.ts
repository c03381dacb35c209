import { UNIT_COLUMN } from './format';
import type { OutputStream } from './io';

/**
 * A display of one status line per key (per unit): on a terminal, the lines are redrawn in
 * place; otherwise each change is printed as a new line `key  status`. Nothing else may be
 * written to the same terminal between the first `set` and `close`.
 *
 * ## Example
 * ```ts
 * const board = new ProgressBoard(io.stdout, ['127.0.0.2', '127.0.0.3'], 'waiting');
 * board.set('127.0.0.2', 'uploading');
 * board.close();
 * ```
 */
export class ProgressBoard {
  private readonly lines = new Map<string, string>();
  private readonly keys: string[];
  private readonly width: number;
  private drawn = 0;
  private closed = false;

  /**
   * @param out Where to draw.
   * @param keys The lines, in display order.
   * @param initial The status every line starts with, drawn at once.
   * @param live Redraw in place; default: `out.isTTY`.
   */
  constructor(
    private readonly out: OutputStream,
    keys: ReadonlyArray<string>,
    initial: string,
    private readonly live = out.isTTY === true,
  ) {
    this.keys = [...keys];
    this.width = Math.max(...keys.map((k) => k.length), UNIT_COLUMN);
    for (const key of keys) this.lines.set(key, initial);
    if (live) this.redraw();
    else for (const key of keys) out.write(`${this.row(key)}\n`);
  }

  /**
   * Sets the status of a key; prints or redraws when it changed.
   *
   * @param key One of the keys given to the constructor (others are added at the end).
   * @param status The new status, one line.
   */
  set(key: string, status: string): void {
    if (this.closed || this.lines.get(key) === status) return;
    if (!this.lines.has(key)) this.keys.push(key);
    this.lines.set(key, status);
    if (this.live) this.redraw();
    else this.out.write(`${this.row(key)}\n`);
  }

  /** Stops updating; on a terminal the last state stays on screen. Idempotent. */
  close(): void {
    this.closed = true;
  }

  private row(key: string): string {
    return `${key.padEnd(this.width)}  ${this.lines.get(key) ?? ''}`;
  }

  private redraw(): void {
    const columns = this.out.columns ?? 0;
    const fit = (s: string) => (columns > 1 && s.length >= columns ? `${s.slice(0, columns - 2)}…` : s);
    const up = this.drawn > 0 ? `\x1b[${this.drawn}A` : '';
    const body = this.keys.map((key) => `\r\x1b[2K${fit(this.row(key))}\n`).join('');
    this.out.write(up + body);
    this.drawn = this.keys.length;
  }
}
