/**
 * A V8 CPU profile of one part of a benchmark (the timed phase, without start-up and warm-up),
 * written where `--profile=<file>` says; read it with bench/tools/cpuprofileBySource.ts or
 * cpuprofile.ts. Without the flag, nothing is profiled and nothing is written.
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';

/** A part of the run: which contender (`key`), from when to when (µs), how many operations. */
export interface ProfileWindow {
  readonly key: string;
  readonly startUs: number;
  readonly endUs: number;
  readonly commands: number;
}

/** The file named by `--profile=`, if any. */
export const PROFILE_FILE = process.argv.find((a) => a.startsWith('--profile='))?.slice(10);

/**
 * Starts profiling when `--profile=` is given; the function returned stops and writes it, with
 * the benchmark's time windows (if any) in `<file>.windows.json`, in the profile's clock
 * (`process.hrtime` in µs), for cpuprofileBySource.ts `--windows=<file> --key=<k>`.
 */
export async function startProfile(
  intervalUs = 200,
): Promise<(windows?: readonly ProfileWindow[]) => Promise<void>> {
  if (PROFILE_FILE === undefined) return async () => undefined;
  const session = new Session();
  session.connect();
  const post = (method: string, params?: object) =>
    new Promise<unknown>((resolve, reject) =>
      session.post(method, params, (error, result) => (error ? reject(error) : resolve(result))),
    );
  await post('Profiler.enable');
  await post('Profiler.setSamplingInterval', { interval: intervalUs });
  await post('Profiler.start');
  return async (windows) => {
    const { profile } = (await post('Profiler.stop')) as { profile: unknown };
    writeFileSync(PROFILE_FILE, JSON.stringify(profile));
    if (windows !== undefined) writeFileSync(`${PROFILE_FILE}.windows.json`, JSON.stringify(windows));
    session.disconnect();
    console.log(`profile of the timed phase written to ${PROFILE_FILE}`);
  };
}
