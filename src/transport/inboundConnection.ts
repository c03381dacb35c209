import type * as net from 'node:net';
import type { PoolMember } from './connectionPool';
import { JsonEndScanner } from './jsonEnd';
import type { RejectReason, Remote } from '../protocol/inbound';
import type { ConnectionLimits, ConnectionOutcome } from './connectionOutcome';

export type { ConnectionLimits, ConnectionOutcome } from './connectionOutcome';

const HEAD_BYTES = 400;

/** The longest a sweep of the {@link ConnectionClock} may come after a deadline. */
const MAX_SLACK_MS = 100;

/** Where a socket keeps its connection, for the listeners shared by every connection. */
const CONNECTION = Symbol('pycom-rx.connection');

type Tagged = net.Socket & { [CONNECTION]: InboundConnection };

/**
 * The deadlines of every connection of one listener, kept by a single timer instead of two
 * timers per connection: the overall deadline (`payloadTimeoutMs` from accept) and the idle
 * deadline (`idleTimeoutMs` since the last data, while the connection is read). All connections
 * share the same two timeouts, so each kind of deadline falls in the order the connections were
 * accepted (or last received data): two insertion-ordered sets, each swept from its oldest end,
 * and one timer armed for the earliest deadline, rounded up to a grid of `slack` ms so that
 * deadlines close together are handled by one sweep.
 *
 * A deadline thus fires at most `slack` ms late: an eighth of the smaller timeout, at most
 * 100 ms (plus whatever delays the event loop). Internal to the transport.
 * @category Transport
 */
export class ConnectionClock {
  /** Live connections, oldest accept first. */
  private readonly accepted = new Set<InboundConnection>();
  /** Connections being read, least recent data first. */
  private readonly reading = new Set<InboundConnection>();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private timerAt = Infinity;
  private closed = false;
  /** How late a sweep may come after a deadline, in ms. */
  readonly slack: number;
  private readonly idleMs: number;
  private readonly payloadMs: number;

  constructor(
    limits: Pick<ConnectionLimits, 'idleTimeoutMs' | 'payloadTimeoutMs'>,
    readonly now: () => number = () => performance.now(),
  ) {
    this.idleMs = limits.idleTimeoutMs;
    this.payloadMs = limits.payloadTimeoutMs;
    this.slack = Math.max(1, Math.min(MAX_SLACK_MS, Math.floor(Math.min(this.idleMs, this.payloadMs) / 8)));
  }

  /** Live connections (accepted and not finished), oldest first. */
  get live(): ReadonlySet<InboundConnection> {
    return this.accepted;
  }

  /** A connection was accepted at `at`: its overall deadline runs. */
  accept(connection: InboundConnection, at: number): void {
    if (this.closed) return;
    this.accepted.add(connection);
    this.armFor(at + this.payloadMs);
  }

  /** A connection started reading (or received data) at `at`: its idle deadline (re)starts. */
  heard(connection: InboundConnection, at: number): void {
    if (this.closed) return;
    const { reading } = this;
    if (reading.delete(connection)) {
      reading.add(connection);
      return; // later than the deadline the timer is armed for (or than the one it covers)
    }
    reading.add(connection);
    this.armFor(at + this.idleMs);
  }

  /** A connection finished: forget its deadlines. */
  forget(connection: InboundConnection): void {
    this.accepted.delete(connection);
    this.reading.delete(connection);
  }

  /** Stops the timer and forgets every connection (the listener closes them itself). */
  close(): void {
    this.closed = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.accepted.clear();
    this.reading.clear();
  }

  private armFor(deadline: number): void {
    const { slack } = this;
    const at = Math.ceil(deadline / slack) * slack;
    if (at >= this.timerAt) return;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timerAt = at;
    this.timer = setTimeout(this.sweep, Math.max(1, Math.ceil(at - this.now())));
  }

  private readonly sweep = (): void => {
    this.timer = undefined;
    this.timerAt = Infinity;
    const now = this.now();
    // a connection leaves the sets when it finishes (forget), so each loop advances
    for (const connection of this.accepted) {
      if (connection.acceptedAt + this.payloadMs > now) break;
      connection.expire('too-slow');
    }
    for (const connection of this.reading) {
      if (connection.heardAt + this.idleMs > now) break;
      connection.expire('idle-timeout');
    }
    if (this.closed) return;
    for (const connection of this.accepted) {
      this.armFor(connection.acceptedAt + this.payloadMs);
      break;
    }
    for (const connection of this.reading) {
      this.armFor(connection.heardAt + this.idleMs);
      break;
    }
  };
}

/**
 * One inbound connection of the listener, from accept to its single outcome: waits (unread)
 * until the pool gives it a slot, then reads its payload with the size, idle and overall limits,
 * finding the end of a JSON object incrementally for peers that do not half-close. Its idle and
 * overall deadlines are kept by the listener's {@link ConnectionClock}.
 *
 * `onOutcome` is called exactly once. For a payload, it returns whether the payload was taken:
 * taken, the connection is closed normally (the sender sees its request delivered); not taken,
 * or for any rejection, it is reset, so that the sender sees an error and never a clean close.
 * @category Transport
 */
