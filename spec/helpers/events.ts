import { filter, firstValueFrom, type Observable, timeout } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import type { Command, Heartbeat, Identity, Message, Output, PycomEvent, UnitInfo } from '../../src/protocol';
import { receive, type Received, type Rejected, type RejectReason } from '../../src/protocol/inbound';
import { coordinatorIdentity, unitIdentity } from '../fixtures';

/**
 * Events and requests as the specs build them, and waits on streams: what a unit sends
 * (`output`, `message`, `unit_info`), what a coordinator sends (`heartbeat`, `command`), what a
 * listener hands on (`received`, `rejected`), and a TestScheduler for marbles.
 */

/** Unit A of the tests: id `aaaa0001`, address `192.168.0.21`. */
export const unitA: Identity = unitIdentity({ id: 'aaaa0001', name: 'la4-a', ip: '192.168.0.21' });

/** Unit B of the tests: id `bbbb0002`, address `192.168.0.22`. */
export const unitB: Identity = { ...unitA, id: 'bbbb0002', name: 'la4-b', ip: '192.168.0.22' };

/** Unit A's address, as the listener reports the source of its connections. */
export const ADDRESS_A = '192.168.0.21';
/** Unit B's address. */
export const ADDRESS_B = '192.168.0.22';
/** A router's address: where the events of units behind NAT come from. */
export const ADDRESS_NAT = '10.0.0.1';

/** An `output` event from `unit`. */
export const output = (unit: Identity, text: string): Output => ({ ...unit, type_: 'output', output: text });

/** A `message` event from `unit`. */
export const message = (unit: Identity, text: string): Message => ({
  ...unit,
  type_: 'message',
  message: text,
});

/**
 * The numbered `output` events of `unit`, the n-th with the text `text(n)`: a burst of senders,
 * each event told apart by its number.
 *
 * ```ts
 * const output = outputs(unitIdentity({ ip: SENDER }), (n) => `token-${n}`);
 * encodeEvent(output(7)); // ...,"output":"token-7"}
 * ```
 */
export const outputs =
  (unit: Identity, text: (n: number) => string) =>
  (n: number): Output =>
    output(unit, text(n));

/** The numbered `message` events of `unit`, as {@link outputs} makes outputs. */
export const messages =
  (unit: Identity, text: (n: number) => string) =>
  (n: number): Message =>
    message(unit, text(n));

/** A `unit_info` event from `unit`. */
export const unitInfo = (unit: Identity): UnitInfo => ({
  ...unit,
  type_: 'unit_info',
  wiringpi_version: '2.52',
  boardio_version: '1.3.0',
  firmware_version: '1.1.0',
  unit_type: 'light_array',
  mcu_type: 'RP2040',
  mac_address: 'dc:a6:32:1b:4e:f0',
});

/** `event` as the listener hands it on when its connection came from `address`. */
export const received = <E extends PycomEvent>(event: E, address: string, receivedAt = 0): Received<E> =>
  receive(event, { address, port: 40312 }, receivedAt);

/** A payload from `address` the listener rejected for `reason`, whose first bytes were `excerpt`. */
export const rejected = (
  reason: RejectReason,
  excerpt: string,
  address: string,
  receivedAt = 0,
): Rejected => ({
  kind: 'rejected',
  reason,
  message: `rejected (${reason})`,
  excerpt,
  bytes: Buffer.byteLength(excerpt),
  remote: { address, port: 40312 },
  receivedAt,
});

/** Where the in-memory kit's tests put their coordinator: 192.168.0.100 (an override of {@link heartbeat}). */
export const MEMORY_PC = { ip: '192.168.0.100' } as const;

/**
 * A coordinator's heartbeat (its identity): the vendor's coordinator (on 127.0.0.1), events
 * expected on `port`, with `overrides`.
 */
export function heartbeat(port = 5000, overrides: Partial<Heartbeat> = {}): Heartbeat {
  return coordinatorIdentity({ port, ...overrides });
}

/** A command request from the coordinator of {@link heartbeat}. */
export function command(port: number, text: string, overrides: Partial<Heartbeat> = {}): Command {
  return { ...heartbeat(port, overrides), type_: 'cmd', command: text };
}

/** A TestScheduler that compares with `toEqual`. */
export function testScheduler(): TestScheduler {
  return new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
}

/** The first value of `source` that matches `predicate` (rejects after `ms`). */
export const nextMatching = <T>(
  source: Observable<T>,
  predicate: (v: T) => boolean,
  ms = 10_000,
): Promise<T> => firstValueFrom(source.pipe(filter(predicate), timeout(ms)));
