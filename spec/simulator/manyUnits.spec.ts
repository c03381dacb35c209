import { nthAddress, simulateUnits, type SimulatedUnits } from '../../src/simulator';
import { command, heartbeat, RawCollector, record, sendRaw, sleep } from './helpers';

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
    group = simulateUnits(50, { base: '127.0.2.2', hardwareReadyDelayMs: 0 });
    const activity = record(group.events$);
    await group.ready;
    const booted = new Set<string>();
    await activity.waitFor('hardware-ready', (a) => booted.add(a.unit).size === 50);
    const hosts = group.units.map((u) => u.host);
    expect(hosts[0]).toBe('127.0.2.2');
    expect(hosts[49]).toBe('127.0.2.51');
    expect(new Set(group.units.map((u) => u.identity.id)).size).toBe(50);
    expect(group.units.every((u) => u.port === 5000)).toBe(true);

    await Promise.all(hosts.map((host) => sendRaw(host, 5000, heartbeat(collector.port))));
    await Promise.all(
      hosts.map((host) => sendRaw(host, 5000, command(collector.port, `echo "$HOME" | wc -c`))),
    );
    await collector.waitForCount(100, 15000);
    await sleep(100);
    // Each unit: one unit_info, one output (boot messages go to nobody: no coordinator at boot).
    const infos = collector.events.filter((e) => e['type_'] === 'unit_info');
    const outputs = collector.events.filter((e) => e['type_'] === 'output');
    expect(infos.map((e) => e['ip']).sort()).toEqual([...hosts].sort());
    expect(outputs.map((e) => e['ip']).sort()).toEqual([...hosts].sort());
    expect(outputs.every((e) => /^\d+\n$/.test(String(e['output'])))).toBe(true);
    expect(collector.items).toHaveLength(100);
  });

  it('numbers addresses across octets', () => {
    expect(nthAddress('127.0.1.250', 10)).toBe('127.0.2.4');
    expect(() => nthAddress('::1', 1)).toThrow(RangeError);
    expect(() => simulateUnits(2, { base: '126.255.255.255' })).toThrow(
      /refusing to bind 126\.255\.255\.255/,
    );
  });
});
