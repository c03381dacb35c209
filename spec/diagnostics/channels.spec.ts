import * as diagnosticsChannel from 'node:diagnostics_channel';
import { firstValueFrom, filter, take, toArray } from 'rxjs';
import { createCoordinator, type Presence } from '../../src/coordinator';
import { encodeEvent } from '../../src/protocol';
import { simulateUnit, type SimulatedUnit } from '../../src/simulator';
import { listen, type Inbound } from '../../src/transport';
import { unitIdentity } from '../fixtures';
import { rawSend } from '../helpers/net';

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
    await rawSend(port, encodeEvent({ ...unitIdentity(), type_: 'message', message: 'hello' }), {
      host: '127.46.6.1',
    });
    await rawSend(port, '{"type_": "message", "mess', { host: '127.46.6.1' });
    const emitted = await items;
    channel.stop();
    expect(channel.items).toEqual(emitted);
    expect(channel.items.map((i) => i.kind).sort()).toEqual(['event', 'rejected']);
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
