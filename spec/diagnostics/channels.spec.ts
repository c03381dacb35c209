import * as diagnosticsChannel from 'node:diagnostics_channel';
import { firstValueFrom, filter, take, toArray } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { createCoordinator, type Presence } from '../../src/coordinator';
import type { CommandDiagnostic, HeartbeatDiagnostic } from '../../src/diagnostics';
import { encodeEvent } from '../../src/protocol';
import { simulateUnit, type SimulatedUnit } from '../../src/simulator';
import { memoryNetwork, memoryTransport, memoryUnit } from '../../src/testing';
import { listen, type Inbound } from '../../src/transport';
import { unitIdentity } from '../fixtures';
import { rawSend } from '../helpers/sockets';

/** Collects what a channel carries while subscribed. */
function collect<T>(name: string): { items: T[]; stop: () => void } {
  const items: T[] = [];
  const onMessage = (message: unknown) => items.push(message as T);
  diagnosticsChannel.subscribe(name, onMessage);
  return { items, stop: () => diagnosticsChannel.unsubscribe(name, onMessage) };
}

describe('the pycom-rx:inbound channel', () => {
  it('carries every item listen() emits, events and rejected payloads alike', async () => {
    const channel = collect<Inbound>('pycom-rx:inbound');
    let bound!: (port: number) => void;
    const listening = new Promise<number>((resolve) => (bound = resolve));
    const items = firstValueFrom(
      listen({ host: '127.46.6.1', port: 0, onListening: (a) => bound(a.port) }).pipe(take(2), toArray()),
    );
    const port = await listening;
    await rawSend(
      { host: '127.46.6.1', port },
      encodeEvent({ ...unitIdentity(), type_: 'message', message: 'hello' }),
    );
    await rawSend({ host: '127.46.6.1', port }, '{"type_": "message", "mess');
    const emitted = await items;
    channel.stop();
    expect(channel.items).toEqual(emitted);
    expect(channel.items.map((i) => ('type_' in i ? i.type_ : i.kind)).sort()).toEqual([
      'message',
      'rejected',
    ]);
  });
});

describe('the pycom-rx:presence channel', () => {
  let unit: SimulatedUnit | undefined;
  afterEach(async () => unit?.close());

  it('carries the presence changes of units', async () => {
    unit = simulateUnit({ host: '127.46.6.2', hardwareReadyDelayMs: 10 });
    await unit.ready;
    const channel = collect<Presence>('pycom-rx:presence');
    const coordinator = createCoordinator({ listen: { host: '127.0.0.1', port: 0 } });
    const states = await firstValueFrom(
      coordinator.connect('127.46.6.2').pipe(
        filter((p) => p.state === 'connected'),
        take(1),
      ),
    );
    channel.stop();
    await coordinator.close();
    expect(states.state).toBe('connected');
    expect(channel.items.filter((p) => p.unit === '127.46.6.2').map((p) => p.state)).toEqual([
      'pending',
      'connected',
    ]);
  });
});

describe('the pycom-rx:command and pycom-rx:heartbeat channels', () => {
  let unit: SimulatedUnit | undefined;
  afterEach(async () => unit?.close());

  it("carry each command's life and each heartbeat's outcome", async () => {
    unit = simulateUnit({ host: '127.46.6.3', hardwareReadyDelayMs: 10 });
    await unit.ready;
    const commands = collect<CommandDiagnostic>('pycom-rx:command');
    const heartbeats = collect<HeartbeatDiagnostic>('pycom-rx:heartbeat');
    const coordinator = createCoordinator({ listen: { host: '127.0.0.1', port: 0 } });
    const sentAt = Date.now();
    const output = await firstValueFrom(coordinator.command('127.46.6.3', 'echo hi; exit 4'));
    const answeredIn = Date.now() - sentAt;
    const refused = firstValueFrom(coordinator.command('127.46.6.250', 'true')).catch((e: Error) => e);
    expect(await refused).toBeInstanceOf(Error);
    commands.stop();
    heartbeats.stop();
    await coordinator.close();
    expect(output.exitCode).toBe(4);
    const mine = commands.items.filter((c) => c.unit === '127.46.6.3');
    expect(mine.map((c) => c.phase)).toEqual(['sent', 'output']);
    expect(mine[1]).toMatchObject({ command: 'echo hi; exit 4', exitCode: 4 });
    // from sending to the output: within the time the caller waited (exact figures: virtual time, below)
    expect(mine[1]!.ms).toBeGreaterThanOrEqual(0);
    expect(mine[1]!.ms).toBeLessThanOrEqual(answeredIn);
    const failed = commands.items.filter((c) => c.unit === '127.46.6.250');
    expect(failed.map((c) => c.phase)).toEqual(['sent', 'failed']);
    expect(failed[1]!.error).toMatch(/ECONNREFUSED|refused/);
    expect(heartbeats.items).toContainEqual({ unit: '127.46.6.3', port: 5000, outcome: 'delivered' });
  });
});

describe('the pycom-rx:command channel in virtual time', () => {
  it('gives ms from sending a command to its output', () => {
    const ts = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
    const commands = collect<CommandDiagnostic>('pycom-rx:command');
    try {
      ts.run(() => {
        const network = memoryNetwork({ scheduler: ts });
        memoryUnit(network, { host: '10.46.6.3', executor: () => ({ stdout: 'hi\n', durationMs: 41 }) });
        const coordinator = createCoordinator({ scheduler: ts, transport: memoryTransport(network) });
        coordinator.command('10.46.6.3', 'echo hi').subscribe();
        ts.schedule(() => void coordinator.close(), 1_000);
      });
    } finally {
      commands.stop();
    }
    // a network without latency: the unit's 41 ms of running
    expect(commands.items.find((c) => c.phase === 'output')).toMatchObject({ command: 'echo hi', ms: 41 });
  });
});
