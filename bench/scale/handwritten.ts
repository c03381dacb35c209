/**
 * The hand-written baseline of bench/scale.ts: the same fleet work as the coordinator run, written
 * directly on `node:net` with nothing the protocol does not ask for.
 *
 * - its own TCP server: reads each inbound connection to its end, `JSON.parse`s it, and hands it
 *   to the unit whose address the connection came from (the units send from their own address);
 * - heartbeats to every unit every `heartbeatIntervalMs` (connect, write the JSON, end; delivered
 *   once the unit closes); a unit counts as connected once a heartbeat was delivered;
 * - per round, one command per unit; positional matching: the next `output` from a unit answers
 *   its oldest waiting command; one deadline for the whole round.
 *
 * No decoding beyond `JSON.parse`, no limits, no per-command timers or Observables: the floor the
 * coordinator is compared with.
 */
import * as net from 'node:net';
import type { UnitAddress } from './units';

/** Options of {@link HandWrittenFleet.start}. */
export interface HandWrittenOptions {
  readonly heartbeatIntervalMs: number;
  /** A round gives up on the outputs still missing after this long. */
  readonly roundTimeoutMs: number;
}

/** What one command of a round came to. */
export type HandWrittenResult =
  | { readonly ok: true; readonly output: string; readonly id: string }
  | { readonly ok: false; readonly error: 'timeout' | 'send' };

interface Waiting {
  readonly index: number;
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
  private heartbeatTimer: NodeJS.Timeout | undefined;
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
        fleet = new HandWrittenFleet(server, (server.address() as net.AddressInfo).port, options, units);
        fleet.heartbeatAll();
        fleet.heartbeatTimer = setInterval(() => fleet?.heartbeatAll(), options.heartbeatIntervalMs);
        resolve(fleet);
      });
    });
  }

  /** Units with a delivered heartbeat. */
  get connected(): number {
    return this.connectedCount;
  }

  /**
   * Sends one command to each unit (`commands[i]` to `hosts[i]`) and resolves, once every output
   * has arrived or the round's deadline passed, with the result of each, in order.
   */
  runRound(hosts: readonly string[], commands: readonly string[]): Promise<HandWrittenResult[]> {
    return new Promise((resolve) => {
      const results: (HandWrittenResult | undefined)[] = new Array(hosts.length).fill(undefined);
      let finished = false;
      const finish = () => {
        if (finished) return;
        finished = true;
        clearTimeout(deadline);
        for (const unit of this.byHost.values()) unit.waiting.length = 0;
        this.round = undefined;
        resolve(results.map((r) => r ?? { ok: false, error: 'timeout' }));
      };
      const deadline = setTimeout(finish, this.options.roundTimeoutMs);
      const round: RoundState = { results, pending: hosts.length, done: finish };
      this.round = round;
      if (hosts.length === 0) return finish();
      const base = this.identity();
      hosts.forEach((host, index) => {
        const unit = this.byHost.get(host);
        if (unit === undefined) throw new Error(`unknown unit ${host}`);
        unit.waiting.push({ index });
        const bytes = JSON.stringify({ ...base, type_: 'cmd', command: commands[index] });
        this.sendTo(host, bytes, (ok) => {
          if (ok || results[index] !== undefined) return;
          // never reached the unit: it will not answer
          const at = unit.waiting.findIndex((w) => w.index === index);
          if (at >= 0) unit.waiting.splice(at, 1);
          this.settle(round, index, { ok: false, error: 'send' });
        });
      });
    });
  }

  /** Stops the heartbeats, the server and every open connection. */
  close(): Promise<void> {
    clearInterval(this.heartbeatTimer);
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

  private heartbeatAll(): void {
    for (const unit of this.byHost.values()) {
      this.stats.heartbeatsSent += 1;
      this.sendTo(unit.host, this.heartbeatBytes, (ok) => {
        if (!ok) this.stats.heartbeatsFailed += 1;
        else if (!unit.connected) {
          unit.connected = true;
          this.connectedCount += 1;
        }
      });
    }
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
      this.settle(round, waiting.index, {
        ok: true,
        output: String(event.output),
        id: String(event.id),
      });
    });
  }

  private settle(round: RoundState, index: number, result: HandWrittenResult): void {
    if (round.results[index] !== undefined) return;
    round.results[index] = result;
    round.pending -= 1;
    if (round.pending === 0) round.done();
  }
}
