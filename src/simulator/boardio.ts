import * as fs from 'node:fs';
import * as path from 'node:path';
import { either as E } from 'fp-ts';
import { parse } from '../sequence/csv';
import type { Sequence } from '../sequence/registers';
import type { ActivityInput, BoardioVerb, Destination, RowDuration } from './types';

/**
 * The file `boardiocli uSeq` loads, in the unit's home.
 * @category Simulator
 */
export const SEQUENCE_FILE = 'la4_sequence.csv';

/**
 * The file `boardiocli uSeqStandalone` loads and boardio runs at boot, in the unit's home.
 * @category Simulator
 */
export const STANDALONE_SEQUENCE_FILE = 'la4_sequence_standalone.csv';

/**
 * The message boardio sends when a sequence file loaded.
 * @category Simulator
 */
export const BOARDIO_READY = 'BOARDIO_READY';

/**
 * The message boardio sends when a sequence finished playing.
 * @category Simulator
 */
export const SEQUENCE_COMPLETE = 'Sequence complete';

/**
 * The message boardio sends on failure: `BOARDIO_ERROR: <reason>`.
 *
 * ## Example
 * ```ts
 * boardioError('no sequence loaded'); // 'BOARDIO_ERROR: no sequence loaded'
 * ```
 * @param reason A short reason.
 * @category Simulator
 */
export function boardioError(reason: string): string {
  return `BOARDIO_ERROR: ${reason}`;
}

/**
 * Options of {@link Boardio}.
 *
 * ## Example
 * ```ts
 * const options: BoardioOptions = { home, rowDurationMs: 100, report, say: (m, to) => send(m, to) };
 * ```
 * @category Simulator
 */
export interface BoardioOptions {
  /** The unit's home, where the sequence files are read. */
  readonly home: string;
  /** How long each row plays. */
  readonly rowDurationMs: RowDuration;
  /** Where `boardio-verb`, `sequence-loaded` and `sequence-row` activity goes. */
  readonly report: (activity: ActivityInput) => void;
  /** Sends a `message` event to the given coordinators (possibly none). */
  readonly say: (message: string, to: ReadonlyArray<Destination>) => void;
}

/**
 * Reads and checks a sequence file of the unit's home with the library's CSV `parse`. Reads
 * synchronously, so the file is taken as it is at the moment boardio gets the verb.
 *
 * ## Example
 * ```ts
 * const r = readSequenceFile(home, 'la4_sequence.csv');
 * if (E.isLeft(r)) console.log(r.left); // 'la4_sequence.csv line 2: ALL_4_CANON shutterMs: 110 is out of range 0..109'
 * ```
 * @param home The unit's home.
 * @param file The file name.
 * @return `Right` with the rows, or `Left` with a short reason naming the file (and line).
 * @category Simulator
 */
