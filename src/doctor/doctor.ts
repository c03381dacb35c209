import { asyncScheduler, firstValueFrom, from, mergeMap, Observable, timer, toArray } from 'rxjs';
import { createCoordinator } from '../coordinator/createCoordinator';
import type { Coordinator } from '../coordinator/types';
import { lookupHost, resolveTarget, type Target } from '../transport';
import { checkOptions, OptionError, RULES, type OptionTable } from '../validation/checkOptions';
import { checkExitAndStderr, checkHeartbeat, checkTrailer, checkUnitInfo } from './checks';
import { checkBoardiocli, checkClock, checkLargeOutput, checkLatency } from './measures';
import { checked, type Probe } from './probe';
import { checkSequence } from './sequence';
import { checkHeartbeatNeeded } from './silence';
import { DOCTOR_DEFAULTS, type DoctorCheck, type DoctorOptions, type DoctorReport } from './types';

export * from './types';

/**
 * Every check, in the order it runs (and is reported, skipped ones included).
 * @internal
 */
export const DOCTOR_CHECK_IDS = [
  'heartbeat',
  'unit-info',
  'trailer',
  'exit-status',
  'stderr-merged',
  'large-output',
  'latency',
  'boardiocli',
  'clock',
  'sequence',
  'heartbeat-needed',
] as const;

/** The rule of each numeric option of {@link DoctorOptions}, checked when {@link doctor} is called. */
const DOCTOR_RULES: OptionTable<DoctorOptions> = {
  timeoutMs: RULES.ms,
  infoTimeoutMs: RULES.ms,
  latencySamples: { integer: true, min: 1, max: 100 },
  sequenceTimeoutMs: RULES.ms,
  silenceMs: RULES.delayMs,
};

/** Checks the options of {@link doctor}: numbers by their rules, the rest by type. */
function checkDoctorOptions(options: DoctorOptions): void {
  if (typeof options !== 'object' || options === null)
    throw new OptionError('options', 'type', options, 'an object');
  checkOptions(options, DOCTOR_RULES);
  for (const name of ['withSequence', 'slow'] as const)
    if (options[name] !== undefined && typeof options[name] !== 'boolean')
      throw new OptionError(name, 'type', options[name], 'true or false');
  if (
    options.coordinator !== undefined &&
    (typeof options.coordinator !== 'object' || options.coordinator === null)
  )
    throw new OptionError('coordinator', 'type', options.coordinator, 'an object of coordinator options');
}

/** Binds a coordinator's listener; resolves a function that releases it. */
function bind(coordinator: Coordinator): Promise<() => void> {
  return new Promise((resolve, reject) => {
    let release = (): void => undefined;
    const subscription = coordinator.listening$.subscribe({
      next: () => resolve(() => release()),
      error: (e: unknown) => reject(e instanceof Error ? e : new Error(String(e))),
    });
    release = () => subscription.unsubscribe();
  });
}

function shown(target: Target): string {
  const { host, port } = resolveTarget(target, 'unit');
  return port === 5000 ? host : `${host.includes(':') ? `[${host}]` : host}:${port}`;
}

/** Every check of one unit with the first coordinator (all but `heartbeat-needed`). */
async function examine(probe: Probe, options: DoctorOptions): Promise<DoctorCheck[]> {
  const results: DoctorCheck[] = [];
  // heartbeats the unit for the whole examination (and, whatever the coordinator's policy, no longer)
  const held = probe.coordinator.connect(probe.target).subscribe({ error: () => undefined });
  try {
    const beat = await checkHeartbeat(probe);
    results.push(beat);
    if (beat.status === 'fail') return results;
    results.push(await checkUnitInfo(probe, options.infoTimeoutMs ?? DOCTOR_DEFAULTS.infoTimeoutMs));
    results.push(await checkTrailer(probe));
    results.push(...(await checkExitAndStderr(probe)));
    results.push(await checkLargeOutput(probe));
    results.push(await checkLatency(probe, options.latencySamples ?? DOCTOR_DEFAULTS.latencySamples));
    results.push(await checkBoardiocli(probe));
    results.push(await checkClock(probe));
    if (options.withSequence === true)
      results.push(
        await checkSequence(probe, options.sequenceTimeoutMs ?? DOCTOR_DEFAULTS.sequenceTimeoutMs),
      );
    return results;
  } finally {
    held.unsubscribe();
  }
}

