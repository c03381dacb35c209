import { asyncScheduler, defer, map, Observable, of, Subject, switchMap, takeUntil, timer } from 'rxjs';
import type { Identity } from '../protocol';
import type { Received } from '../protocol/inbound';
import type { CommandOutput } from '../protocol/tagged';
import { tcpTransport, type LocalAddress, type Transport } from '../transport';
import { Closing } from './closing';
import { execCommand } from './exec';
import { Heartbeats } from './heartbeats';
import { LIBRARY_VERSION, randomId } from './identity';
import { CoordinatorListener } from './listener';
import { OutputMatcher } from './matcher';
import type { CoordinatorSettings } from './options';
import { UnitLanes } from '../operators/unitLanes';
import { UnitResolver } from './resolver';
import { StatsCounter } from './stats';
import type { CoordinatorOptions, LateOutput } from './types';
import { UnitDirectory, type Unit } from './units';
import type { UnitStreamDeps } from './unitStreams';

/**
 * Builds the parts of a coordinator and wires them: units and their resolver, the queue
 * (`queueByUnit`), the output matcher (`awaitOutput`), the listener, the identity, the heartbeats,
 * what holds a unit, and what sends a command.
 *
 * @internal
 * @category Coordinator
 * @param options The caller's options.
 * @param settings The same, checked, with the defaults applied.
 */
export function coordinatorParts(
  options: CoordinatorOptions,
  settings: CoordinatorSettings & CoordinatorOptions,
) {
  const { scheduler = asyncScheduler, transport = tcpTransport } = settings;
  const id = options.id ?? randomId();
  const trustIpField = options.trustIpField ?? false;
  const units = new UnitDirectory(trustIpField);
  const stats = new StatsCounter();
  const closing = new Closing();
  const late$ = new Subject<LateOutput>();
  const unmatched$ = new Subject<Received<CommandOutput>>();
  const count = (kind: 'late' | 'unmatched') => stats.commands[kind]++;
  const matcher = new OutputMatcher({
    scheduler,
    trustIpField,
    outputCapBytes: settings.outputCapBytes,
    late: (late) => (count('late'), late$.next(late)),
    unmatched: (output) => (count('unmatched'), unmatched$.next(output)),
  });
  const listener = new CoordinatorListener({
    transport,
    listen: options.listen,
    closing,
    stats,
    matcher,
    units,
  });
  const identity = (localAddress?: string): Identity => ({
    id,
    name: settings.name ?? 'pycom-rx',
    ip: options.ip ?? localAddress ?? '0.0.0.0',
    port: listener.bound$.value?.port ?? options.listen?.port ?? 5000,
    version: settings.version ?? LIBRARY_VERSION,
    coordinator: true,
  });
  const heartbeats = new Heartbeats({
    // never a heartbeat without a bound listener: its port would be wrong
    send: (unit) =>
      listener.bound$.value === undefined
        ? of()
        : transport.send(unit, (local: LocalAddress) => identity(local.address), options.send),
    ready$: listener.ready$,
    intervalMs: settings.heartbeatIntervalMs,
    scheduler,
    policy: settings.heartbeat,
    holdListener: () => listener.retain(),
  });
  // a released listener ends the last interval of the units nobody holds
  listener.bound$.subscribe((address) => address === undefined && heartbeats.stopLingering());
  /** Holds the unit (heartbeated) and the listener while subscribed. */
  const holdUnit = (unit: Unit) =>
    new Observable<never>((subscriber) => {
      const heartbeat = heartbeats.hold(unit);
      const release = listener.hold(subscriber);
      return () => (heartbeat.unsubscribe(), release()); // the heartbeat first, then the listener
    });
  const sendOptions = options.send;
  // a command goes after a heartbeat delivered within the last interval (sent now after a silence)
  const ordered: Transport = {
    ...transport,
    send: (target, request, o) =>
      heartbeats.fresh(target as Unit).pipe(switchMap(() => transport.send(target, request, o))),
  };
  const execDeps = {
    transport: ordered,
    sendOptions,
    identity,
    matcher,
    listener,
    holdUnit,
    stats,
    scheduler,
    defaults: settings,
  };
  const exec = execCommand(execDeps);
  /** One heartbeat from a fresh coordinator id, once the listener is bound (`unitInfo` refresh). */
  const freshIdBeat = (unit: Unit) =>
    listener.ready$.pipe(
      switchMap(() =>
        transport.send(unit, (local) => ({ ...identity(local.address), id: randomId() }), options.send),
      ),
    );
  const streams: UnitStreamDeps = {
    holdUnit,
    exec,
    heartbeats,
    listener,
    closing,
    presence: { intervalMs: settings.heartbeatIntervalMs, lostAfterMs: settings.lostAfterMs, scheduler },
    freshIdBeat,
    scheduler,
    completion: options.completion,
  };
  const queue = new UnitLanes({ concurrency: settings.concurrency, minGapMs: settings.minGapMs, scheduler });
  const resolver = new UnitResolver(units, transport);
  /** A snapshot of the counters at once, then every second, until the coordinator closes. */
  const stats$ = defer(() => timer(0, 1000, scheduler)).pipe(
    map(() => stats.snapshot(scheduler.now())),
    takeUntil(closing.closed$),
  );
  return {
    id,
    stats$,
    scheduler,
    stats,
    closing,
    late$,
    unmatched$,
    listener,
    identity,
    heartbeats,
    exec,
    execDeps,
    streams,
    queue,
    resolver,
    matcher,
  };
}
