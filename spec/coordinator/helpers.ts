import { firstValueFrom, lastValueFrom, type Observable, filter, timeout } from 'rxjs';
import { createCoordinator, type Coordinator, type CoordinatorOptions } from '../../src/coordinator';
import type { Executor } from '../../src/simulator';

/** A function executor that answers `echo X` with `X\n`, after a small random delay. */
export const echoExecutor: Executor = async (command) => {
  await new Promise((r) => setTimeout(r, Math.random() * 3));
  const m = /^echo (.*)$/s.exec(command);
  return m ? { stdout: `${m[1]}\n` } : { stdout: '', stderr: `sh: ${command}: not found\n`, exitCode: 127 };
};

export const nextMatching = <T>(
  source: Observable<T>,
  predicate: (v: T) => boolean,
  ms = 10_000,
): Promise<T> => firstValueFrom(source.pipe(filter(predicate), timeout(ms)));

export const complete = <T>(source: Observable<T>): Promise<T | undefined> =>
  lastValueFrom(source, { defaultValue: undefined });

/**
 * Coordinators that listen on and send from `host` (a command waits 5 s by default), and a list of
 * simulated units: everything made is closed after each test (coordinators first).
 */
export function closedAfterEach(host: string): {
  readonly coordinatorAt: (options?: CoordinatorOptions) => Coordinator;
  readonly units: Array<{ close(): Promise<void> }>;
} {
  const coordinators: Coordinator[] = [];
  const units: Array<{ close(): Promise<void> }> = [];
  afterEach(async () => {
    await Promise.all(coordinators.splice(0).map((c) => c.close()));
    await Promise.all(units.splice(0).map((u) => u.close()));
  });
  const coordinatorAt = (options: CoordinatorOptions = {}): Coordinator => {
    const coordinator = createCoordinator({
      listen: { host, port: 0 },
      send: { localAddress: host },
      commandTimeoutMs: 5_000,
      ...options,
    });
    coordinators.push(coordinator);
    return coordinator;
  };
  return { coordinatorAt, units };
}
