import * as path from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';
import { fdLimits } from './resources';
import type { UnitAddress, UnitsArrivals, UnitsReport, UnitsRequest, UnitsStats } from './units';

/** Options of {@link Fleet.start}. */
export interface FleetOptions {
  /** How many units. */
  readonly count: number;
  /** The first unit's address (the others follow: 127.0.100.1, 127.0.100.2, ...). */
  readonly base: string;
  /** Silence after which a unit forgets a coordinator. Default 15 000 ms. */
  readonly coordinatorTimeoutMs?: number;
  /** How long a unit tries to connect to hand an event over. Default 2 000 ms (the simulator's). */
  readonly deliveryTimeoutMs?: number;
  /** The process exits by itself after this long at the latest. */
  readonly maxLifetimeMs: number;
  /** Open files the process needs; its soft limit is raised to this when it is lower (up to the hard limit). */
  readonly fdsNeeded?: number;
  /** Give up if the units are not all listening within this time. Default 120 000 ms. */
  readonly readyTimeoutMs?: number;
  /** How long each row of a sequence plays. Default 100 ms (the simulator's). */
  readonly rowDurationMs?: number;
  /** The sequence file (`la4_sequence.csv`) every unit has in its home, for `boardiocli uSeq`. */
  readonly sequenceCsv?: string;
  /** How long each command takes to answer (boardio gets its verb then too). Default 0: at once. */
  readonly commandMs?: number;
  /** Flags of the units' `node`, e.g. `['--cpu-prof', '--cpu-prof-dir=.tmp/prof']`. Default none. */
  readonly nodeFlags?: readonly string[];
}

/**
 * A shell snippet that raises the open-file limit to `wanted`: soft and hard when allowed (root),
 * else the soft limit as far as the hard limit goes. Never fails, so `; exec ...` always runs.
 */
export function raiseOpenFiles(wanted: number): string {
  return `ulimit -n ${wanted} 2>/dev/null || ulimit -S -n $(ulimit -H -n) 2>/dev/null || true`;
}

/**
 * Simulated units running in a separate process (bench/scale/units.ts), driven over IPC. The
 * process is started through `/bin/sh -c 'ulimit -n N; exec node ...'` when it needs more open
 * files than this process's soft limit allows (see {@link raiseOpenFiles}).
 */
export class Fleet {
  private constructor(
    private readonly child: ChildProcess,
    /** The units, in address order. */
    readonly units: readonly UnitAddress[],
    /** The soft limit on open files of the units' process. */
    readonly fdLimit: number,
    /** Time the process took to start every unit, in ms. */
    readonly startMs: number,
  ) {}

  /** Starts the process and waits until every unit listens. */
  static start(options: FleetOptions): Promise<Fleet> {
    // units.js when this file was compiled to JavaScript (e.g. to profile with readable line numbers)
    const script = path.join(__dirname, `units${path.extname(__filename)}`);
    const args = [
      ...(options.nodeFlags ?? []),
      '--import',
      'tsx',
      script,
      `--count=${options.count}`,
      `--base=${options.base}`,
      `--coordinator-timeout-ms=${options.coordinatorTimeoutMs ?? 15_000}`,
      `--delivery-timeout-ms=${options.deliveryTimeoutMs ?? 2_000}`,
      `--max-ms=${options.maxLifetimeMs}`,
      ...(options.rowDurationMs === undefined ? [] : [`--row-ms=${options.rowDurationMs}`]),
      ...(options.commandMs === undefined ? [] : [`--command-ms=${options.commandMs}`]),
    ];
    const env =
      options.sequenceCsv === undefined
        ? process.env
        : { ...process.env, UNITS_SEQUENCE_CSV: options.sequenceCsv };
    const { soft } = fdLimits();
    const wanted = options.fdsNeeded ?? 0;
    const stdio: ['ignore', 'inherit', 'inherit', 'ipc'] = ['ignore', 'inherit', 'inherit', 'ipc'];
    const child =
      wanted <= soft
        ? spawn(process.execPath, args, { stdio, env })
        : spawn('/bin/sh', ['-c', `${raiseOpenFiles(wanted)}; exec "$0" "$@"`, process.execPath, ...args], {
            stdio,
            env,
          });
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill();
        reject(new Error(`units not ready within ${options.readyTimeoutMs ?? 120_000} ms`));
      }, options.readyTimeoutMs ?? 120_000);
      const fail = (e: Error) => {
        clearTimeout(timer);
        reject(e);
      };
      child.once('error', fail);
      child.once('exit', (code) => fail(new Error(`units process exited early (${code})`)));
      child.once('message', (report: UnitsReport) => {
        clearTimeout(timer);
        child.removeAllListeners('exit');
        child.removeAllListeners('error');
        if (report.type === 'ready') resolve(new Fleet(child, report.units, report.fdLimit, report.startMs));
        else {
          child.kill();
          reject(
            new Error(`units failed to start: ${report.type === 'failed' ? report.message : report.type}`),
          );
        }
      });
    });
  }

  /** Memory, open files, CPU and commands of the units' process; rejects if it exits or does not answer within 30 s. */
  stats(): Promise<UnitsStats> {
    return this.ask<UnitsStats>('stats');
  }

  /**
   * When each `runSeq` request arrived at a unit since the last call (µs of the machine's
   * monotonic clock, see {@link UnitsArrivals}); rejects like {@link Fleet.stats}.
   */
  async arrivals(): Promise<readonly number[]> {
    return (await this.ask<UnitsArrivals>('arrivals')).us;
  }

  /** Sends a request and resolves the process's next report of the same type. */
  private ask<T extends UnitsStats | UnitsArrivals>(type: T['type']): Promise<T> {
    return new Promise((resolve, reject) => {
      if (this.child.exitCode !== null || this.child.signalCode !== null)
        return reject(
          new Error(`the units' process has exited (${this.child.exitCode ?? this.child.signalCode})`),
        );
      const done = () => {
        clearTimeout(timer);
        this.child.off('message', answer);
        this.child.off('exit', exited);
      };
      const answer = (report: UnitsReport) => {
        if (report.type !== type) return;
        done();
        resolve(report as T);
      };
      const exited = (code: number | null, signal: string | null) => {
        done();
        reject(new Error(`the units' process exited (${code ?? signal}) before answering`));
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error("the units' process did not answer within 30 s"));
      }, 30_000);
      this.child.on('message', answer);
      this.child.once('exit', exited);
      this.request({ type });
    });
  }

  /** Closes every unit and waits for the process to exit (kills it after 30 s). */
  stop(): Promise<void> {
    return new Promise((resolve) => {
      if (this.child.exitCode !== null || this.child.signalCode !== null) return resolve();
      const kill = setTimeout(() => this.child.kill('SIGKILL'), 30_000);
      this.child.once('exit', () => {
        clearTimeout(kill);
        resolve();
      });
      this.request({ type: 'exit' });
    });
  }

  private request(message: UnitsRequest): void {
    if (this.child.connected) this.child.send(message);
  }
}
