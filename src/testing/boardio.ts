import { either as E } from 'fp-ts';
import type { SchedulerLike, Subscription } from 'rxjs';
import { parse } from '../sequence/csv';
import type { Sequence } from '../sequence/registers';
import {
  BOARDIO_READY,
  boardioError,
  SEQUENCE_COMPLETE,
  SEQUENCE_FILE,
  STANDALONE_SEQUENCE_FILE,
} from '../simulator/boardio';
import type { ActivityInput, BoardioVerb, Destination, RowDuration } from '../simulator/types';

/**
 * Options of {@link MemoryBoardio}.
 *
 * ## Example
 * ```ts
 * const options: MemoryBoardioOptions = { files, scheduler, rowDurationMs: 100, report, say };
 * ```
 */
export interface MemoryBoardioOptions {
  /** The unit's home, by file name. */
  readonly files: ReadonlyMap<string, string>;
  /** The scheduler rows play on. */
  readonly scheduler: SchedulerLike;
  /** How long each row plays. */
  readonly rowDurationMs: RowDuration;
  /** Where `boardio-verb`, `sequence-loaded` and `sequence-row` activity goes. */
  readonly report: (activity: ActivityInput) => void;
  /** Sends a `message` event to the given coordinators (possibly none). */
  readonly say: (message: string, to: ReadonlyArray<Destination>) => void;
}

/**
 * Checks a sequence file of a memory unit's home, with the same messages as the simulator.
 *
 * ## Example
 * ```ts
 * checkSequenceFile(new Map(), 'la4_sequence.csv'); // Left('la4_sequence.csv not found')
 * ```
 * @param files The unit's home.
 * @param file The file name.
 */
export function checkSequenceFile(
  files: ReadonlyMap<string, string>,
  file: string,
): E.Either<string, Sequence> {
  const text = files.get(file);
  if (text === undefined) return E.left(`${file} not found`);
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
 * The boardio of a memory unit: the simulator's boardio (same verbs, same messages, same order)
 * on a scheduler and an in-memory home. `uSeq` / `uSeqStandalone` load a file and answer
 * `BOARDIO_READY`, or `BOARDIO_ERROR: <reason>` (the previous program then stays loaded); `runSeq` plays the loaded sequence one row per
 * `rowDurationMs`, then answers `Sequence complete`. At boot it runs the standalone file.
 *
 * ## Example
 * ```ts
 * const boardio = new MemoryBoardio({ files, scheduler, rowDurationMs: 10, report, say });
 * boardio.boot([]);
 * boardio.handle('runSeq', coordinator);
 * ```
 */
export class MemoryBoardio {
  private booted = false;
  private stopped = false;
  private pending: Array<{ verb: BoardioVerb; to: Destination }> = [];
  private loaded: Sequence | undefined;
  private playing: Subscription | undefined;

  /**
   * @param options Home, scheduler, row duration, and where activity and messages go.
   */
  constructor(private readonly options: MemoryBoardioOptions) {}

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
    this.playing?.unsubscribe();
    this.pending = [];
    this.loaded = undefined;
  }

  private process(verb: BoardioVerb, to: ReadonlyArray<Destination>): void {
    if (verb === 'uSeq') this.load(SEQUENCE_FILE, to);
    else if (verb === 'uSeqStandalone') this.load(STANDALONE_SEQUENCE_FILE, to);
    else this.run(to);
  }

  private load(file: string, to: ReadonlyArray<Destination>): boolean {
    const result = checkSequenceFile(this.options.files, file);
    if (E.isLeft(result)) {
      // The previous program stays loaded, as in the simulator: a runSeq now would play it.
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
    if (this.playing !== undefined)
      return this.options.say(boardioError('a sequence is already running'), to);
    const { scheduler, rowDurationMs, report, say } = this.options;
    const step = (index: number): void => {
      const row = sequence[index];
      if (row === undefined) {
        this.playing = undefined;
        say(SEQUENCE_COMPLETE, to);
        return;
      }
      report({ kind: 'sequence-row', index, row });
      const ms = typeof rowDurationMs === 'number' ? rowDurationMs : rowDurationMs(row, index);
      this.playing = scheduler.schedule(() => step(index + 1), Number.isFinite(ms) && ms > 0 ? ms : 0);
    };
    step(0);
  }
}
