import type { AddressInfo } from 'node:net';
import {
  asyncScheduler,
  BehaviorSubject,
  catchError,
  defer,
  EMPTY,
  filter,
  finalize,
  map,
  mergeMap,
  Observable,
  of,
  type OperatorFunction,
  share,
  Subject,
  type Subscriber,
  take,
  takeUntil,
  timer,
} from 'rxjs';
import type { Command, Identity, Output, PycomEvent, UnitInfo } from '../protocol';
import {
  resolveTarget,
  tcpTransport,
  type Inbound,
  type LocalAddress,
  type Rejected,
  type Target,
} from '../transport';
import { publishCommand } from '../diagnostics';
import { OptionError } from '../validation/checkOptions';
import { ofType, OutputTimeoutError } from '../operators';
import type { Sequence } from '../sequence/registers';
import {
  runSequence as runSequenceSteps,
  type RunSequenceOptions,
  type SequenceProgress,
} from './runSequence';
import { after } from './after';
import {
  checkCommandOptions,
  checkRunSequenceOptions,
  checkShellCommand,
  checkUnitInfoOptions,
} from './callOptions';
import { CommandBook, type Waiting } from './commands';
import {
  CoordinatorClosedError,
  OutputRejectedError,
  UNIT_INFO_TIMEOUT_MS,
  UnitInfoTimeoutError,
} from './errors';
import { Heartbeats } from './heartbeats';
import { LIBRARY_VERSION, randomId } from './identity';
import { checkCoordinatorOptions } from './options';
import { presence } from './presence';
import { UnitQueue } from './queue';
import { UnitResolver } from './resolver';
import { lostOutput } from './lostOutput';
import { SharedHold } from './sharedHold';
import { StatsCounter } from './stats';
import { readTrailer, tagCommand } from '../protocol/tagged';
import type {
  CommandOptions,
  CommandOutput,
  CommandRequest,
  CommandResult,
  Coordinator,
  CoordinatorOptions,
  LateOutput,
  Presence,
  UnitInfoOptions,
} from './types';
import { UnitDirectory, type Unit } from './units';

/**
 * The defaults of {@link CoordinatorOptions}.
 * @category Coordinator
 */
export const COORDINATOR_DEFAULTS = {
  name: 'pycom-rx',
  heartbeatIntervalMs: 5_000,
  lostAfterMs: 15_000,
  commandTimeoutMs: 10_000,
  tagged: true,
  concurrency: Infinity,
  minGapMs: 0,
} as const;

/** Longest delay a timer can have (setTimeout's limit); beyond it a command waits forever. */
const MAX_TIMER_MS = 2_147_483_647;

/**
 * Creates a {@link Coordinator}: the composed client of pycom.
 *
 * - One inbound listener (default `0.0.0.0:5000`), bound by the first subscriber of any stream
 *   that needs it, shared, released after the last one or by `close()`.
 * - Identity: a random 8-hex id, `coordinator: true`, the listener's bound port, and as `ip` the
 *   local address of the connection that reaches the unit (unless given).
 * - A unit is its address: an event belongs to the unit whose address is the connection's source
 *   address (then, when units share an address, the one with its `id`); the `ip` field is only
 *   trusted with `trustIpField`.
 * - One queue per unit for commands and sequences: at most one in flight per unit, in order.
 *   Commands are tagged by default: the output carries a nonce and the exit status, so a late,
 *   duplicate or spoofed output never answers another command.
 * - A unit is heartbeated while anything waits for it (`connect`, `unitInfo`, a command, a
 *   sequence), so pycom never forgets this coordinator mid-operation.
 *
 * Options are checked at once: a bad value throws a RangeError naming the option.
 *
 * ## Example
 * ```ts
 * const coordinator = createCoordinator({ listen: { port: 5000 } });
 * coordinator.connect('192.168.0.23').subscribe((p) => console.log('presence', p.state));
 * coordinator.command('192.168.0.23', 'uptime').subscribe((r) => console.log(r.exitCode, r.output));
 * // ...
 * await coordinator.close();
 * ```
 * @param options Identity, listener, timers, matching, scheduler and transport.
 * @category Coordinator
 */
