import type { Observable, SchedulerLike, Unsubscribable } from 'rxjs';
import type { RejectReason, Remote } from '../protocol/inbound';
import type { BoardioVerb, Destination, ExecutorResult } from './types';

/**
 * The unit's home, as the engine reads it: boardio reads its sequence files here.
 *
 * ## Example
 * ```ts
 * const files: UnitFiles = { read: (name) => map.get(name) };
 * ```
 * @internal
 */
export interface UnitFiles {
  /**
   * The text of a file of the home, as it is now; `undefined` when there is no such file. Throws
   * when the file exists but cannot be read (the error's `code`, if any, is reported).
   */
  read(name: string): string | undefined;
}

/**
 * Runs one command of the unit: a cold Observable of its one result. Unsubscribing stops the
 * command (it timed out, or the unit rebooted or closed). `boardio` hands a verb to the unit's
 * boardio, as `boardiocli` does.
 *
 * ## Example
 * ```ts
 * const executor: UnitExecutor = (command) => of({ stdout: `${command}\n` });
 * ```
 * @internal
 */
export type UnitExecutor = (
  command: string,
  boardio: (verb: BoardioVerb) => void,
) => Observable<ExecutorResult>;

/**
 * What a unit's listener tells the engine.
 *
 * ## Example
 * ```ts
 * network.listen(5000, { listening, request, rejected, failed });
 * ```
 * @internal
 */
export interface RequestReceiver {
  /** The unit listens, on this port. */
  listening(port: number): void;
  /** One request connection ended with these bytes (the engine decodes them). */
  request(bytes: Uint8Array, remote: Remote): void;
  /** A request connection gave nothing usable (too large, silent...). */
  rejected(reason: RejectReason, message: string, remote: Remote): void;
  /** The unit could not listen (a `ListenError`). */
  failed(error: Error): void;
}

/**
 * The unit's network: pycom's listener, and the short-lived connections events leave on.
 *
 * ## Example
 * ```ts
 * const network: UnitNetwork = { listen: (port, receiver) => bind(port, receiver), deliver: (to, bytes) => connect(to, bytes) };
 * ```
 * @internal
 */
export interface UnitNetwork {
  /**
   * Listens for requests on `port` (0: any free one) of the unit's address, until the returned
   * handle is unsubscribed (which also closes every open request connection).
   */
  listen(port: number, receiver: RequestReceiver): Unsubscribable;
  /**
   * Opens one connection from the unit to `to`, writes `payload` and closes: emits or completes
   * once the coordinator has it, errors (usually with a `SendError`) when it could not be
   * delivered. Cold; unsubscribing abandons the connection.
   */
  deliver(to: Destination, payload: Uint8Array): Observable<unknown>;
}

/**
 * Everything the unit engine gets from outside: one pycom + boardio behaviour, given a clock, a
 * home, a shell and a network. The simulator gives it real time, files, `/bin/sh` and sockets;
 * `pycom-rx/testing` gives it a scheduler (a `TestScheduler` in marble tests), a `Map` and a
 * memory network.
 *
 * ## Example
 * ```ts
 * const environment: UnitEnvironment = { scheduler: asyncScheduler, files, executor, network };
 * ```
 * @internal
 */
export interface UnitEnvironment {
  /** Where time comes from: every timer of the unit, and the `at` of its activity. */
  readonly scheduler: SchedulerLike;
  /** The unit's home. */
  readonly files: UnitFiles;
  /** Runs the commands the unit receives. */
  readonly executor: UnitExecutor;
  /** The unit's listener and its outbound connections. */
  readonly network: UnitNetwork;
}
