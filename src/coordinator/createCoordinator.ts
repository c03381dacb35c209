import type { AddressInfo } from 'node:net';
import {
  BehaviorSubject,
  catchError,
  defer,
  filter,
  finalize,
  ignoreElements,
  map,
  Observable,
  of,
  share,
  startWith,
  Subject,
  Subscription,
  take,
  tap,
} from 'rxjs';
import type { Command, Heartbeat, Identity, Output, PycomEvent, UnitInfo } from '../protocol';
import {
  listen,
  resolveTarget,
  send,
  type Inbound,
  type LocalAddress,
  type Rejected,
  type Target,
} from '../transport';
import { awaitOutput, ofType, queueByUnit, type PendingCommand } from '../operators';
import { LIBRARY_VERSION, randomId } from './identity';
import { UnitLanes } from './lanes';
import { presence } from './presence';
import type {
  CommandError,
  CommandOptions,
  CommandRequest,
  CommandResult,
  Coordinator,
  CoordinatorOptions,
  RunOptions,
} from './types';

/** The defaults of {@link CoordinatorOptions}. */
export const COORDINATOR_DEFAULTS = {
  name: 'pycom-rx',
  heartbeatIntervalMs: 5_000,
  lostAfterMs: 15_000,
  commandTimeoutMs: 10_000,
} as const;

interface InFlight extends PendingCommand {
  readonly unit: string;
  readonly timeoutMs: number;
}

/**
 * Creates a {@link Coordinator}: the composed client of pycom.
 *
 * - One inbound listener (default `0.0.0.0:5000`), bound by the first subscriber of any stream
 *   that needs it, shared, and released after the last one.
 * - Identity: a random 8-hex id, `coordinator: true`, the listener's bound port, and as `ip` the
 *   local address of the connection that reaches the unit (unless given).
 * - Commands go through one lane per unit: at most one in flight per unit, in order; each
 *   `output` from a unit answers its oldest waiting command (pycom sends no request id).
 * - A unit is recognised in events by its id once known, else by its address: the connection's
 *   source address or the event's `ip` field.
 *
 * ## Example
 * ```ts
 * const coordinator = createCoordinator({ listen: { port: 5000 } });
 * coordinator.connect('192.168.0.23').subscribe((p) => console.log('presence', p.state));
 * coordinator.unitInfo('192.168.0.23').subscribe((info) => console.log(info.firmware_version));
 * coordinator.command('192.168.0.23', 'uptime').subscribe((out) => console.log(out.output));
 * ```
 * @param options Identity, listener, timers.
 */
