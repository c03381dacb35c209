import { EventEmitter } from 'node:events';
import type * as net from 'node:net';
import {
  ConnectionClock,
  InboundConnection,
  type ConnectionOutcome,
} from '../../src/transport/inboundConnection';

/** Just enough of a socket: what the connection calls, and how it closed it. */
class FakeSocket extends EventEmitter {
  closedWith: 'reset' | 'close' | undefined;
  reading = false;
  destroyed = false;
  resume(): this {
    this.reading = true;
    return this;
  }
  destroy(): this {
    this.closedWith ??= 'close';
    this.destroyed = true;
    return this;
  }
  resetAndDestroy(): this {
    this.closedWith ??= 'reset';
    this.destroyed = true;
    return this;
  }
}

const limits = { maxPayloadBytes: 64, idleTimeoutMs: 50, payloadTimeoutMs: 100, completeOnJson: true };
let now = 0;
let clock: ConnectionClock;
/** Moves the clock and the (fake) timers on together. */
function advance(ms: number): void {
  for (let i = 0; i < ms; i += 1) {
    now += 1;
    jest.advanceTimersByTime(1);
  }
}

function open(take = true) {
  const socket = new FakeSocket();
  const outcomes: ConnectionOutcome[] = [];
  let done = 0;
  const connection = new InboundConnection(
    socket as unknown as net.Socket,
    { address: '10.0.0.1', port: 1234 },
    limits,
    (outcome) => {
      outcomes.push(outcome);
      return take;
    },
    () => (done += 1),
    clock,
  );
  return { socket, connection, outcomes, done: () => done, clockSlack: clock.slack };
}

describe('InboundConnection', () => {
  beforeEach(() => {
    jest.useFakeTimers();
    now = 0;
    clock = new ConnectionClock(limits, () => now);
  });
  afterEach(() => {
    clock.close();
    jest.useRealTimers();
  });

  it('sweeps deadlines on a grid of an eighth of the smaller timeout', () => {
    expect(clock.slack).toBe(6);
    expect(new ConnectionClock({ idleTimeoutMs: 10_000, payloadTimeoutMs: 30_000 }).slack).toBe(100);
    expect(new ConnectionClock({ idleTimeoutMs: 5, payloadTimeoutMs: 30_000 }).slack).toBe(1);
  });

  it('does not read until it has a slot, and counts the waiting time in its overall deadline', () => {
    const { socket, connection, outcomes, done } = open();
    expect(socket.reading).toBe(false);
    advance(90);
    connection.activate();
    expect(socket.reading).toBe(true);
    advance(9);
    expect(outcomes).toEqual([]);
    // due at 100, swept at most one slack (6 ms) later
    advance(1 + clock.slack);
    expect(outcomes).toEqual([expect.objectContaining({ kind: 'rejected', reason: 'too-slow', bytes: 0 })]);
    expect(socket.closedWith).toBe('reset');
    expect(done()).toBe(1);
  });

  it('completes as soon as one whole object has arrived, and closes cleanly when it was taken', () => {
    const { socket, connection, outcomes } = open();
    connection.activate();
    socket.emit('data', Buffer.from('{"a": "}'));
    expect(outcomes).toEqual([]);
    socket.emit('data', Buffer.from('"}'));
    expect(outcomes).toEqual([{ kind: 'payload', bytes: Buffer.from('{"a": "}"}') }]);
    expect(socket.closedWith).toBe('close');
    socket.emit('end');
    socket.emit('close');
    expect(outcomes).toHaveLength(1);
  });

  it('resets the sender when the payload was not taken', () => {
    const { socket, connection } = open(false);
    connection.activate();
    socket.emit('data', Buffer.from('{}'));
    expect(socket.closedWith).toBe('reset');
  });

  it('resets on idle, too large and eviction, keeping the start of what came', () => {
    const idle = open();
    idle.connection.activate();
    idle.socket.emit('data', Buffer.from('{"a'));
    advance(40);
    idle.socket.emit('data', Buffer.from('"'));
    advance(49);
    expect(idle.outcomes).toEqual([]);
    advance(1 + idle.clockSlack);
    expect(idle.outcomes[0]).toMatchObject({ reason: 'idle-timeout', head: Buffer.from('{"a"'), bytes: 4 });
    const large = open();
    large.connection.activate();
    large.socket.emit('data', Buffer.alloc(65, 0x20));
    expect(large.outcomes[0]).toMatchObject({ reason: 'too-large', bytes: 65 });
    const evicted = open();
    evicted.connection.activate();
    evicted.socket.emit('data', Buffer.from('['));
    evicted.connection.drop('evicted', 'closed to make room');
    expect(evicted.outcomes[0]).toMatchObject({
      reason: 'evicted',
      message: 'closed to make room',
      bytes: 1,
    });
    expect([idle, large, evicted].map((c) => c.socket.closedWith)).toEqual(['reset', 'reset', 'reset']);
  });

  it('reports a peer reset as reset, and closes without a report when the listener stops', () => {
    const peer = open();
    peer.connection.activate();
    peer.socket.emit('error', Object.assign(new Error('reset'), { code: 'ECONNRESET' }));
    expect(peer.outcomes[0]).toMatchObject({
      reason: 'reset',
      message: 'connection aborted by the peer (ECONNRESET)',
    });
    const stopped = open();
    stopped.connection.abort();
    advance(1_000);
    expect(stopped.outcomes).toEqual([]);
    expect(stopped.socket.closedWith).toBe('reset');
  });
});
