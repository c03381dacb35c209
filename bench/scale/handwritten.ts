/**
 * The hand-written baseline of bench/scale.ts: the same fleet work as the coordinator run, written
 * directly on `node:net` with nothing the protocol does not ask for.
 *
 * - its own TCP server: reads each inbound connection to its end, `JSON.parse`s it, and hands it
 *   to the unit whose address the connection came from (the units send from their own address);
 * - heartbeats to every unit every `heartbeatIntervalMs` (connect, write the JSON, end; delivered
 *   once the unit closes), the units' first heartbeats spread over `spreadMs`; a unit counts as
 *   connected once a heartbeat was delivered;
 * - per round, one command per unit, at most `concurrency` waiting at once; positional matching:
 *   the next `output` from a unit answers its oldest waiting command; a command that has waited
 *   `commandTimeoutMs` is given up (one sweeping timer, not one per command).
 *
 * No decoding beyond `JSON.parse`, no limits, no per-command timers or Observables: the floor the
 * coordinator is compared with.
 */
import * as net from 'node:net';
import type { UnitAddress } from './units';

/** Options of {@link HandWrittenFleet.start}. */
export interface HandWrittenOptions {
  readonly heartbeatIntervalMs: number;
  /** A command gives up on its output after this long. */
  readonly commandTimeoutMs: number;
  /** The first heartbeats are spread over this long (0: all at once). */
  readonly spreadMs: number;
  /** Commands waiting for their output at once, all units together. */
  readonly concurrency: number;
}

/** What one command of a round came to. */
export type HandWrittenResult =
  | { readonly ok: true; readonly output: string; readonly id: string }
  | { readonly ok: false; readonly error: 'timeout' | 'send' };

interface Waiting {
  readonly index: number;
  readonly sentAt: number;
  readonly unit: UnitState;
}

interface UnitState {
  readonly host: string;
  connected: boolean;
  /** Commands waiting for their output, oldest first. */
  readonly waiting: Waiting[];
}

interface RoundState {
  readonly results: (HandWrittenResult | undefined)[];
  pending: number;
  /** Commands sent and not answered yet. */
  readonly inFlight: Set<Waiting>;
  /** Starts the next commands, up to the cap. */
  readonly launch: () => void;
  readonly done: () => void;
}

/** Counters of the hand-written driver, for the table. */
export interface HandWrittenStats {
  heartbeatsSent: number;
  heartbeatsFailed: number;
  /** Outputs that arrived with no command waiting on that unit. */
  unmatched: number;
  /** Inbound connections that were not JSON. */
  rejected: number;
  /** Events other than `output` (unit_info, message). */
  otherEvents: number;
}

/** The hand-written fleet driver (see the file comment). */
export class HandWrittenFleet {
  readonly stats: HandWrittenStats = {
    heartbeatsSent: 0,
    heartbeatsFailed: 0,
    unmatched: 0,
    rejected: 0,
    otherEvents: 0,
  };
  private readonly byHost = new Map<string, UnitState>();
  private readonly sockets = new Set<net.Socket>();
  private readonly heartbeatTimers: NodeJS.Timeout[] = [];
  private round: RoundState | undefined;
  private connectedCount = 0;
  private heartbeatBytes: Buffer;

  private constructor(
    private readonly server: net.Server,
    private readonly port: number,
    private readonly options: HandWrittenOptions,
    units: readonly UnitAddress[],
  ) {
    for (const u of units) this.byHost.set(u.host, { host: u.host, connected: false, waiting: [] });
    this.heartbeatBytes = Buffer.from(JSON.stringify(this.identity()), 'utf8');
  }

  /** Starts the server on 127.0.0.1 (any port) and the heartbeats to every unit. */
  static start(units: readonly UnitAddress[], options: HandWrittenOptions): Promise<HandWrittenFleet> {
    return new Promise((resolve, reject) => {
      let fleet: HandWrittenFleet | undefined;
      const server = net.createServer((socket) => fleet?.accept(socket));
      server.once('error', reject);
      server.listen({ host: '127.0.0.1', port: 0, backlog: 4096 }, () => {
        const f = new HandWrittenFleet(server, (server.address() as net.AddressInfo).port, options, units);
        fleet = f;
        f.startHeartbeats();
        resolve(f);
      });
    });
  }

  /** Heartbeats in up to 50 batches, their first beats spread over `spreadMs`, then each every interval. */
  private startHeartbeats(): void {
    const all = [...this.byHost.values()];
    const batches = Math.max(1, Math.min(50, all.length));
    for (let b = 0; b < batches; b += 1) {
      const batch = all.slice(
        Math.floor((b * all.length) / batches),
        Math.floor(((b + 1) * all.length) / batches),
      );
      const beat = () => batch.forEach((unit) => this.heartbeat(unit));
      const first = setTimeout(
        () => {
          beat();
          this.heartbeatTimers.push(setInterval(beat, this.options.heartbeatIntervalMs));
        },
        (b * this.options.spreadMs) / batches,
      );
      this.heartbeatTimers.push(first);
    }
  }

