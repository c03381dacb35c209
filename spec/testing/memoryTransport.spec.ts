import type { AddressInfo } from 'node:net';
import { concatMap, filter, map } from 'rxjs';
import { ListenError, SendError, type Inbound } from '../../src/transport';
import { memoryNetwork, memoryTransport, memoryUnit, unitInfoEvent } from '../../src/testing';
import { heartbeat, MEMORY_PC, testScheduler } from '../helpers/events';

const UNIT = '192.168.0.23';
const PC = '192.168.0.100';

describe('memoryTransport', () => {
  it('listens on subscribe, tells onListening on the scheduler, and receives events with their source', () => {
    const ts = testScheduler();
    const bound: Array<[number, AddressInfo]> = [];
    ts.run(({ cold, expectObservable }) => {
      const network = memoryNetwork({ scheduler: ts });
      const transport = memoryTransport(network);
      memoryUnit(network, { host: UNIT });
      const inbound$ = transport.listen({ onListening: (a) => bound.push([ts.now(), a]) });
      const sent$ = cold('--(a|)').pipe(concatMap(() => transport.send(UNIT, heartbeat(5000, MEMORY_PC))));
      expectObservable(inbound$).toBe('--a', {
        a: {
          ...unitInfoEvent({ host: UNIT }),
          remote: { address: UNIT, port: expect.any(Number) },
          receivedAt: 2,
        },
      });
      expectObservable(sent$).toBe('--(a|)', {
        a: { host: UNIT, port: 5000, local: { address: PC, port: expect.any(Number) } },
      });
    });
    expect(bound).toEqual([[0, { address: '0.0.0.0', family: 'IPv4', port: 5000 }]]);
  });

  it('picks a free port for port 0, and hands the unit the address that reaches it', () => {
    const ts = testScheduler();
    ts.run(({ expectObservable }) => {
      const network = memoryNetwork({ scheduler: ts });
      const transport = memoryTransport(network, { host: '10.0.0.1' });
      const unit = memoryUnit(network, { host: '10.0.0.2' });
      const seen$ = unit.events$.pipe(
        filter((a) => a.kind === 'request' || a.kind === 'coordinator-added'),
        map((a) => (a.kind === 'request' ? a.request.ip : a.kind)),
      );
      let port = 0;
      transport.listen({ port: 0, onListening: (a) => (port = a.port) }).subscribe();
      ts.schedule(() => {
        expect(port).toBeGreaterThan(0);
        transport.send('10.0.0.2', (local) => heartbeat(port, { ip: local.address })).subscribe();
      }, 1);
      expectObservable(seen$).toBe('-(ab)', { a: '10.0.0.1', b: 'coordinator-added' });
    });
  });

  it('errors with ListenError when the port is taken or the address is not this machine', () => {
    const ts = testScheduler();
    ts.run(({ expectObservable }) => {
      const network = memoryNetwork({ scheduler: ts });
      const transport = memoryTransport(network);
      transport.listen({ port: 5000 }).subscribe();
      expectObservable(transport.listen({ port: 5000 })).toBe(
        '#',
        undefined,
        new ListenError('0.0.0.0', 5000, 'in-use', 'EADDRINUSE'),
      );
      expectObservable(transport.listen({ host: '10.9.9.9', port: 5001 })).toBe(
        '#',
        undefined,
        new ListenError('10.9.9.9', 5001, 'address', 'EADDRNOTAVAIL'),
      );
    });
  });

  it('refuses invalid options at call time, as the TCP transport does', () => {
    const transport = memoryTransport(memoryNetwork());
    expect(() => transport.listen({ port: 70_000 })).toThrow(RangeError);
    expect(() => transport.send({ host: UNIT, port: 0 }, heartbeat(5000, MEMORY_PC))).toThrow(RangeError);
    expect(() => transport.send(UNIT, heartbeat(5000, MEMORY_PC), { connectTimeoutMs: -1 })).toThrow(
      RangeError,
    );
  });

  it('releases the port on unsubscribe', () => {
    const ts = testScheduler();
    ts.run(({ cold, expectObservable }) => {
      const network = memoryNetwork({ scheduler: ts });
      const transport = memoryTransport(network);
      expectObservable(transport.listen({ port: 5000 }), '^--!').toBe('---');
      const second$ = cold('----a').pipe(
        concatMap(() => transport.listen({ port: 5000, onListening: () => undefined })),
      );
      expectObservable(second$, '^-----!').toBe('------');
    });
  });

  it('fails a send with refused where nothing listens, and with timeout where nobody is', () => {
    const ts = testScheduler();
    ts.run(({ expectObservable }) => {
      const network = memoryNetwork({ scheduler: ts });
      const transport = memoryTransport(network);
      memoryUnit(network, { host: UNIT });
      expectObservable(transport.send({ host: UNIT, port: 5001 }, heartbeat(5000, MEMORY_PC))).toBe(
        '#',
        undefined,
        new SendError(UNIT, 5001, 'refused', 'ECONNREFUSED', 'connect: ECONNREFUSED'),
      );
      expectObservable(
        transport.send('10.1.1.1', heartbeat(5000, MEMORY_PC), { connectTimeoutMs: 500 }),
      ).toBe(
        '500ms #',
        undefined,
        new SendError('10.1.1.1', 5000, 'timeout', undefined, 'not connected within 500 ms'),
      );
    });
  });

  it('takes latencyMs for each connection', () => {
    const ts = testScheduler();
    ts.run(({ expectObservable }) => {
      const network = memoryNetwork({ scheduler: ts, latencyMs: 5 });
      const transport = memoryTransport(network);
      memoryUnit(network, { host: UNIT });
      const inbound$ = transport.listen({}).pipe(map((i) => ('type_' in i ? i.type_ : i.reason)));
      expectObservable(transport.send(UNIT, heartbeat(5000, MEMORY_PC))).toBe('5ms (a|)', {
        a: expect.anything(),
      });
      expectObservable(inbound$).toBe('10ms a', { a: 'unit_info' });
    });
  });

  it('rejects what is not a valid event, too large, or from a sender allow() refuses', () => {
    const ts = testScheduler();
    ts.run(({ expectObservable }) => {
      const network = memoryNetwork({ scheduler: ts });
      const transport = memoryTransport(network);
      memoryUnit(network, {
        host: '10.0.0.2',
        unitInfo: { firmware_version: 'x'.repeat(500) },
      });
      memoryUnit(network, { host: '10.0.0.3' });
      const unit = memoryUnit(network, { host: '10.0.0.4' });
      unit.faults.malformNext();
      const reasons$ = transport
        .listen({ maxPayloadBytes: 400, allow: (a) => a !== '10.0.0.3' })
        .pipe(map((i: Inbound) => ('type_' in i ? i.type_ : `${i.remote.address} ${i.reason}`)));
      ts.schedule(() => {
        for (const host of ['10.0.0.2', '10.0.0.3', '10.0.0.4'])
          transport.send(host, heartbeat(5000, MEMORY_PC)).subscribe();
      }, 1);
      expectObservable(reasons$).toBe('-(abc)', {
        a: '10.0.0.2 too-large',
        b: '10.0.0.3 not-allowed',
        c: '10.0.0.4 json',
      });
    });
  });
});
