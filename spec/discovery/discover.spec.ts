import * as net from 'node:net';
import { filter, firstValueFrom, lastValueFrom, take, toArray } from 'rxjs';
import { createCoordinator } from '../../src/coordinator';
import { discover, probe, probeHeartbeat, type DiscoveryItem } from '../../src/discovery';
import { OptionError } from '../../src/validation';

/** Where the probes and the coordinator's heartbeats come from (and where its listener binds). */
const LOCAL = '127.41.5.100';
import { simulateUnit, type SimulatedUnit } from '../../src/simulator';

/** Everything the scan emitted, without the progress items. */
const results = (items: DiscoveryItem[]) => items.filter((i) => i.kind !== 'progress');

describe('discover', () => {
  // this file's loopback range is 127.41.5.0/24 (spec/helpers/addresses.ts); 127.41.5.0/28 holds 127.41.5.1 .. 127.41.5.14; 127.41.5.40 lies outside it
  const hosts = ['127.41.5.3', '127.41.5.7', '127.41.5.12', '127.41.5.40'];
  let units: SimulatedUnit[];
  let stranger: net.Server;

  beforeAll(async () => {
    units = hosts.map((host) => simulateUnit({ host, hardwareReadyDelayMs: 20 }));
    stranger = net.createServer((socket) => socket.destroy());
    await Promise.all([
      ...units.map((u) => u.ready),
      new Promise<void>((resolve) => stranger.listen({ host: '127.41.5.9', port: 5000 }, resolve)),
    ]);
  });

  afterAll(async () => {
    await Promise.all(units.map((u) => u.close()));
    await new Promise((resolve) => stranger.close(resolve));
  });

  it('probes every host of the subnet, the preferred one first, and reports progress', async () => {
    const outside = firstValueFrom(units[3]!.events$.pipe(toArray()));
    const items = await lastValueFrom(
      discover({
        subnet: '127.41.5.0/28',
        preferred: ['127.41.5.12', '127.41.5.40'],
        concurrency: 1,
        localAddress: LOCAL,
      }).pipe(toArray()),
    );
    expect(results(items)).toEqual([
      { kind: 'found', address: '127.41.5.12', preferred: true },
      { kind: 'found', address: '127.41.5.3', preferred: false },
      { kind: 'found', address: '127.41.5.7', preferred: false },
      { kind: 'found', address: '127.41.5.9', preferred: false },
    ]);
    const progress = items.filter((i) => i.kind === 'progress');
    expect(progress).toHaveLength(14);
    expect(progress[0]).toEqual({ kind: 'progress', scanned: 1, total: 14, found: 1 });
    expect(progress[13]).toEqual({ kind: 'progress', scanned: 14, total: 14, found: 4 });
    // nothing outside the subnet was contacted
    await units[3]!.close();
    expect((await outside).filter((a) => a.kind === 'request-rejected' || a.kind === 'request')).toEqual([]);
  });

  it('probes with a real heartbeat (coordinator: false): a unit never sees a request it cannot parse', async () => {
    const seen = firstValueFrom(
      units[0]!.events$.pipe(
        filter((a) => a.kind.startsWith('request')),
        take(1),
      ),
    );
    await lastValueFrom(
      discover({ subnet: '127.41.5.3/32', preferred: [], localAddress: LOCAL }).pipe(toArray()),
    );
    expect(await seen).toEqual(
      expect.objectContaining({
        kind: 'request',
        request: expect.objectContaining({ name: 'pycom-rx-discover', ip: LOCAL, coordinator: false }),
        remote: expect.objectContaining({ address: LOCAL }),
      }),
    );
    // a heartbeat without coordinator: true adopts no coordinator
    expect(units[0]!.coordinators()).toEqual([]);
  });

  it('reports what a probe found: open, refused, or silent', async () => {
    const open = await firstValueFrom(probe({ host: '127.41.5.3', localAddress: LOCAL }));
    expect(open).toMatchObject({ host: '127.41.5.3', port: 5000, open: true });
    const refused = await firstValueFrom(probe({ host: '127.41.5.4', localAddress: LOCAL }));
    expect(refused).toMatchObject({ open: false, reason: 'ECONNREFUSED' });
    const heartbeat = probeHeartbeat({ address: LOCAL, port: 1 }, 'abcd1234');
    expect(heartbeat).toEqual(
      expect.objectContaining({ id: 'abcd1234', ip: LOCAL, port: 5000, coordinator: false }),
    );
  });

  it('heartbeats the responders with a coordinator and emits their unit_info, or no-info', async () => {
    const coordinator = createCoordinator({
      listen: { host: LOCAL, port: 0 },
      send: { localAddress: LOCAL },
    });
    const keep = coordinator.listening$.subscribe();
    try {
      const items = await lastValueFrom(
        discover({ subnet: '127.41.5.0/28', coordinator, infoTimeoutMs: 1500, localAddress: LOCAL }).pipe(
          toArray(),
        ),
      );
      const found = results(items);
      for (const unit of units.slice(0, 3))
        expect(found).toContainEqual({
          kind: 'unit',
          address: unit.host,
          info: expect.objectContaining({ type_: 'unit_info', id: unit.identity.id, ip: unit.host }),
        });
      expect(found).toContainEqual({ kind: 'no-info', address: '127.41.5.9', waitedMs: 1500 });
      expect(found.filter((i) => i.kind === 'found')).toHaveLength(4);
      expect(units[0]!.coordinators().map((c) => c.id)).toEqual([coordinator.id]);
    } finally {
      keep.unsubscribe();
      await coordinator.close(); // it heartbeats the units it addressed until then
    }
  });

  it('stops probing when unsubscribed', async () => {
    const first = await firstValueFrom(
      discover({ subnet: '127.41.5.0/28', concurrency: 2, localAddress: LOCAL }),
    );
    expect(first.kind === 'progress' || first.kind === 'found').toBe(true);
  });

  it('rejects invalid options at call time, naming them', () => {
    expect(() => discover({ subnet: '127.41.5.0/8' })).toThrow(RangeError);
    const error = (options: Parameters<typeof discover>[0]) => {
      try {
        discover(options);
      } catch (e) {
        return e;
      }
      return undefined;
    };
    for (const [options, option, reason] of [
      [{ concurrency: 0 }, 'concurrency', 'too-small'],
      [{ port: 70000 }, 'port', 'too-large'],
      [{ connectTimeoutMs: NaN }, 'connectTimeoutMs', 'not-finite'],
      [{ infoTimeoutMs: '3000' }, 'infoTimeoutMs', 'type'],
      [{ handOverTimeoutMs: 2 ** 31 }, 'handOverTimeoutMs', 'too-large'],
    ] as const) {
      const thrown = error({ subnet: '127.41.5.0/28', ...(options as object) });
      expect(thrown).toBeInstanceOf(OptionError);
      expect(thrown).toMatchObject({ option, reason });
    }
  });
});
