import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';

/** One shell run: `<shell> -c <command>`, in `cwd`, with exactly `env` when given (else inherited). */
export interface ShellCase {
  readonly shell: string;
  readonly command: string;
  /** Default: this process's working directory. */
  readonly cwd?: string;
  /** The whole environment of the shell (`env -i`); default: this process's. */
  readonly env?: Readonly<Record<string, string>>;
}

/** What a {@link ShellCase} printed, byte for byte, and its exit status (`$?`: 128 + n when killed by signal n). */
export interface ShellResult {
  readonly stdout: Buffer;
  readonly stderr: Buffer;
  readonly status: number;
}

/**
 * The driver: for each case (its directory, shell, command, count of NAME=value words, the
 * words), a process of its own, `<shell> -c <command>`, stdin from /dev/null, stdout and stderr to
 * files of their own, `$?` written down. Everything arrives as arguments, nothing is quoted.
 */
const DRIVER = `
out=$1; shift; i=0
while [ $# -gt 0 ]; do
  dir=$1 shell=$2 cmd=$3 n=$4; shift 4
  (
    cd "$dir" || exit 127
    [ "$n" -lt 0 ] && exec "$shell" -c "$cmd"
    m=$#; k=0
    for word do
      [ "$k" -lt "$n" ] && set -- "$@" "$word"
      k=$((k + 1))
    done
    shift "$m"
    exec env -i "$@" "$shell" -c "$cmd"
  ) </dev/null >"$out/$i.out" 2>"$out/$i.err"
  echo "$?" >"$out/$i.status"
  [ "$n" -gt 0 ] && shift "$n"
  i=$((i + 1))
done
`;

/**
 * Runs every case, one after the other, each in a shell process of its own as `spawnSync(shell,
 * ['-c', command])` would, but all started by one small /bin/sh: forking this jest worker (hundreds
 * of MB) for each case costs several times more than the case itself. Outputs go to files, so what
 * a command leaves running in the background may print after its result was read (through a pipe,
 * spawnSync would wait for it): such a command's output has no one order anyway.
 */
export function runShells(cases: ReadonlyArray<ShellCase>): ShellResult[] {
  if (cases.length === 0) return [];
  const out = mkdtempSync(join(tmpdir(), 'pycom-rx-shells-'));
  try {
    const args = cases.flatMap(({ shell, command, cwd = process.cwd(), env }) => {
      const words = env === undefined ? [] : Object.entries(env).map(([name, value]) => `${name}=${value}`);
      return [cwd, shell, command, String(env === undefined ? -1 : words.length), ...words];
    });
    const driver = spawnSync('/bin/sh', ['-c', DRIVER, 'driver', out, ...args], {
      stdio: ['ignore', 'ignore', 'pipe'],
      encoding: 'utf8',
      // a bound against a hang, not a pace
      timeout: 60_000 + 5_000 * cases.length,
    });
    if (driver.error !== undefined || driver.status !== 0)
      throw new Error(
        `the shell driver failed: ${driver.error?.message ?? `status ${driver.status}`}\n${driver.stderr}`,
      );
    return cases.map((_, i) => ({
      stdout: readFileSync(join(out, `${i}.out`)),
      stderr: readFileSync(join(out, `${i}.err`)),
      status: Number(readFileSync(join(out, `${i}.status`), 'utf8')),
    }));
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

/**
 * `fc.assert(fc.property(...arbitraries, (...values) => check(result, ...values)), parameters)`,
 * where `result` comes from `runAll`, called once with the values of every case of the run (the
 * same seed generates them twice: once to collect them, once to check them as fast-check runs
 * the property). A value the batch has not seen (fast-check shrinking a counterexample) is run
 * on its own, `runAll([values])`. Each case is checked alone, with its own result.
 */
export function assertBatched<Ts extends [unknown, ...unknown[]], R>(
  arbitraries: { [K in keyof Ts]: fc.Arbitrary<Ts[K]> },
  runAll: (cases: ReadonlyArray<Ts>) => R[],
  check: (result: R, ...values: Ts) => void,
  parameters: fc.Parameters<Ts> = {},
): void {
  const seed = parameters.seed ?? (Date.now() ^ (Math.random() * 0x100000000)) | 0;
  const seen: Ts[] = [];
  fc.assert(
    fc.property(...arbitraries, (...values: Ts) => {
      seen.push(values);
    }),
    { ...parameters, seed },
  );
  const batch = runAll(seen);
  const results = new Map(seen.map((values, i) => [fc.stringify(values), batch[i] as R]));
  fc.assert(
    fc.property(...arbitraries, (...values: Ts) => {
      const key = fc.stringify(values);
      const result = results.has(key) ? (results.get(key) as R) : (runAll([values])[0] as R);
      check(result, ...values);
    }),
    { ...parameters, seed },
  );
}
