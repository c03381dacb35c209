/**
 * In-memory pycom units for the benchmarks that measure the coordinator without sockets
 * (bench/overhead.ts, bench/tools/heapPerUnit.ts): a `Transport['send']` whose sends are delivered
 * on `setImmediate`, and whose `echo X` commands output `X\n` (with the trailer when tagged) on
 * the next one, to `sink`.
 */
import { Observable, Subject } from 'rxjs';
import { taggedOutput, untagCommand } from '../../src/protocol/tagged';
import type { Inbound, Transport } from '../../src/transport';

/** Where the unit's answers go: the coordinator's listener, or the bare loop's handler. */
type Sink = (item: Inbound) => void;

/** In-memory pycom units: `send` answers on `setImmediate`; `echo X` outputs `X\n` (with the trailer when tagged) to `sink`. */
export function memoryUnits(sink: Sink): Transport['send'] {
  return (target, request) =>
    new Observable((subscriber) => {
      const host = typeof target === 'string' ? target : target.host;
      const local = { address: '127.0.0.1', port: 40_000 };
      const r = typeof request === 'function' ? request(local) : request;
      const timer = setImmediate(() => {
        subscriber.next({ host, port: 5000, local });
        subscriber.complete();
        if (!('type_' in r) || r.type_ !== 'cmd') return;
        const tagged = untagCommand(r.command);
        const text = tagged
          ? taggedOutput(tagged.nonce, `${tagged.command.slice(5)}\n`, 0)
          : `${r.command.slice(5)}\n`;
        setImmediate(() =>
          sink({
            id: host,
            name: 'unit',
            ip: host,
            port: 5000,
            version: '0.14.0',
            coordinator: false,
            type_: 'output',
            output: text,
            remote: { address: host, port: 40_001 },
            receivedAt: Date.now(),
          }),
        );
      });
      return () => clearImmediate(timer);
    });
}

/**
 * A whole in-memory `Transport` over {@link memoryUnits}: the listener is "bound" on the next
 * turn (port 4999), and every unit's answers come out of it.
 */
export function memoryTransport(): Transport {
  const inbound = new Subject<Inbound>();
  return {
    listen: (options) =>
      new Observable<Inbound>((subscriber) => {
        const keep = inbound.subscribe(subscriber);
        setImmediate(() => options.onListening?.({ address: '127.0.0.1', family: 'IPv4', port: 4999 }));
        return keep;
      }),
    send: memoryUnits((item) => inbound.next(item)),
  };
}