export class InboundConnection implements PoolMember {
  readonly address: string;
  bytes = 0;
  /** When it was accepted (the clock's time). */
  readonly acceptedAt: number;
  /** When it last received data, or started reading (the clock's time). */
  heardAt = 0;
  private readonly chunks: Buffer[] = [];
  private readonly scanner: JsonEndScanner | undefined;
  private done = false;

  constructor(
    private readonly socket: net.Socket,
    readonly remote: Remote,
    private readonly limits: ConnectionLimits,
    private readonly onOutcome: (outcome: ConnectionOutcome, connection: InboundConnection) => boolean,
    private readonly onDone: (connection: InboundConnection) => void,
    private readonly clock: ConnectionClock,
  ) {
    this.address = remote.address;
    this.scanner = limits.completeOnJson ? new JsonEndScanner() : undefined;
    // the overall deadline runs from accept, waiting time included
    this.acceptedAt = clock.now();
    clock.accept(this, this.acceptedAt);
    (socket as Tagged)[CONNECTION] = this;
    socket.on('error', InboundConnection.onError);
    socket.on('close', InboundConnection.onClose);
  }

  // listeners shared by every connection: the socket (`this`) knows its connection
  private static onError(this: net.Socket, err: NodeJS.ErrnoException): void {
    (this as Tagged)[CONNECTION].reject(
      'reset',
      `connection aborted by the peer (${err.code ?? err.message})`,
      false,
    );
  }

  private static onClose(this: net.Socket): void {
    (this as Tagged)[CONNECTION].reject('reset', 'connection closed before the payload ended', false);
  }

  private static onData(this: net.Socket, chunk: Buffer): void {
    (this as Tagged)[CONNECTION].receive(chunk);
  }

  private static onEnd(this: net.Socket): void {
    (this as Tagged)[CONNECTION].complete();
  }

  /** The pool gave it a slot: start reading. */
  activate(): void {
    if (this.done) return;
    const { socket, clock } = this;
    this.heardAt = clock.now();
    clock.heard(this, this.heardAt);
    socket.on('data', InboundConnection.onData);
    socket.on('end', InboundConnection.onEnd);
    socket.resume();
  }

  /** The pool takes its slot or place away. */
  drop(reason: 'evicted' | 'too-many-connections', message: string): void {
    this.finish({ kind: 'rejected', reason, message, head: this.head(), bytes: this.bytes }, true);
  }

  /** A deadline of the clock passed. */
  expire(reason: 'too-slow' | 'idle-timeout'): void {
    const { limits } = this;
    if (reason === 'too-slow')
      this.reject(reason, `payload not complete within ${limits.payloadTimeoutMs} ms`);
    else this.reject(reason, `no data for ${limits.idleTimeoutMs} ms`);
  }

  /** The listener stops: close without reporting. */
  abort(): void {
    if (this.done) return;
    this.done = true;
    this.clock.forget(this);
    this.reset();
  }

  private receive(chunk: Buffer): void {
    if (this.done) return;
    const before = this.bytes;
    this.bytes += chunk.length;
    if (this.bytes > this.limits.maxPayloadBytes) {
      if (before < HEAD_BYTES) this.chunks.push(chunk.subarray(0, HEAD_BYTES - before));
      this.reject('too-large', `payload larger than ${this.limits.maxPayloadBytes} bytes`);
      return;
    }
    this.chunks.push(chunk);
    if (this.scanner !== undefined && this.scanner.feed(chunk) !== -1) {
      this.complete();
      return;
    }
    const { clock } = this;
    this.heardAt = clock.now();
    clock.heard(this, this.heardAt);
  }

  private complete(): void {
    if (this.done) return;
    const { chunks, bytes } = this;
    const payload = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, bytes);
    this.finish({ kind: 'payload', bytes: payload }, false);
  }

  private reject(reason: RejectReason, message: string, reset = true): void {
    if (this.done) return;
    this.finish({ kind: 'rejected', reason, message, head: this.head(), bytes: this.bytes }, reset);
  }

  private head(): Buffer {
    const { chunks } = this;
    if (chunks.length === 0) return Buffer.alloc(0);
    const first = chunks[0]!;
    if (first.length >= HEAD_BYTES || chunks.length === 1) return first.subarray(0, HEAD_BYTES);
    return Buffer.concat(chunks).subarray(0, HEAD_BYTES);
  }

  private finish(outcome: ConnectionOutcome, reset: boolean): void {
    if (this.done) return;
    this.done = true;
    this.clock.forget(this);
    this.onDone(this);
    if (outcome.kind === 'payload') {
      // hand the payload over first, then close: the event reaches the application sooner
      const taken = this.onOutcome(outcome, this);
      if (taken) this.socket.destroy();
      else this.reset();
      return;
    }
    if (reset) this.reset();
    else this.socket.destroy();
    this.onOutcome(outcome, this);
  }

  /** Closes with a RST, so that the peer sees an error rather than a clean close. */
  private reset(): void {
    const { socket } = this;
    if (socket.destroyed) return;
    try {
      socket.resetAndDestroy();
    } catch {
      socket.destroy();
    }
  }
}