export function createCoordinator(options: CoordinatorOptions = {}): Coordinator {
  const id = options.id ?? randomId();
  const name = options.name ?? COORDINATOR_DEFAULTS.name;
  const version = options.version ?? LIBRARY_VERSION;
  const heartbeatIntervalMs = options.heartbeatIntervalMs ?? COORDINATOR_DEFAULTS.heartbeatIntervalMs;
  const lostAfterMs = options.lostAfterMs ?? COORDINATOR_DEFAULTS.lostAfterMs;
  const commandTimeoutMs = options.commandTimeoutMs ?? COORDINATOR_DEFAULTS.commandTimeoutMs;

  /** address (connection source or `ip` field) -> unit id, learnt from events */
  const aliases = new Map<string, string>();
  /** unit id -> its last unit_info */
  const infos = new Map<string, UnitInfo>();
  const bound$ = new BehaviorSubject<AddressInfo | undefined>(undefined);
  const lanes = new UnitLanes();

  /** unit id -> every address that aliases to it (the reverse of `aliases`) */
  const addressesOf = new Map<string, Set<string>>();
  const learn = (address: string, unitId: string) => {
    const old = aliases.get(address);
    if (old === unitId) return;
    if (old !== undefined) addressesOf.get(old)?.delete(address);
    aliases.set(address, unitId);
    let set = addressesOf.get(unitId);
    if (set === undefined) addressesOf.set(unitId, (set = new Set()));
    set.add(address);
  };
  const remember = (item: Inbound) => {
    if (item.kind !== 'event') return;
    const { event, remote } = item;
    learn(remote.address, event.id);
    learn(event.ip, event.id);
    if (event.type_ === 'unit_info') infos.set(event.id, event);
  };
  /** Every name under which `isFromUnit(name, event)` holds: its id, its ip field, and their aliases. */
  const namesOf = (event: Identity): Set<string> => {
    const names = new Set<string>([event.id, event.ip]);
    for (const address of addressesOf.get(event.id) ?? []) names.add(address);
    return names;
  };

  const inbound$ = defer(() => listen({ ...options.listen, onListening: (a) => bound$.next(a) })).pipe(
    tap(remember),
    finalize(() => bound$.next(undefined)),
    share(),
  );
  const events$ = inbound$.pipe(
    filter((i): i is Extract<Inbound, { kind: 'event' }> => i.kind === 'event'),
    map((i) => i.event),
  );
  const rejected$ = inbound$.pipe(filter((i): i is Rejected => i.kind === 'rejected'));
  const listening$ = new Observable<AddressInfo>((subscriber) => {
    const keep = inbound$.subscribe({ error: (e: unknown) => subscriber.error(e) });
    keep.add(bound$.pipe(filter((a): a is AddressInfo => a !== undefined)).subscribe(subscriber));
    return keep;
  });
  const ready$ = listening$.pipe(take(1));

  const isFromUnit = (unit: string, event: Identity): boolean =>
    event.id === unit || event.ip === unit || aliases.get(unit) === event.id;

  /** name given by the caller (address or id) -> the handlers of its per-unit streams */
  const unitHandlers = new Map<string, Set<(event: PycomEvent) => void>>();
  /** Holds the listener and hands each event to the handlers of its unit only: O(1) per event. */
  const demux$ = events$.pipe(
    tap((event) => {
      for (const name of namesOf(event)) unitHandlers.get(name)?.forEach((handle) => handle(event));
    }),
    ignoreElements(),
    share(),
  );
  /** The events of one unit, without a subscriber per unit on the shared stream. */
  const unitEvents$ = (unit: string) =>
    new Observable<PycomEvent>((subscriber) => {
      const handle = (event: PycomEvent) => subscriber.next(event);
      let set = unitHandlers.get(unit);
      if (set === undefined) unitHandlers.set(unit, (set = new Set()));
      set.add(handle);
      const keep = demux$.subscribe({ error: (e: unknown) => subscriber.error(e) });
      return () => {
        keep.unsubscribe();
        set.delete(handle);
        if (set.size === 0) unitHandlers.delete(unit);
      };
    });

  const identity = (localAddress?: string): Identity => ({
    id,
    name,
    ip: options.ip ?? localAddress ?? '0.0.0.0',
    port: bound$.value?.port ?? options.listen?.port ?? 5000,
    version,
    coordinator: true,
  });
  const heartbeat = (local: LocalAddress): Heartbeat => identity(local.address);
  const commandRequest =
    (shellCommand: string) =>
    (local: LocalAddress): Command => ({ ...identity(local.address), type_: 'cmd', command: shellCommand });

  const requests$ = new Subject<InFlight>();
  const cancels$ = new Subject<InFlight>();
  const results$ = events$.pipe(
    awaitOutput(requests$, { isFrom: isFromUnit, cancel$: cancels$, candidates: namesOf }),
    share(),
  );
  /** request -> what to do with its result: one subscription for every command in flight */
  const answers = new Map<
    InFlight,
    (r: { kind: 'output'; output: Output } | { kind: 'timeout'; error: Error }) => void
  >();
  const answered$ = results$.pipe(
    tap((r) => {
      if (r.kind !== 'unmatched') answers.get(r.request)?.(r);
    }),
    ignoreElements(),
    share(),
  );
  const unmatched$ = results$.pipe(
    filter((r): r is Extract<typeof r, { kind: 'unmatched' }> => r.kind === 'unmatched'),
    map((r) => r.output),
  );

  /** Registers the command, then sends it; emits its output or errors (SendError, ListenError, timeout). */
  const sendCommand = (target: Target, shellCommand: string, timeoutMs: number): Observable<Output> =>
    new Observable<Output>((subscriber) => {
      const { host } = resolveTarget(target);
      const pending: InFlight = { unit: host, timeoutMs };
      const subscription = new Subscription();
      answers.set(pending, (r) => {
        answers.delete(pending);
        if (r.kind === 'output') {
          subscriber.next(r.output);
          subscriber.complete();
        } else subscriber.error(r.error);
      });
      subscription.add(() => answers.delete(pending));
      subscription.add(answered$.subscribe({ error: (e: unknown) => subscriber.error(e) }));
      subscription.add(
        ready$.subscribe(() => {
          requests$.next(pending);
          subscription.add(
            send(target, commandRequest(shellCommand), options.send).subscribe({
              error: (e: unknown) => {
                cancels$.next(pending);
                subscriber.error(e);
              },
            }),
          );
        }),
      );
      return subscription;
    });

  const command = (
    unit: Target,
    shellCommand: string,
    commandOptions: CommandOptions = {},
  ): Observable<Output> =>
    lanes.run(resolveTarget(unit).host, () =>
      sendCommand(unit, shellCommand, commandOptions.timeoutMs ?? commandTimeoutMs),
    );

  const run = <R extends CommandRequest>(
    commands$: Observable<R>,
    runOptions: RunOptions = {},
  ): Observable<CommandResult<R>> =>
    new Observable<CommandResult<R>>((subscriber) => {
      // keep the listener bound for the whole run, not just while a command is in flight
      const keep = inbound$.subscribe({ error: () => undefined });
      keep.add(
        commands$
          .pipe(
            queueByUnit(
              (request) => resolveTarget(request.unit).host,
              (request) => {
                const unit = resolveTarget(request.unit).host;
                return command(request.unit, request.command, { timeoutMs: request.timeoutMs }).pipe(
                  map((output): CommandResult<R> => ({ ok: true, unit, request, output })),
                  catchError((error: unknown) =>
                    of<CommandResult<R>>({ ok: false, unit, request, error: error as CommandError }),
                  ),
                );
              },
              runOptions,
            ),
          )
          .subscribe(subscriber),
      );
      return keep;
    });

  const unitInfo = (unit: string): Observable<UnitInfo> =>
    defer(() => {
      const known = infos.get(unit) ?? infos.get(aliases.get(unit) ?? '');
      const updates$ = unitEvents$(unit).pipe(ofType('unit_info'));
      return known === undefined ? updates$ : updates$.pipe(startWith(known));
    });

  const eventsFrom = (target: Target): Observable<PycomEvent> => {
    const unit = typeof target === 'string' ? target : target.host;
    return unitEvents$(unit);
  };

  const connect = (target: Target) => {
    const { host } = resolveTarget(target);
    return presence({
      unit: host,
      events$: unitEvents$(host),
      ready$,
      heartbeat: () => send(target, heartbeat, options.send),
      isFromUnit: (event: PycomEvent) => isFromUnit(host, event),
      intervalMs: heartbeatIntervalMs,
      lostAfterMs,
    });
  };

  return {
    id,
    inbound$,
    events$,
    rejected$,
    unmatched$,
    listening$,
    identity,
    eventsFrom,
    connect,
    unitInfo,
    command,
    run,
  };
}
