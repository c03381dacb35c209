import { either as E } from 'fp-ts';
import { OptionError } from '../validation/checkOptions';
import type { SchedulerLike, Subscription } from 'rxjs';
import type { Sequence } from '../sequence/registers';
import type { ActivityInput } from './activity';
import type { UnitFiles } from './environment';
import type { BoardioQuirks } from './options';
import { readSequenceFile, SEQUENCE_FILE, STANDALONE_SEQUENCE_FILE } from './sequenceFile';
import type { BoardioVerb, Destination, RowDuration } from './types';

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
 * The message a boardio with the `'per-row'` quirk sends as each row starts playing.
 *
 * ## Example
 * ```ts
 * boardioRow(1, 3); // 'BOARDIO_ROW 1/3'
 * ```
 * @param row The row's number, from 1.
 * @param rows How many rows the sequence has.
 * @category Simulator
 */
export function boardioRow(row: number, rows: number): string {
  return `BOARDIO_ROW ${row}/${rows}`;
}

const RUN_SEQ_QUIRKS: ReadonlyArray<unknown> = ['vendor', 'ready-only', 'per-row', 'no-completion'];

/**
 * Checks a unit's {@link BoardioQuirks} when the unit is created.
 *
 * ## Example
 * ```ts
 * checkBoardioQuirks({ runSeq: 'sometimes' }); // throws OptionError naming boardioQuirks.runSeq
 * ```
 * @internal
 * @param quirks The option as given (`undefined` passes).
 * @throws OptionError for anything but an object with a known `runSeq`.
 */
export function checkBoardioQuirks(quirks: unknown): void {
  if (quirks === undefined) return;
  if (typeof quirks !== 'object' || quirks === null || Array.isArray(quirks))
    throw new OptionError('boardioQuirks', 'type', quirks, 'an object');
  const { runSeq } = quirks as BoardioQuirks;
  if (runSeq !== undefined && !RUN_SEQ_QUIRKS.includes(runSeq))
    throw new OptionError(
      'boardioQuirks.runSeq',
      'type',
      runSeq,
      RUN_SEQ_QUIRKS.map((q) => `'${String(q)}'`).join(', '),
    );
}

const VERBS: ReadonlySet<string> = new Set<BoardioVerb>(['uSeq', 'uSeqStandalone', 'runSeq']);

/**
 * Tells whether a string is a {@link BoardioVerb}.
 *
 * ## Example
 * ```ts
 * isBoardioVerb('runSeq'); // true
 * ```
 * @internal
 * @param verb Any string.
 */
export function isBoardioVerb(verb: string): verb is BoardioVerb {
  return VERBS.has(verb);
}

/**
 * Options of {@link Boardio}.
 *
 * ## Example
 * ```ts
 * const options: BoardioOptions = { files, scheduler, rowDurationMs: 100, report, say: (m, to) => send(m, to) };
 * ```
 * @internal
 */
export interface BoardioOptions {
  /** The unit's home, where the sequence files are read. */
  readonly files: UnitFiles;
  /** The scheduler rows play on. */
  readonly scheduler: SchedulerLike;
  /** How long each row plays. */
  readonly rowDurationMs: RowDuration;
  /** Where `boardio-verb`, `sequence-loaded` and `sequence-row` activity goes. */
  readonly report: (activity: ActivityInput) => void;
  /** Sends a `message` event to the given coordinators (possibly none). */
  readonly say: (message: string, to: ReadonlyArray<Destination>) => void;
  /** Where it answers differently from the vendor's examples. Default `{}`. */
  readonly quirks?: BoardioQuirks;
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
 *   loaded. With `quirks.runSeq` it says something else while and after it plays (see
 *   {@link BoardioQuirks}), for the standalone sequence at boot too.
 *
 * Verbs handed over before {@link Boardio.boot} wait until then. At boot it loads and runs the
 * standalone file, telling the coordinators given to `boot` (those known at that moment), or
 * reports its non-fatal `BOARDIO_ERROR` when the file is missing, empty or invalid.
 *
 * ## Example
 * ```ts
 * const boardio = new Boardio({ files, scheduler, rowDurationMs: 10, report, say });
 * boardio.boot([]);
 * boardio.handle('uSeq', coordinator);
 * boardio.handle('runSeq', coordinator);
 * ```
 * @internal
 */
export class Boardio {
  private booted = false;
  private stopped = false;
  private pending: Array<{ verb: BoardioVerb; to: Destination }> = [];
  private loaded: Sequence | undefined;
  private playing: Subscription | undefined;

  /**
   * @param options Home, scheduler, row duration, and where activity and messages go.
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
    const result = readSequenceFile(this.options.files, file);
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
    if (this.playing !== undefined)
      return this.options.say(boardioError('a sequence is already running'), to);
    const { scheduler, rowDurationMs, report, say } = this.options;
    const quirk = this.options.quirks?.runSeq ?? 'vendor';
    if (quirk === 'ready-only') say(BOARDIO_READY, to);
    const step = (index: number): void => {
      const row = sequence[index];
      if (row === undefined) {
        this.playing = undefined;
        if (quirk === 'vendor' || quirk === 'per-row') say(SEQUENCE_COMPLETE, to);
        return;
      }
      report({ kind: 'sequence-row', index, row });
      if (quirk === 'per-row') say(boardioRow(index + 1, sequence.length), to);
      const ms = typeof rowDurationMs === 'number' ? rowDurationMs : rowDurationMs(row, index);
      this.playing = scheduler.schedule(() => step(index + 1), Number.isFinite(ms) && ms > 0 ? ms : 0);
    };
    step(0);
  }
}
