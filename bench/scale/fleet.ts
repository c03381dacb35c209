import * as path from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';
import { fdLimits } from './resources';
import type { UnitAddress, UnitsReport, UnitsRequest, UnitsStats } from './units';

/** Options of {@link Fleet.start}. */
export interface FleetOptions {
  /** How many units. */
  readonly count: number;
  /** The first unit's address (the others follow: 127.0.100.1, 127.0.100.2, ...). */
  readonly base: string;
  /** Silence after which a unit forgets a coordinator. Default 15 000 ms. */
  readonly coordinatorTimeoutMs?: number;
  /** The process exits by itself after this long at the latest. */
  readonly maxLifetimeMs: number;
  /** Open files the process needs; its soft limit is raised to this when it is lower (up to the hard limit). */
  readonly fdsNeeded?: number;
  /** Give up if the units are not all listening within this time. Default 120 000 ms. */
  readonly readyTimeoutMs?: number;
}

/**
 * Simulated units running in a separate process (bench/scale/units.ts), driven over IPC. The
 * process is started through `/bin/sh -c 'ulimit -S -n N; exec node ...'` when it needs more open
 * files than this process's soft limit allows (and the hard limit permits).
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
      '--import',
      'tsx',
      script,
      `--count=${options.count}`,
      `--base=${options.base}`,
      `--coordinator-timeout-ms=${options.coordinatorTimeoutMs ?? 15_000}`,
      `--max-ms=${options.maxLifetimeMs}`,
    ];
    const { soft, hard } = fdLimits();
    const wanted = options.fdsNeeded ?? 0;
    const raise = wanted > soft ? Math.min(wanted, hard) : undefined;
    const stdio: ['ignore', 'inherit', 'inherit', 'ipc'] = ['ignore', 'inherit', 'inherit', 'ipc'];
    const child =
      raise === undefined
        ? spawn(process.execPath, args, { stdio })
        : spawn('/bin/sh', ['-c', `ulimit -S -n ${raise} && exec "$0" "$@"`, process.execPath, ...args], {
            stdio,
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

  /** Memory, open files, CPU and commands of the units' process. */
  stats(): Promise<UnitsStats> {
    return new Promise((resolve) => {
      this.child.once('message', (report: UnitsStats) => resolve(report));
      this.request({ type: 'stats' });
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
