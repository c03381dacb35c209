import { firstValueFrom, lastValueFrom, type Observable, filter, timeout } from 'rxjs';
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
