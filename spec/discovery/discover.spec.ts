import * as net from 'node:net';
import { filter, firstValueFrom, lastValueFrom, take, toArray } from 'rxjs';
import { createCoordinator } from '../../src/coordinator';
import { discover, type DiscoveryItem } from '../../src/discovery';
import { simulateUnit, type SimulatedUnit } from '../../src/simulator';

/** Everything the scan emitted, without the progress items. */
const results = (items: DiscoveryItem[]) => items.filter((i) => i.kind !== 'progress');

describe('discover', () => {
  // 127.0.5.0/28 holds 127.0.5.1 .. 127.0.5.14; 127.0.5.40 lies outside it
  const hosts = ['127.0.5.3', '127.0.5.7', '127.0.5.12', '127.0.5.40'];
  let units: SimulatedUnit[];
  let stranger: net.Server;

  beforeAll(async () => {
    units = hosts.map((host) => simulateUnit({ host, hardwareReadyDelayMs: 20 }));
    stranger = net.createServer((socket) => socket.destroy());
    await Promise.all([
      ...units.map((u) => u.ready),
      new Promise<void>((resolve) => stranger.listen({ host: '127.0.5.9', port: 5000 }, resolve)),
    ]);
  });

  afterAll(async () => {
    await Promise.all(units.map((u) => u.close()));
    await new Promise((resolve) => stranger.close(resolve));
  });

  it('probes every host of the subnet, the preferred one first, and reports progress', async () => {
    const outside = firstValueFrom(units[3]!.events$.pipe(toArray()));
    const items = await lastValueFrom(
      discover({ subnet: '127.0.5.0/28', preferred: ['127.0.5.12', '127.0.5.40'], concurrency: 1 }).pipe(
        toArray(),
      ),
    );
    expect(results(items)).toEqual([
      { kind: 'found', address: '127.0.5.12', preferred: true },
      { kind: 'found', address: '127.0.5.3', preferred: false },
      { kind: 'found', address: '127.0.5.7', preferred: false },
      { kind: 'found', address: '127.0.5.9', preferred: false },
    ]);
    const progress = items.filter((i) => i.kind === 'progress');
    expect(progress).toHaveLength(14);
    expect(progress[0]).toEqual({ kind: 'progress', scanned: 1, total: 14, found: 1 });
    expect(progress[13]).toEqual({ kind: 'progress', scanned: 14, total: 14, found: 4 });
    // the probe wrote nothing, and nothing outside the subnet was contacted
    await units[3]!.close();
    expect((await outside).filter((a) => a.kind === 'request-rejected' || a.kind === 'request')).toEqual([]);
  });

  it('closes each probe without writing: a unit sees an empty connection, no request', async () => {
    const seen = firstValueFrom(
      units[0]!.events$.pipe(
        filter((a) => a.kind.startsWith('request')),
        take(1),
      ),
    );
    await lastValueFrom(discover({ subnet: '127.0.5.3/32', preferred: [] }).pipe(toArray()));
    expect(await seen).toEqual(
      expect.objectContaining({
        kind: 'request-rejected',
        message: expect.stringMatching(/empty|closed|no data|JSON/i),
      }),
    );
  });

  it('heartbeats the responders with a coordinator and emits their unit_info, or no-info', async () => {
    const coordinator = createCoordinator({ listen: { host: '127.0.0.1', port: 0 } });
    const keep = coordinator.listening$.subscribe();
    try {
      const items = await lastValueFrom(
        discover({ subnet: '127.0.5.0/28', coordinator, infoTimeoutMs: 1500 }).pipe(toArray()),
      );
      const found = results(items);
      for (const unit of units.slice(0, 3))
        expect(found).toContainEqual({
          kind: 'unit',
          address: unit.host,
          info: expect.objectContaining({ type_: 'unit_info', id: unit.identity.id, ip: unit.host }),
        });
      expect(found).toContainEqual({ kind: 'no-info', address: '127.0.5.9', waitedMs: 1500 });
      expect(found.filter((i) => i.kind === 'found')).toHaveLength(4);
      expect(units[0]!.coordinators().map((c) => c.id)).toEqual([coordinator.id]);
    } finally {
      keep.unsubscribe();
    }
  });

  it('stops probing when unsubscribed', async () => {
    const first = await firstValueFrom(discover({ subnet: '127.0.5.0/28', concurrency: 2 }));
    expect(first.kind === 'progress' || first.kind === 'found').toBe(true);
  });

  it('rejects invalid options at call time', () => {
    expect(() => discover({ subnet: '127.0.5.0/8' })).toThrow(RangeError);
    expect(() => discover({ subnet: '127.0.5.0/28', concurrency: 0 })).toThrow(
      'concurrency must be an integer',
    );
    expect(() => discover({ subnet: '127.0.5.0/28', port: 70000 })).toThrow(
      'port must be an integer 1..65535',
    );
    expect(() => discover({ subnet: '127.0.5.0/28', connectTimeoutMs: 1.5 })).toThrow('connectTimeoutMs');
  });
});