export function createCoordinator(options: CoordinatorOptions = {}): Coordinator {
  const settings = checkCoordinatorOptions({ ...COORDINATOR_DEFAULTS, ...stripUndefined(options) });
  const id = options.id ?? randomId();
  const name = options.name ?? COORDINATOR_DEFAULTS.name;
  const version = options.version ?? LIBRARY_VERSION;
  const scheduler = options.scheduler ?? asyncScheduler;
  const transport = options.transport ?? tcpTransport;

  const units = new UnitDirectory(options.trustIpField ?? false);
  const resolver = new UnitResolver(units, transport);
  const book = new CommandBook(units);
  const stats = new StatsCounter();
  const queue = new UnitQueue({ concurrency: settings.concurrency, minGapMs: settings.minGapMs, scheduler });
  const bound$ = new BehaviorSubject<AddressInfo | undefined>(undefined);
  const late$ = new Subject<LateOutput>();
  const unmatched$ = new Subject<Output>();
  const closed$ = new Subject<void>();
  let closed = false;

  /**
   * Removes the trailer of a tagged output before anyone sees it (a copy: the transport's object
   * is left as it was), answers commands, caches unit_info, hands each event to its unit's
   * streams: once per item. Returns the item as the coordinator's streams see it.
   */
  const dispatch = (received: Inbound): Inbound => {
    stats.inbound(received);
    if (received.kind !== 'event') {
      // a payload of a unit's that may have been an output is lost: its command fails at once
      const lost = lostOutput(received);
      if (lost !== undefined) for (const unit of units.at(received.remote.address)) book.lose(unit, lost);
      return received;
    }
    let item = received;
    if (item.event.type_ === 'output') {
      const trailer = readTrailer(item.event.output);
      if (trailer !== undefined) {
        const untagged: CommandOutput = { ...item.event, output: trailer.output, exitCode: trailer.exitCode };
        item = { ...item, event: untagged };
      }
      const event = item.event as Output;
      const matched = book.match(event, item.remote, trailer?.nonce);
      if (matched.kind === 'late') {
        stats.commands.late++;
        late$.next(matched.late);
      } else if (matched.kind === 'unmatched') {
        stats.commands.unmatched++;
        unmatched$.next(event);
      }
    }
    const { event, remote } = item;
    const unit = units.route(event, remote);
    if (unit === undefined) return item;
    if (event.type_ === 'unit_info' && unit.heartbeated) unit.info = event;
    for (const listener of unit.listeners) listener(event);
    return item;
  };

  const inbound$ = defer(() =>
    closed ? EMPTY : transport.listen({ ...options.listen, onListening: (a) => bound$.next(a) }),
  ).pipe(
    map(dispatch),
    takeUntil(closed$),
    finalize(() => bound$.next(undefined)),
    share(),
  );
  const events$ = inbound$.pipe(
    filter((i): i is Extract<Inbound, { kind: 'event' }> => i.kind === 'event'),
    map((i) => i.event),
  );
  const rejected$ = inbound$.pipe(filter((i): i is Rejected => i.kind === 'rejected'));
  /** The listener, held once for everything that needs it (a connected unit, a command...). */
  const listener = new SharedHold(inbound$);
  /** Holds the listener for `subscriber`, which gets its error or completion. */
  const holdListener = (subscriber: Subscriber<unknown>) =>
    listener.hold({ error: (e) => subscriber.error(e), complete: () => subscriber.complete() });
  /** A stream of the coordinator's that keeps the listener bound while subscribed. */
  const withListener = <T>(source: Observable<T>): Observable<T> =>
    new Observable<T>((subscriber) => {
      const release = holdListener(subscriber);
      const inner = source.subscribe(subscriber);
      return () => {
        inner.unsubscribe();
        release();
      };
    });
  const listening$ = withListener(bound$.pipe(filter((a): a is AddressInfo => a !== undefined)));
  const ready$ = listening$.pipe(take(1));

  /** What to do when the coordinator closes: per call, so a Set rather than subscribers of a Subject. */
  const closers = new Set<() => void>();
  /** Ends the stream with `end` when the coordinator is (or gets) closed. */
  const onClose =
    <T>(end: (subscriber: Subscriber<T>) => void): OperatorFunction<T, T> =>
    (source) =>
      new Observable<T>((subscriber) => {
        if (closed) return end(subscriber);
        const closer = () => end(subscriber);
        closers.add(closer);
        const inner = source.subscribe(subscriber);
        return () => {
          closers.delete(closer);
          inner.unsubscribe();
        };
      });
  /** Errors with a CoordinatorClosedError when the coordinator is (or gets) closed. */
  const untilClosed = <T>(what: () => string) =>
    onClose<T>((subscriber) => subscriber.error(new CoordinatorClosedError(what())));
  /** Completes when the coordinator is (or gets) closed. */
  const whileOpen = <T>() => onClose<T>((subscriber) => subscriber.complete());

  const identity = (localAddress?: string): Identity => ({
    id,
    name,
    ip: options.ip ?? localAddress ?? '0.0.0.0',
    port: bound$.value?.port ?? options.listen?.port ?? 5000,
    version,
    coordinator: true,
  });
  const heartbeats = new Heartbeats({
    // never a heartbeat without a bound listener: its port would be wrong
    send: (unit) =>
      bound$.value === undefined
        ? EMPTY
        : transport.send(unit, (local: LocalAddress) => identity(local.address), options.send),
    ready$,
    intervalMs: settings.heartbeatIntervalMs,
    scheduler,
  });
  // a released listener ends the last interval of the units nobody holds
  bound$.subscribe((address) => address === undefined && heartbeats.stopLingering());
  /** Keeps the listener bound and the unit heartbeated while subscribed. */
  const hold = (unit: Unit) =>
    new Observable<never>((subscriber) => {
      const lease = heartbeats.hold(unit);
      const release = holdListener(subscriber);
      return () => {
        lease.unsubscribe(); // released first, then the listener
        release();
      };
    });

  /** Sends one command now (no queue) and emits its output. */
  const exec = (unit: Unit, shellCommand: string, commandOptions: CommandOptions = {}) =>
    new Observable<CommandOutput>((subscriber) => {
      const tag = (commandOptions.tagged ?? settings.tagged) ? tagCommand(shellCommand) : undefined;
      const timeoutMs = commandOptions.outputTimeoutMs ?? settings.commandTimeoutMs;
      let waiting: Waiting | undefined;
      const stop = (reason: LateOutput['reason'], error: unknown) => {
        if (waiting !== undefined) book.drop(waiting, reason);
        waiting = undefined;
        stats.commands[reason]++;
        publishCommand(unit.host, shellCommand, reason, { error });
        subscriber.error(error);
      };
      const keep = hold(unit).subscribe({ error: (e: unknown) => subscriber.error(e) });
      const go = () => {
        const startedAt = scheduler.now();
        waiting = {
          unit,
          command: shellCommand,
          nonce: tag?.nonce,
          answer: (output) => {
            waiting = undefined;
            stats.commands.output++;
            stats.roundTrip(unit.host, scheduler.now() - startedAt);
            publishCommand(unit.host, shellCommand, 'output', {
              ms: scheduler.now() - startedAt,
              exitCode: output.exitCode,
            });
            subscriber.next(output);
            subscriber.complete();
          },
          lost: (rejection) =>
            stop(
              'failed',
              new OutputRejectedError(
                unit.host,
                shellCommand,
                rejection.reason,
                rejection.message,
                rejection.bytes,
              ),
            ),
        };
        book.add(waiting);
        stats.commands.sent++;
        publishCommand(unit.host, shellCommand, 'sent');
        if (Number.isFinite(timeoutMs) && timeoutMs <= MAX_TIMER_MS)
          keep.add(
            after(scheduler, timeoutMs, () =>
              stop('timeout', new OutputTimeoutError(unit.host, timeoutMs, shellCommand)),
            ),
          );
        const request = (local: LocalAddress): Command => ({
          ...identity(local.address),
          type_: 'cmd',
          command: tag?.text ?? shellCommand,
        });
        keep.add(
          transport.send(unit, request, options.send).subscribe({ error: (e: unknown) => stop('failed', e) }),
        );
      };
      // bound already (the usual case): no subscription to wait for it
      if (bound$.value !== undefined) {
        if (!subscriber.closed) go();
      } else keep.add(ready$.subscribe({ error: (e: unknown) => subscriber.error(e), next: go }));
      return () => {
        if (waiting !== undefined) {
          stats.commands.cancelled++;
          publishCommand(unit.host, shellCommand, 'cancelled');
          book.drop(waiting, 'cancelled');
          waiting = undefined;
        }
        keep.unsubscribe();
      };
    });

  const describe = (target: Target, what: string) => `${what} to ${hostOf(target)}`;

  /** The unit a target names, once resolved (at once for an address). */
  const unitOf = (target: Target): Observable<Unit> => {
    const { host, port } = resolveTarget(target, 'unit');
    return resolver.resolve(host, port);
  };

  const command = (target: Target, shellCommand: string, commandOptions?: CommandOptions) => {
    const checked = checkCommandOptions(commandOptions);
    const tagged = checked.tagged ?? settings.tagged;
    checkShellCommand(shellCommand, tagged);
    const unit$ = unitOf(target);
    const execOptions = { ...checked, tagged };
    return unit$.pipe(
      mergeMap((unit) => queue.run(unit.key, () => exec(unit, shellCommand, execOptions))),
      untilClosed<CommandOutput>(() => describe(target, `command ${JSON.stringify(shellCommand)}`)),
    );
  };

  const run = <R extends CommandRequest>(commands$: Observable<R>): Observable<CommandResult<R>> =>
    withListener(
      commands$.pipe(
        mergeMap((request) => {
          const unit = hostOf(request?.unit);
          // a request with a bad unit, command or timeout is a failed result, not a thrown error
          return defer(() => {
            if (typeof request !== 'object' || request === null)
              throw new OptionError('request', 'type', request, 'a { unit, command } object');
            return command(request.unit, request.command, { outputTimeoutMs: request.outputTimeoutMs });
          }).pipe(
            map((output): CommandResult<R> => ({ kind: 'output', unit, request, output })),
            catchError((error: unknown) =>
              of<CommandResult<R>>({ kind: 'failed', unit, request, error: error as never }),
            ),
          );
        }),
        whileOpen(),
      ),
    );

  /** The unit's events (the listener must be held by someone else). */
  const eventsOf = (unit: Unit): Observable<PycomEvent> =>
    new Observable<PycomEvent>((subscriber) => {
      const listener = (event: PycomEvent) => subscriber.next(event);
      unit.listeners.add(listener);
      return () => unit.listeners.delete(listener);
    });
  const eventsFrom = (target: Target): Observable<PycomEvent> => {
    const unit$ = unitOf(target);
    return withListener(unit$.pipe(mergeMap(eventsOf)));
  };

  const unitInfo = (target: Target, infoOptions?: UnitInfoOptions): Observable<UnitInfo> => {
    const timeoutMs = checkUnitInfoOptions(infoOptions).timeoutMs ?? UNIT_INFO_TIMEOUT_MS;
    const unit$ = unitOf(target);
    return unit$.pipe(
      mergeMap((unit) => infoOf(unit, timeoutMs)),
      untilClosed<UnitInfo>(() => describe(target, 'unitInfo')),
    );
  };
  /** The unit's unit_info once (cached, or the next one while heartbeated), or a timeout error. */
  const infoOf = (unit: Unit, timeoutMs: number) =>
    new Observable<UnitInfo>((subscriber) => {
      const cached = unit.info;
      if (cached !== undefined) {
        subscriber.next(cached);
        subscriber.complete();
        return;
      }
      const keep = eventsOf(unit)
        .pipe(
          ofType('unit_info'),
          filter(() => unit.heartbeated),
          take(1),
        )
        .subscribe(subscriber);
      keep.add(hold(unit).subscribe({ error: (e: unknown) => subscriber.error(e) }));
      if (timeoutMs <= MAX_TIMER_MS)
        keep.add(
          after(scheduler, timeoutMs, () => subscriber.error(new UnitInfoTimeoutError(unit.host, timeoutMs))),
        );
      return keep;
    });

  const connect = (target: Target): Observable<Presence> => {
    const unit$ = unitOf(target);
    return unit$.pipe(mergeMap(presenceOf), whileOpen());
  };
  const presenceOf = (unit: Unit) =>
    new Observable<Presence>((subscriber) => {
      // watch first, then hold: the first heartbeat's outcome is never missed
      const keep = presence({
        unit: unit.host,
        idOf: () => unit.id,
        outcomes$: heartbeats.outcomes(unit),
        events$: eventsOf(unit), // the hold below keeps the listener
        intervalMs: settings.heartbeatIntervalMs,
        lostAfterMs: settings.lostAfterMs,
        scheduler,
      }).subscribe(subscriber);
      keep.add(hold(unit).subscribe({ error: (e: unknown) => subscriber.error(e) }));
      return keep;
    });

  const runSequence = (target: Target, sequence: Sequence, sequenceOptions: RunSequenceOptions = {}) => {
    checkRunSequenceOptions(sequenceOptions);
    const unit$ = unitOf(target);
    return unit$.pipe(
      mergeMap((unit) =>
        queue.run(unit.key, () => withListener(sequenceOn(unit, target, sequence, sequenceOptions))),
      ),
      untilClosed<SequenceProgress>(() => describe(target, 'sequence')),
    );
  };
  /** Runs the sequence's steps on a resolved unit, heartbeated throughout. */
  const sequenceOn = (unit: Unit, target: Target, sequence: Sequence, sequenceOptions: RunSequenceOptions) =>
    new Observable<SequenceProgress>((subscriber) => {
      const runner = {
        command: (_: Target, c: string, o: { timeoutMs?: number }) =>
          exec(unit, c, { outputTimeoutMs: o.timeoutMs }),
        eventsFrom: () => eventsOf(unit), // the listener is held by withListener
      };
      const keep = runSequenceSteps(runner, target, sequence, { scheduler, ...sequenceOptions }).subscribe(
        subscriber,
      );
      keep.add(hold(unit).subscribe({ error: (e: unknown) => subscriber.error(e) }));
      return keep;
    });

  const stats$ = defer(() => timer(0, 1000, scheduler)).pipe(
    map(() => stats.snapshot(scheduler.now())),
    takeUntil(closed$),
  );

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> =>
    (closing ??= (async () => {
      closed = true;
      // per-call work first (pending commands fail with CoordinatorClosedError), then the listener
      for (const closer of [...closers]) closer();
      closers.clear();
      closed$.next();
      closed$.complete();
      heartbeats.stopAll();
      late$.complete();
      unmatched$.complete();
      // let the listener's handle finish closing, so the port is free when this resolves
      await new Promise<void>((resolve) => setImmediate(resolve));
    })());

  return {
    id,
    inbound$,
    events$,
    rejected$,
    unmatched$: withListener(unmatched$),
    late$: withListener(late$),
    listening$,
    stats$,
    identity,
    eventsFrom,
    connect,
    unitInfo,
    command,
    run,
    runSequence,
    close,
  };
}

/** The host of a target as the caller wrote it, for labels ('' when it has none). */
function hostOf(target: unknown): string {
  if (typeof target === 'string') return target;
  const host: unknown =
    typeof target === 'object' && target !== null ? (target as { host?: unknown }).host : undefined;
  return typeof host === 'string' ? host : '';
}

function stripUndefined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}
