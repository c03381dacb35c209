import * as net from 'node:net';
import * as path from 'node:path';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { Observable } from 'rxjs';
// listenPayloads is internal (not exported by the package): it runs from the sources
import { listenPayloads, type ListenOptions } from '../../src/transport';
import { library } from '../lib/library';

const { listen } = library;

/** A listener under test, started fresh for each run. */
export interface Target {
  /** Short key, for `--only=`. */
  readonly key: string;
  /** What the row of the table says. */
  readonly label: string;
  /**
   * Starts listening on 127.0.0.1 (random port). `milestones` are the counts at which the caller
   * will ask {@link Running.reached}; the last one is the total the run will send.
   */
  start(milestones: readonly number[]): Promise<Running>;
}

/** A started target. */
export interface Running {
  readonly port: number;
  /** Resolves when `n` valid payloads were counted (n in milestones): when, and the CPU used so far. */
  reached(n: number): Promise<Milestone>;
  /** Stops it; resolves with its counts (valid and not). */
  stop(): Promise<{ valid: number; invalid: number }>;
}

/** When a count was reached (`performance.now()`), and the CPU time the listener had used by then. */
export interface Milestone {
  readonly at: number;
  readonly cpuMs: number;
}

/** CPU time (user + system) of this process, in ms. */
function ownCpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

/** Counts payloads, and notes the time at which each milestone count is passed. */
class Counter {
  valid = 0;
  invalid = 0;
  private readonly times = new Map<number, Milestone>();
  private readonly waiters = new Map<number, (m: Milestone) => void>();

  constructor(private readonly milestones: ReadonlySet<number>) {}

  hit(valid: boolean): void {
    if (!valid) {
      this.invalid += 1;
      return;
    }
    this.valid += 1;
    if (this.milestones.has(this.valid)) this.mark(this.valid);
  }

  /** For a counter kept elsewhere (the Python process): jump to its count. */
  advanceTo(valid: number, invalid: number, cpuMs: number): void {
    for (const m of this.milestones) if (m > this.valid && m <= valid) this.mark(m, cpuMs);
    this.valid = valid;
    this.invalid = invalid;
  }

  reached(n: number): Promise<Milestone> {
    const m = this.times.get(n);
    if (m !== undefined) return Promise.resolve(m);
    return new Promise((resolve) => this.waiters.set(n, resolve));
  }

  private mark(n: number, cpuMs = ownCpuMs()): void {
    const m = { at: performance.now(), cpuMs };
    this.times.set(n, m);
    this.waiters.get(n)?.(m);
  }
}

function observableTarget(
  key: string,
  label: string,
  source: (options: ListenOptions) => Observable<object>,
  valid: (item: object) => boolean,
): Target {
  return {
    key,
    label,
    start: (milestones) =>
      new Promise((resolve, reject) => {
        const counter = new Counter(new Set(milestones));
        const subscription = source({
          host: '127.0.0.1',
          port: 0,
          onListening: (address) =>
            resolve({
              port: address.port,
              reached: (n) => counter.reached(n),
              stop: async () => {
                subscription.unsubscribe();
                return { valid: counter.valid, invalid: counter.invalid };
              },
            }),
        }).subscribe({ next: (item) => counter.hit(valid(item)), error: reject });
      }),
  };
}

/** (a) listen(): read to end, JSON.parse, io-ts decode, one emission per connection. */
export const listenTarget = observableTarget(
  'listen',
  '(a) listen() + decode',
  listen,
  (item) => 'type_' in item,
);

/** listenPayloads(): listen() without the decoding, to split transport from decode cost. */
export const payloadsTarget = observableTarget(
  'payloads',
  '    listenPayloads() (no decode)',
  listenPayloads,
  (item) => (item as { kind?: string }).kind === 'payload',
);

/** (b) A bare Node.js server that reads each connection to its end and counts it. */
export const rawTarget: Target = {
  key: 'raw',
  label: '(b) raw net server',
  start: (milestones) =>
    new Promise((resolve, reject) => {
      const counter = new Counter(new Set(milestones));
      const server = net.createServer((socket) => {
        const chunks: Buffer[] = [];
        socket.on('data', (chunk: Buffer) => chunks.push(chunk));
        socket.on('error', () => undefined);
        socket.on('end', () => {
          counter.hit(Buffer.concat(chunks).length > 0);
          socket.destroy();
        });
      });
      server.on('error', reject);
      server.listen({ host: '127.0.0.1', port: 0, backlog: 511 }, () =>
        resolve({
          port: (server.address() as net.AddressInfo).port,
          reached: (n) => counter.reached(n),
          stop: () =>
            new Promise((done) => {
              server.close(() => done({ valid: counter.valid, invalid: counter.invalid }));
            }),
        }),
      );
    }),
};

/** (c) The vendor-style Python listener, bench/vendor_listener.py, in its own process. */
export const pythonTarget: Target = {
  key: 'python',
  label: '(c) python vendor-style listener',
  start: (milestones) =>
    new Promise((resolve, reject) => {
      const script = path.join(__dirname, '..', 'vendor_listener.py');
      const child = spawn(
        'python3',
        [script, '--port', '0', '--report-at', milestones.join(','), '--idle-exit', '20'],
        { stdio: ['ignore', 'pipe', 'inherit'] },
      );
      const counter = new Counter(new Set(milestones));
      const exited = new Promise<void>((done) => child.on('exit', () => done()));
      child.on('error', reject);
      createInterface({ input: child.stdout }).on('line', (line) => {
        const report = JSON.parse(line) as {
          event: string;
          port?: number;
          count?: number;
          invalid?: number;
          cpu?: number;
        };
        if (report.event === 'listening') {
          resolve({
            port: report.port ?? 0,
            reached: (n) => counter.reached(n),
            stop: async () => {
              if (child.exitCode === null) child.kill('SIGTERM');
              await exited;
              return { valid: counter.valid, invalid: counter.invalid };
            },
          });
          return;
        }
        counter.advanceTo(report.count ?? 0, report.invalid ?? 0, (report.cpu ?? NaN) * 1000);
      });
    }),
};

/** Every target, in the order they run in each round. */
export const targets: readonly Target[] = [listenTarget, payloadsTarget, rawTarget, pythonTarget];
