// An ES module consumer of the installed package (scripts/consumer.cjs type-checks and runs it).
import { firstValueFrom, take, toArray } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { awaitOutput, fromNode, type PendingCommand } from 'pycom-rx';
import { memoryNetwork, memoryTransport, memoryUnit } from 'pycom-rx/testing';
import { simulateUnit, type SimulateUnitOptions } from 'pycom-rx/simulator';

const options: SimulateUnitOptions = { host: '127.250.1.2' };
void options;
void simulateUnit;
void awaitOutput<PendingCommand>;
void fromNode;

// the in-memory kit on real time: a unit answers a heartbeat with its unit_info
const scheduler = new TestScheduler(() => undefined);
void scheduler;
const network = memoryNetwork();
memoryUnit(network, { host: '10.0.0.7', hardwareReadyDelayMs: 0 });
const transport = memoryTransport(network);
const items = firstValueFrom(transport.listen({ port: 5000 }).pipe(take(1), toArray()));
await firstValueFrom(
  transport.send('10.0.0.7', {
    id: 'c0ffee01',
    name: 'pc',
    ip: '10.0.0.100',
    port: 5000,
    version: '1',
    coordinator: true,
  }),
);
const [first] = await items;
if (first === undefined || !('type_' in first) || first.type_ !== 'unit_info')
  throw new Error('no unit_info');
console.log('consumer ok (esm)');
