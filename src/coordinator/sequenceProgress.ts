import type { Observable, SchedulerLike } from 'rxjs';
import type { Output, PycomEvent } from '../protocol';
import type { Target } from '../transport/send';
import type { CompletionRules } from './completionRules';
import { OutputTimeoutError } from '../operators/awaitOutput';
import { ListenError, SendError } from '../transport/errors';
import { OutputRejectedError } from './errors';

/**
 * One step of {@link Coordinator.runSequence} on one unit. The steps `uploaded`, `loaded`, `started`,
 * `completed` always come in this order, whatever order the unit's answers arrived in; `message`
 * items may come in between; `failed` ends it.
 * - `uploaded`: the upload command's output arrived (`output` is what it printed, boardiocli's
 *   line; `exitCode` when the runner reports exit statuses);
 * - `loaded`: boardio answered `BOARDIO_READY` to the load (by the {@link CompletionRules}:
 *   the first message of `loadedOn`);
 * - `started`: the separate `boardiocli runSeq` command's output arrived (and the start message,
 *   when the rules' `startedOn` names one);
 * - `completed`: boardio sent `Sequence complete` (a message of `completedOn`), or, with
 *   `completedBy: 'quiet'`, the unit stayed quiet for `quietMs` after `started` (`by: 'quiet'`);
 * - `message`: a `message` event from the unit that is not the answer being waited for (text that
 *   is no boardio report, a report about the standalone file during a normal upload, the end of
 *   an earlier run...), reported rather than dropped;
 * - `failed`: a step failed (`failedStep` says which) with a `reason` code and a `message`;
 *   nothing follows.
 *
 * ## Example
 * ```ts
 * coordinator.runSequence(unit, sequence).subscribe((p: SequenceProgress) =>
 *   console.log(p.unit, p.step, p.step === 'failed' ? `${p.failedStep}: ${p.message}` : ''),
 * );
 * ```
 * @category Coordinator
 */
export type SequenceProgress =
  | {
      /** The unit's host. */ readonly unit: string;
      /** The upload command ran. */ readonly step: 'uploaded';
      /** What it printed. */ readonly output: string;
      /** Its exit status, when the runner knows it (tagged commands). */ readonly exitCode?: number;
    }
  | {
      /** The unit's host. */ readonly unit: string;
      /** boardio loaded the sequence. */ readonly step: 'loaded';
      /** What followed `BOARDIO_READY`, if anything. */ readonly detail: string;
    }
  | {
      /** The unit's host. */ readonly unit: string;
      /** `boardiocli runSeq` ran. */ readonly step: 'started';
      /** What it printed. */ readonly output: string;
      /** Its exit status, when the runner knows it (tagged commands). */ readonly exitCode?: number;
    }
  | {
      /** The unit's host. */ readonly unit: string;
      /** The sequence finished playing. */ readonly step: 'completed';
      /**
       * How that was decided: absent when a completion message came; `'quiet'` when the rules'
       * `completedBy: 'quiet'` decided it (no message says the sequence ended).
       */
      readonly by?: 'quiet';
    }
  | {
      /** The unit's host. */ readonly unit: string;
      /** A message that answers nothing being waited for. */ readonly step: 'message';
      /** Its text. */ readonly message: string;
    }
  | {
      /** The unit's host. */ readonly unit: string;
      /** A step failed; nothing follows. */ readonly step: 'failed';
      /** Which step failed; see {@link SequenceStep}. */ readonly failedStep: SequenceStep;
      /** What kind of failure, a code for programs; see {@link SequenceFailureReason}. */
      readonly reason: SequenceFailureReason;
      /** What happened, in one line, for people. */ readonly message: string;
    };

/**
 * Why a sequence step failed, as a code (the item's `message` says it in words):
 * - `invalid`: the sequence or the path was refused before anything was sent (the message says
 *   which row or why);
 * - `unreachable`: a command could not be sent (a `SendError`);
 * - `listen`: the coordinator's listener could not bind (a `ListenError`);
 * - `timeout`: an answer (a command's output, BOARDIO_READY, Sequence complete) did not come in time;
 * - `boardio`: boardio answered `BOARDIO_ERROR` (the message is its text);
 * - `output`: a command's output shows it failed (a non-zero exit status), or, when no answer
 *   came, does not show boardiocli's line (e.g. `boardiocli: not found`);
 * - `no-completion-message`: the run started (its output in, no `BOARDIO_ERROR`) but the message
 *   the rules wait for (`Sequence complete`) did not come within `runTimeoutMs`: the sequence
 *   may well have played on a unit that does not send it (see {@link CompletionRules}).
 *
 * ## Example
 * ```ts
 * coordinator.runSequence(unit, sequence).subscribe((p) => {
 *   if (p.step === 'failed' && p.reason === 'boardio') console.error(`boardio refused: ${p.message}`);
 * });
 * ```
 * @category Coordinator
 */