  /** Units with a delivered heartbeat. */
  get connected(): number {
    return this.connectedCount;
  }

  /**
   * Sends one command to each unit (`commands[i]` to `hosts[i]`), at most `concurrency` waiting at
   * once, and resolves, once every command has its output or was given up, with the result of
   * each, in order.
   */
  runRound(hosts: readonly string[], commands: readonly string[]): Promise<HandWrittenResult[]> {
    return new Promise((resolve) => {
      const results: (HandWrittenResult | undefined)[] = new Array(hosts.length).fill(undefined);
      const base = this.identity();
      let next = 0;
      let finished = false;
      const finish = () => {
        if (finished) return;
        finished = true;
        clearInterval(sweep);
        for (const unit of this.byHost.values()) unit.waiting.length = 0;
        this.round = undefined;
        resolve(results.map((r) => r ?? { ok: false, error: 'timeout' }));
      };
      const launch = () => {
        while (next < hosts.length && round.inFlight.size < this.options.concurrency) {
          const index = next;
          next += 1;
          const unit = this.byHost.get(hosts[index]!);
          if (unit === undefined) throw new Error(`unknown unit ${hosts[index]}`);
          const waiting: Waiting = { index, sentAt: performance.now(), unit };
          unit.waiting.push(waiting);
          round.inFlight.add(waiting);
          const bytes = JSON.stringify({ ...base, type_: 'cmd', command: commands[index] });
          this.sendTo(unit.host, bytes, (ok) => {
            if (ok || !round.inFlight.has(waiting)) return;
            // never reached the unit: it will not answer
            this.giveUp(round, waiting, { ok: false, error: 'send' });
          });
        }
      };
      const round: RoundState = { results, pending: hosts.length, inFlight: new Set(), launch, done: finish };
      this.round = round;
      // one timer for every command's timeout
      const sweep = setInterval(() => {
        const limit = performance.now() - this.options.commandTimeoutMs;
        for (const waiting of round.inFlight) {
          if (waiting.sentAt <= limit) this.giveUp(round, waiting, { ok: false, error: 'timeout' });
        }
      }, 100);
      if (hosts.length === 0) return finish();
      launch();
    });
  }

  /** Stops the heartbeats, the server and every open connection. */
  close(): Promise<void> {
    for (const timer of this.heartbeatTimers) clearTimeout(timer);
    this.round?.done();
    for (const socket of this.sockets) socket.destroy();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private identity() {
    return {
      id: '0badc0de',
      name: 'hand-written',
      ip: '127.0.0.1',
      port: this.port,
      version: '0.0.0',
      coordinator: true,
    };
  }

  private heartbeat(unit: UnitState): void {
    this.stats.heartbeatsSent += 1;
    this.sendTo(unit.host, this.heartbeatBytes, (ok) => {
      if (!ok) this.stats.heartbeatsFailed += 1;
      else if (!unit.connected) {
        unit.connected = true;
        this.connectedCount += 1;
      }
    });
  }

  /** Connect, write, end; `done(true)` once the unit closed after taking it. */
  private sendTo(host: string, bytes: string | Buffer, done: (ok: boolean) => void): void {
    let failed = false;
    const socket = net.connect({ host, port: 5000 }, () => socket.end(bytes));
    this.sockets.add(socket);
    socket.on('error', () => (failed = true));
    socket.on('close', () => {
      this.sockets.delete(socket);
      done(!failed);
    });
  }

  private accept(socket: net.Socket): void {
    const chunks: Buffer[] = [];
    const host = socket.remoteAddress ?? '';
    this.sockets.add(socket);
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', () => undefined);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('end', () => {
      socket.destroy();
      let event: { type_?: unknown; output?: unknown; id?: unknown };
      try {
        event = JSON.parse(Buffer.concat(chunks).toString('utf8')) as typeof event;
      } catch {
        this.stats.rejected += 1;
        return;
      }
      if (event.type_ !== 'output') {
        this.stats.otherEvents += 1;
        return;
      }
      const unit = this.byHost.get(host.startsWith('::ffff:') ? host.slice(7) : host);
      const waiting = unit?.waiting.shift();
      const round = this.round;
      if (waiting === undefined || round === undefined) {
        this.stats.unmatched += 1;
        return;
      }
      this.settle(round, waiting, { ok: true, output: String(event.output), id: String(event.id) });
    });
  }

  /** Stops waiting for a command (timeout, or it could not be sent). */
  private giveUp(round: RoundState, waiting: Waiting, result: HandWrittenResult): void {
    const at = waiting.unit.waiting.indexOf(waiting);
    if (at >= 0) waiting.unit.waiting.splice(at, 1);
    this.settle(round, waiting, result);
  }

  private settle(round: RoundState, waiting: Waiting, result: HandWrittenResult): void {
    if (!round.inFlight.delete(waiting) || round.results[waiting.index] !== undefined) return;
    round.results[waiting.index] = result;
    round.pending -= 1;
    if (round.pending === 0) round.done();
    else round.launch();
  }
}
