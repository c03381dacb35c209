import type { PycomEvent } from '../protocol/events';
import type { RejectReason, Remote } from '../protocol/inbound';
import type { PycomRequest } from '../protocol/requests';
import type { Row, Sequence } from '../sequence/registers';
import type { BoardioVerb, CommandOutcome, Destination, KnownCoordinator } from './types';

/**
 * The fields every {@link UnitActivity} carries.
 *
 * ## Example
 * ```ts
 * simulateUnit().events$.subscribe((a) => console.log(new Date(a.at).toISOString(), a.unit, a.kind));
 * ```
 * @category Simulator
 */
export interface ActivityBase {
  /** When it happened, ms since the epoch. */
  readonly at: number;
  /** The id of the unit it happened on. */
  readonly unit: string;
}

/**
 * What each kind of {@link UnitActivity} carries besides `kind`, `at` and `unit`: one entry per
 * `kind`, the one place the activity types come from.
 *
 * ## Example
 * ```ts
 * const bound: ActivityMap['listening'] = { host: '127.0.0.2', port: 5000 };
 * ```
 * @category Simulator
 */
export interface ActivityMap {
  /** The unit listens for requests (at start and after each reboot) on this address and port. */
  listening: { readonly host: string; readonly port: number };
  /** A valid request (heartbeat or command) arrived from `remote`. */
  request: { readonly request: PycomRequest; readonly remote: Remote };
  /**
   * A request connection from `remote` yielded nothing usable (malformed, too large, silent...):
   * ignored, as pycom does. `message` says what was wrong in one readable line.
   */
  'request-rejected': { readonly reason: RejectReason; readonly message: string; readonly remote: Remote };
  /** A coordinator was recorded on its first heartbeat (or its first after being forgotten). */
  'coordinator-added': { readonly coordinator: KnownCoordinator };
  /** A coordinator was forgotten after `coordinatorTimeoutMs` without a heartbeat (as last known). */
  'coordinator-expired': { readonly coordinator: KnownCoordinator };
  /** The hardware became ready (boardio booted): `unit_info` can be sent, the standalone sequence runs. */
  'hardware-ready': Record<never, never>;
  /** A command started running; `from` sent it, and its output goes there. */
  'command-started': { readonly command: string; readonly from: Destination };
  /**
   * A command finished (or timed out after `commandTimeoutMs`), with its {@link CommandOutcome};
   * its `output` event is queued next.
   */
  'command-finished': { readonly command: string; readonly from: Destination } & CommandOutcome;
  /** The simulated boardio took a verb, from the coordinator whose command handed it over (its answers go there). */
  'boardio-verb': { readonly verb: BoardioVerb; readonly from: Destination };
  /**
   * boardio produced a `message` (BOARDIO_READY, BOARDIO_ERROR: ..., Sequence complete), sent `to`
   * these coordinators (possibly none, for a boot message when no coordinator is known).
   */
  'boardio-message': { readonly message: string; readonly to: ReadonlyArray<Destination> };
  /** boardio loaded a sequence `file` of the unit's home (on `uSeq`, `uSeqStandalone`, or at boot). */
  'sequence-loaded': { readonly file: string; readonly sequence: Sequence };
  /** boardio started playing the row at `index` (from 0) of the running sequence. */
  'sequence-row': { readonly index: number; readonly row: Row };
  /** An event was handed over to a coordinator (it accepted the connection, took the bytes and closed). */
  'event-sent': { readonly event: PycomEvent; readonly to: Destination };
  /**
   * An event was not sent because of an injected fault: `drop` (nothing sent), `malformed` (broken
   * JSON sent instead), or `empty` (a connection opened and closed without data instead).
   * `payload` is what was actually written (`''` for `drop` and `empty`).
   */
  'event-faulted': {
    readonly fault: 'drop' | 'malformed' | 'empty';
    readonly event: PycomEvent;
    readonly to: Destination;
    readonly payload: string;
  };
  /**
   * An event (or a faulted replacement) could not be delivered: the coordinator's listener is
   * down, slow or reset the connection; `error` is usually a `SendError` (`refused`, `timeout` or
   * `reset`). The unit goes on.
   */
  'delivery-failed': { readonly event: PycomEvent; readonly to: Destination; readonly error: Error };
  /** The unit is rebooting: coordinators forgotten, commands killed, queued events dropped. */
  reboot: Record<never, never>;
  /** The unit was closed; `events$` completes right after. */
  closed: Record<never, never>;
}

/**
 * A {@link UnitActivity} without the fields the unit adds itself (`at`, `unit`). Internal parts
 * of the simulator report activity in this form.
 *
 * ## Example
 * ```ts
 * const bound: ActivityInput = { kind: 'listening', host: '127.0.0.2', port: 5000 };
 * ```
 * @category Simulator
 */
export type ActivityInput = {
  [K in keyof ActivityMap]: { readonly kind: K } & ActivityMap[K];
}[keyof ActivityMap];

/**
 * Everything a simulated unit does, as a union discriminated by `kind` (see {@link ActivityMap}
 * for what each kind carries).
 *
 * ## Example
 * ```ts
 * simulateUnit().events$.subscribe((a: UnitActivity) => {
 *   if (a.kind === 'delivery-failed') console.warn(a.to, a.error.message);
 * });
 * ```
 * @category Simulator
 */
export type UnitActivity = ActivityInput & ActivityBase;

/**
 * The activity of one kind, e.g. `ActivityOf<'command-finished'>`.
 *
 * ## Example
 * ```ts
 * const finished = simulateUnit().events$.pipe(
 *   filter((a): a is ActivityOf<'command-finished'> => a.kind === 'command-finished'),
 * );
 * ```
 * @category Simulator
 */
export type ActivityOf<K extends keyof ActivityMap> = Extract<UnitActivity, { readonly kind: K }>;