/** The report of a unit: every check in order, the ones not run as skipped. */
function reportOf(unit: string, done: ReadonlyArray<DoctorCheck>): DoctorReport {
  const unreachable = done[0]?.id === 'heartbeat' && done[0].status === 'fail';
  const checks = DOCTOR_CHECK_IDS.map(
    (id) =>
      done.find((c) => c.id === id) ??
      checked(
        id,
        'skip',
        unreachable
          ? 'the unit did not take a heartbeat'
          : id === 'sequence'
            ? 'not asked (withSequence, --with-sequence)'
            : id === 'heartbeat-needed'
              ? 'not asked (slow, --slow)'
              : 'not run',
      ),
  );
  return { unit, ok: checks.every((c) => !c.relied || c.status !== 'fail'), checks };
}

/**
 * Checks, one by one, what pycom-rx assumes about a real unit before trusting the library with it
 * (see {@link DoctorCheckId} and `ASSUMPTIONS`), and emits one {@link DoctorReport} per unit,
 * then completes. Safe: nothing is lit, and no file is written except the ones named by the
 * options (`withSequence` runs the model light at 0 and puts the unit's sequence file back).
 *
 * The doctor creates its own coordinator (`options.coordinator`, a fresh id), binds its listener
 * first (a `ListenError` is the Observable's error), examines the units in parallel and closes it.
 * With `slow`, it then keeps silent for `silenceMs` and asks each unit that took a heartbeat one
 * command with a second coordinator of the same id and no heartbeat (`heartbeat-needed`); the
 * reports come once that is done. Unsubscribing stops it and closes its coordinators.
 *
 * ## Example
 * ```ts
 * doctor('192.168.0.23', { coordinator: { listen: { port: 5000 } } }).subscribe((report) => {
 *   for (const c of report.checks) console.log(c.status, c.id, c.saw);
 *   console.log(report.ok ? 'the library can trust this unit' : 'see the failed checks');
 * });
 * ```
 * @param targets One unit or several: an address, a host name, or `{ host, port }`.
 * @param options The coordinator's options, timeouts, the optional checks.
 * @throws OptionError at once for a bad target or option.
 * @category Coordinator
 */
export function doctor(
  targets: Target | ReadonlyArray<Target>,
  options: DoctorOptions = {},
): Observable<DoctorReport> {
  checkDoctorOptions(options);
  const units: ReadonlyArray<Target> = Array.isArray(targets) ? targets : [targets as Target];
  units.forEach((t) => resolveTarget(t, 'unit'));
  const scheduler = options.scheduler ?? asyncScheduler;
  const timeoutMs = options.timeoutMs ?? DOCTOR_DEFAULTS.timeoutMs;
  return new Observable<DoctorReport>((subscriber) => {
    const abort = new AbortController();
    const coordinators: Coordinator[] = [];
    const open = async (id?: string) => {
      const c = createCoordinator({ ...options.coordinator, ...(id === undefined ? {} : { id }) });
      coordinators.push(c);
      return { coordinator: c, release: await bind(c) };
    };
    const probeOf = async (coordinator: Coordinator, target: Target): Promise<Probe> => ({
      coordinator,
      target,
      address: await firstValueFrom(lookupHost(resolveTarget(target, 'unit').host)),
      timeoutMs,
      scheduler,
      signal: abort.signal,
    });
    const run = async () => {
      const first = await open();
      const found = await firstValueFrom(
        from(units).pipe(
          mergeMap(async (target) => {
            const probe = await probeOf(first.coordinator, target).catch(() => undefined);
            if (probe === undefined)
              return { target, checks: [checked('heartbeat', 'fail', 'the name does not resolve')] };
            return { target, checks: await examine(probe, options) };
          }),
          toArray(),
        ),
      );
      first.release();
      await first.coordinator.close();
      if (options.slow === true) {
        const silenceMs = options.silenceMs ?? DOCTOR_DEFAULTS.silenceMs;
        await firstValueFrom(timer(silenceMs, scheduler));
        const second = await open(first.coordinator.id);
        await Promise.all(
          found
            .filter((f) => f.checks[0]?.status !== 'fail')
            .map(async (f) =>
              f.checks.push(
                await checkHeartbeatNeeded(await probeOf(second.coordinator, f.target), silenceMs),
              ),
            ),
        );
        second.release();
      }
      for (const f of units.map((t) => found.find((x) => x.target === t)!))
        subscriber.next(reportOf(shown(f.target), f.checks));
    };
    run().then(
      () => subscriber.complete(),
      (e: unknown) => subscriber.error(e),
    );
    return () => {
      abort.abort();
      for (const c of coordinators) void c.close();
    };
  });
}