export function readSequenceFile(home: string, file: string): E.Either<string, Sequence> {
  let text: string;
  try {
    text = fs.readFileSync(path.join(home, file), 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return E.left(code === 'ENOENT' ? `${file} not found` : `cannot read ${file} (${code ?? String(e)})`);
  }
  const parsed = parse(text);
  if (E.isLeft(parsed)) {
    const [first, ...others] = parsed.left;
    const more = others.length > 0 ? ` (and ${others.length} more)` : '';
    return E.left(`${file} line ${first?.line ?? 0}: ${first?.message ?? 'invalid'}${more}`);
  }
  if (parsed.right.length === 0) return E.left(`${file} is empty`);
  return E.right(parsed.right);
}

/**
 * The simulated boardio: the process that loads sequence files into the light array's firmware
 * and plays them. It takes the verbs `boardiocli` hands over, in order, and answers with
 * `message` events to the coordinator whose command handed the verb over:
 *
 * - `uSeq` / `uSeqStandalone`: read `la4_sequence.csv` / `la4_sequence_standalone.csv` as it is
 *   at that moment; on success that sequence becomes the loaded one and `BOARDIO_READY` is sent;
 *   otherwise `BOARDIO_ERROR: <file> line <n>: <problem>` (or `... not found`, `... is empty`) is
 *   sent and the **previously loaded sequence stays loaded**, as a real boardio may keep it: a
 *   `runSeq` after a refused load plays the old program (a client must not send one).
 * - `runSeq`: plays the loaded sequence, one row per `rowDurationMs`, then sends
 *   `Sequence complete`; `BOARDIO_ERROR: no sequence loaded (send uSeq first)` when there is
 *   none, `BOARDIO_ERROR: a sequence is already running` while one plays. The sequence stays
 *   loaded.
 *
 * Verbs handed over before {@link Boardio.boot} wait until then. At boot it loads and runs the
 * standalone file, telling the coordinators given to `boot` (those known at that moment), or
 * reports its non-fatal `BOARDIO_ERROR` when the file is missing, empty or invalid.
 *
 * ## Example
 * ```ts
 * const boardio = new Boardio({ home, rowDurationMs: 10, report, say });
 * boardio.boot([]);
 * boardio.handle('uSeq', coordinator);
 * boardio.handle('runSeq', coordinator);
 * ```
 * @category Simulator
 */
export class Boardio {
  private booted = false;
  private stopped = false;
  private pending: Array<{ verb: BoardioVerb; to: Destination }> = [];
  private loaded: Sequence | undefined;
  private timer: NodeJS.Timeout | undefined;
  private playing = false;

  /**
   * @param options Home, row duration, and where activity and messages go.
   */
  constructor(private readonly options: BoardioOptions) {}

  /**
   * Takes a verb from a command of the coordinator `to`.
   * @param verb The verb.
   * @param to Where boardio's answers go.
   */
  handle(verb: BoardioVerb, to: Destination): void {
    if (this.stopped) return;
    this.options.report({ kind: 'boardio-verb', verb, from: to });
    if (this.booted) this.process(verb, [to]);
    else this.pending.push({ verb, to });
  }

  /**
   * The hardware is ready: run the standalone sequence, then the verbs that waited.
   * @param known The coordinators known now: they get the standalone sequence's messages.
   */
  boot(known: ReadonlyArray<Destination>): void {
    if (this.stopped || this.booted) return;
    this.booted = true;
    if (this.load(STANDALONE_SEQUENCE_FILE, known)) this.run(known);
    for (const { verb, to } of this.pending) this.process(verb, [to]);
    this.pending = [];
  }

  /** Stops playing, forgets everything and ignores what comes later. */
  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.pending = [];
    this.loaded = undefined;
  }

  private process(verb: BoardioVerb, to: ReadonlyArray<Destination>): void {
    if (verb === 'uSeq') this.load(SEQUENCE_FILE, to);
    else if (verb === 'uSeqStandalone') this.load(STANDALONE_SEQUENCE_FILE, to);
    else this.run(to);
  }

  private load(file: string, to: ReadonlyArray<Destination>): boolean {
    const result = readSequenceFile(this.options.home, file);
    if (E.isLeft(result)) {
      // The previous program stays loaded: a runSeq now would play it.
      this.options.say(boardioError(result.left), to);
      return false;
    }
    this.loaded = result.right;
    this.options.report({ kind: 'sequence-loaded', file, sequence: result.right });
    this.options.say(BOARDIO_READY, to);
    return true;
  }

  private run(to: ReadonlyArray<Destination>): void {
    const sequence = this.loaded;
    if (sequence === undefined)
      return this.options.say(boardioError('no sequence loaded (send uSeq first)'), to);
    if (this.playing) return this.options.say(boardioError('a sequence is already running'), to);
    this.playing = true;
    const step = (index: number) => {
      if (this.stopped) return;
      const row = sequence[index];
      if (row === undefined) {
        this.playing = false;
        this.timer = undefined;
        this.options.say(SEQUENCE_COMPLETE, to);
        return;
      }
      this.options.report({ kind: 'sequence-row', index, row });
      const duration = this.options.rowDurationMs;
      const ms = typeof duration === 'number' ? duration : duration(row, index);
      this.timer = setTimeout(() => step(index + 1), Number.isFinite(ms) && ms > 0 ? ms : 0);
    };
    step(0);
  }
}
