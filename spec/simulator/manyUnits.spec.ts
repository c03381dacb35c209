import { nthAddress, simulateUnits, type Executor, type SimulatedUnits } from '../../src/simulator';
import { command, heartbeat } from '../helpers/events';
import { RawCollector, sendRequest } from '../helpers/sockets';
import { record, sentinel } from '../helpers/units';

describe('simulated units: many at once', () => {
  let collector: RawCollector;
  let group: SimulatedUnits | undefined;

  beforeEach(async () => {
    collector = await new RawCollector().start();
  });

  afterEach(async () => {
    await group?.close();
    group = undefined;
    await collector.close();
  });

  it('runs 50 units on 127.0.2.2 .. 127.0.2.51, port 5000, each answering', async () => {
    // A function executor: 50 units at once is about sockets and queues, not /bin/sh (see commands.spec.ts)
    const echo: Executor = (text) => ({ stdout: `${text.replace(/^echo /, '')}\n` });
    group = simulateUnits(50, { base: '127.0.2.2', hardwareReadyDelayMs: 0, executor: echo });
    const activity = record(group.events$);
    await group.ready;
    const booted = new Set<string>();
    await activity.waitFor('hardware-ready', (a) => booted.add(a.unit).size === 50);
    const hosts = group.units.map((u) => u.host);
    expect(hosts[0]).toBe('127.0.2.2');
    expect(hosts[49]).toBe('127.0.2.51');
    expect(new Set(group.units.map((u) => u.identity.id)).size).toBe(50);
    expect(group.units.every((u) => u.port === 5000)).toBe(true);

    await Promise.all(hosts.map((host) => sendRequest(host, 5000, heartbeat(collector.port))));
    await Promise.all(hosts.map((host) => sendRequest(host, 5000, command(collector.port, `echo ${host}`))));
    await collector.waitForCount(100, 15000);
    // Each unit: one unit_info, one output (boot messages go to nobody: no coordinator at boot),
    // and nothing else before its sentinel.
    await Promise.all(hosts.map((host) => sentinel(host, collector)));
    const events = collector.events.filter((e) => !String(e['output']).startsWith('sentinel-'));
    const infos = events.filter((e) => e['type_'] === 'unit_info');
    const outputs = events.filter((e) => e['type_'] === 'output');
    expect(infos.map((e) => e['ip']).sort()).toEqual([...hosts].sort());
    expect(outputs.map((e) => e['ip']).sort()).toEqual([...hosts].sort());
    expect(outputs.every((e) => e['output'] === `${String(e['ip'])}\n`)).toBe(true); // each its own command
    expect(events).toHaveLength(100);
  });

  it('numbers addresses across octets', () => {
    expect(nthAddress('127.0.1.250', 10)).toBe('127.0.2.4');
    expect(() => nthAddress('::1', 1)).toThrow(RangeError);
    expect(() => simulateUnits(2, { base: '126.255.255.255' })).toThrow(
      /refusing to bind 126\.255\.255\.255/,
    );
  });
});