export type SequenceFailureReason =
  'invalid' | 'unreachable' | 'listen' | 'timeout' | 'boardio' | 'output' | 'no-completion-message';

/**
 * The steps of {@link Coordinator.runSequence} that can fail, in order: `upload` (the upload
 * command, with `boardiocli uSeq`), `load` (boardio's answer to the load), `run` (`boardiocli
 * runSeq` and `Sequence complete`). A `failed` item names one in `failedStep`.
 *
 * ## Example
 * ```ts
 * const done = (s: SequenceStep) => ['upload', 'load', 'run'].indexOf(s); // steps passed before it
 * ```
 * @category Coordinator
 */
export type SequenceStep = 'upload' | 'load' | 'run';

/**
 * Options of {@link Coordinator.runSequence}.
 *
 * ## Example
 * ```ts
 * coordinator.runSequence('127.0.0.2', sequence, { stepTimeoutMs: 5000, runTimeoutMs: 120_000 });
 * ```
 * @category Coordinator
 */
export interface RunSequenceOptions {
  /**
   * Time allowed for each command's output (passed to the runner as `timeoutMs`), and for
   * boardio's answer to the load once the upload's output is in (the rules' `loadTimeoutMs`,
   * unless `completion` sets that). Default 10 000 ms.
   */
  readonly stepTimeoutMs?: number;
  /**
   * Time allowed from sending `boardiocli runSeq` to `completed`: the rules' `runTimeoutMs`,
   * unless `completion` sets that. Default 60 000 ms.
   */
  readonly runTimeoutMs?: number;
  /**
   * What counts as loaded, started and completed, for this call: overrides of the coordinator's
   * rules (its `completion` option), themselves overrides of {@link COMPLETION_RULES}, field by
   * field. Checked when the call is made.
   */
  readonly completion?: Partial<CompletionRules>;
  /**
   * Upload as the standalone sequence (`uSeqStandalone`), run by boardio at every boot. Default
   * `false`.
   */
  readonly standalone?: boolean;
  /**
   * Start the sequence (`runSeq`) once boardio confirmed the load. Default `true`, or `false` with
   * `standalone` (which sequence `runSeq` plays after `uSeqStandalone` is not documented).
   */
  readonly run?: boolean;
  /**
   * Where to write the file. Default `~/la4_sequence.csv`, or
   * `/home/rigsters/la4_sequence_standalone.csv` with `standalone` (the vendor's paths; see
   * `uploadCommand`).
   */
  readonly path?: string;
  /** Where the timeouts' time comes from. Default: RxJS's `asyncScheduler`. */
  readonly scheduler?: SchedulerLike;
}

/**
 * The defaults of {@link RunSequenceOptions}.
 *
 * ## Example
 * ```ts
 * runSequence(coordinator, unit, seq, { runTimeoutMs: RUN_SEQUENCE_DEFAULTS.runTimeoutMs * 2 });
 * ```
 * @category Coordinator
 */
export const RUN_SEQUENCE_DEFAULTS = {
  /** 10 s per command output, and for BOARDIO_READY after the upload's output. */
  stepTimeoutMs: 10_000,
  /** 60 s from `runSeq` to `Sequence complete`. */
  runTimeoutMs: 60_000,
} as const;

/**
 * What {@link Coordinator.runSequence} needs to reach a unit: a way to run one shell command on it and get
 * its output, and its events. A coordinator has both; the coordinator's own `runSequence` passes
 * an unqueued `command`, since it queues the whole sequence with the unit's commands.
 *
 * ## Example
 * ```ts
 * const runner: SequenceRunner = {
 *   command: (unit, shellCommand, { timeoutMs }) => coordinator.command(unit, shellCommand, { timeoutMs }),
 *   eventsFrom: (unit) => coordinator.eventsFrom(unit),
 * };
 * ```
 * @category Coordinator
 */
export interface SequenceRunner {
  /** Sends one shell command to the unit and emits its output (with the exit status if known), then completes. */
  command(
    target: Target,
    shellCommand: string,
    options: { readonly timeoutMs: number },
  ): Observable<Output & { readonly exitCode?: number }>;
  /** The unit's events (subscribed before anything is sent). */
  eventsFrom(target: Target): Observable<PycomEvent>;
}

/** One line of a command's text, for failure messages. @internal */
export const oneLine = (text: string) => text.trim().replace(/\s*\n\s*/g, ' | ');
/** An error's message. @internal */
export const messageOf = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** The failure reason of a runner's error, or `undefined` for an error it does not know. @internal */
export function reasonOf(e: unknown): SequenceFailureReason | undefined {
  if (e instanceof SendError) return 'unreachable';
  if (e instanceof ListenError) return 'listen';
  if (e instanceof OutputTimeoutError || (e instanceof Error && e.name === 'TimeoutError')) return 'timeout';
  if (e instanceof OutputRejectedError) return 'output';
  return undefined;
}
