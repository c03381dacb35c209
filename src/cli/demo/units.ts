import { filter, firstValueFrom, take, timeout, toArray } from 'rxjs';
import { nthAddress, simulateUnits, type SimulatedUnits } from '../../simulator';
import { ListenError } from '../../transport';
import { CliError, interrupted } from '../errors';
import { EXIT } from '../exitCodes';
import { type CliIO, interruptible } from '../io';

/** The timers of the demo's simulated units: a quick boot, short rows; and its step timeout. */
export const DEMO_TIMING = { hardwareReadyDelayMs: 300, rowDurationMs: 150, stepTimeoutMs: 5_000 } as const;

/**
 * Starts the demo's simulated units on port 5000 of `base`, `base + 1`, ... and resolves once
 * every one has booted (hardware ready), so that no boot message reaches the coordinator.
 *
 * ## Example
 * ```ts
 * const group = await startDemoUnits('127.0.0.2', 3, io);
 * ```
 * @param base The first address.
 * @param count How many units.
 * @param io The interrupt signal.
 * @throws `CliError` with {@link EXIT.portInUse} when an address is taken.
 */
export async function startDemoUnits(base: string, count: number, io: CliIO): Promise<SimulatedUnits> {
  const group = simulateUnits(count, {
    base,
    hardwareReadyDelayMs: DEMO_TIMING.hardwareReadyDelayMs,
    rowDurationMs: DEMO_TIMING.rowDurationMs,
  });
  const booted = firstValueFrom(
    group.events$.pipe(
      filter((a) => a.kind === 'hardware-ready'),
      take(count),
      toArray(),
      timeout(10_000),
    ),
  );
  booted.catch(() => undefined);
  try {
    await interruptible(io.signal, group.ready, interrupted);
    await interruptible(io.signal, booted, interrupted);
    return group;
  } catch (e) {
    await group.close();
    if (e instanceof ListenError && e.reason === 'in-use')
      throw new CliError(
        EXIT.portInUse,
        `${e.message}\nthe demo's simulated units need port 5000 on ${base}..${nthAddress(base, count - 1)}: ` +
          'stop what uses it (another demo or `pycom-rx simulate`?), or move them with --base 127.0.1.2',
      );
    throw e;
  }
}
