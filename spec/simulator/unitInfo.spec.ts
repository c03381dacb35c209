import { heartbeat } from '../helpers/events';
import { RawCollector, sendRequest } from '../helpers/sockets';
import { record, sentinel, simulatorFixture } from '../helpers/units';

describe('simulated unit: heartbeats and unit_info', () => {
  const fx = simulatorFixture();

  it('sends unit_info exactly once, also across repeated heartbeats and a reconnection', async () => {
    const unit = fx.simulateUnit({
      host: '127.0.1.10',
      id: '81639cd4',
      hardwareReadyDelayMs: 0,
      coordinatorTimeoutMs: 150,
    });
    const activity = record(unit.events$);
    await unit.ready;
    await activity.waitFor('hardware-ready');

    const first = await sendRequest('127.0.1.10', 5000, heartbeat(fx.collector.port));
    expect(first.answered.length).toBe(0); // pycom never answers on the request connection
    const info = await fx.collector.waitFor((i) => i.json?.['type_'] === 'unit_info');
    expect(info.json).toEqual({
      id: '81639cd4',
      name: 'rigsters-controller',
      ip: '127.0.1.10',
      port: 5000,
      version: '0.14.0',
      coordinator: false,
      type_: 'unit_info',
      wiringpi_version: expect.any(String),
      boardio_version: expect.any(String),
      firmware_version: expect.any(String),
      unit_type: 'light_array',
      mcu_type: 'RP2040',
      mac_address: 'dc:a6:32:63:9c:d4',
    });

    for (let i = 0; i < 3; i++) await sendRequest('127.0.1.10', 5000, heartbeat(fx.collector.port));
    // Reconnection: the coordinator falls silent until forgotten, then comes back. (On a slow
    // machine it may also expire between the heartbeats above: wait for the expiry of the last.)
    const last = activity.all.filter((a) => a.kind === 'request').at(-1)!;
    const expired = await activity.waitFor(
      'coordinator-expired',
      (a) => a.coordinator.lastHeartbeatAt >= last.at,
    );
    expect(unit.coordinators()).toEqual([]);
    await sendRequest('127.0.1.10', 5000, heartbeat(fx.collector.port));
    await activity.waitFor('coordinator-added', (a) => a.at >= expired.at);

    expect(activity.all.filter((a) => a.kind === 'coordinator-added').length).toBeGreaterThanOrEqual(2);
    expect((await sentinel('127.0.1.10', fx.collector)).map((i) => i.json?.['type_'])).toEqual(['unit_info']);
  });

  it('sends unit_info when the hardware becomes ready after the coordinator appeared', async () => {
    const unit = fx.simulateUnit({ host: '127.0.1.11', hardwareReadyDelayMs: 'manual' });
    const activity = record(unit.events$);
    await unit.ready;
    await sendRequest('127.0.1.11', 5000, heartbeat(fx.collector.port));
    await activity.waitFor('coordinator-added');
    expect(unit.hardwareReady).toBe(false);
    expect(await sentinel('127.0.1.11', fx.collector)).toEqual([]); // known, but not ready: no unit_info

    unit.bootHardware();
    const info = await fx.collector.waitFor((i) => i.json?.['type_'] === 'unit_info');
    expect(info.json?.['id']).toBe(unit.identity.id);
    expect(unit.hardwareReady).toBe(true);
    await activity.waitFor('event-sent', (a) => a.event.type_ === 'unit_info');
    const order = activity.all.map((a) => (a.kind === 'event-sent' ? a.event.type_ : a.kind));
    expect(order.indexOf('hardware-ready')).toBeLessThan(order.indexOf('unit_info'));
    await sendRequest('127.0.1.11', 5000, heartbeat(fx.collector.port));
    const types = (await sentinel('127.0.1.11', fx.collector)).map(
      (i) => i.json?.['type_'] ?? i.json?.['message'],
    );
    expect(types.filter((t) => t === 'unit_info')).toHaveLength(1);
  });

  it('sends unit_info on the heartbeat when the hardware was ready first', async () => {
    const unit = fx.simulateUnit({ host: '127.0.1.12', hardwareReadyDelayMs: 20 });
    const activity = record(unit.events$);
    await activity.waitFor('hardware-ready');
    expect((await activity.waitFor('boardio-message')).to).toEqual([]); // the boot report: nobody to tell yet

    await sendRequest('127.0.1.12', 5000, heartbeat(fx.collector.port));
    const info = await fx.collector.waitFor((i) => i.json?.['type_'] === 'unit_info');
    expect(info.json?.['ip']).toBe('127.0.1.12');
  });

  it('sends unit_info to each coordinator once, and not to senders with coordinator: false', async () => {
    const second = await new RawCollector().start();
    try {
      const unit = fx.simulateUnit({ host: '127.0.1.13', hardwareReadyDelayMs: 0 });
      const activity = record(unit.events$);
      await activity.waitFor('hardware-ready');
      await sendRequest('127.0.1.13', 5000, heartbeat(second.port, { id: 'aaaaaaaa', coordinator: false }));
      await sendRequest('127.0.1.13', 5000, heartbeat(fx.collector.port, { id: '11111111' }));
      await sendRequest('127.0.1.13', 5000, heartbeat(second.port, { id: '22222222' }));
      for (const collector of [fx.collector, second])
        expect((await sentinel('127.0.1.13', collector)).map((i) => i.json?.['type_'])).toEqual([
          'unit_info',
        ]);
      expect(unit.coordinators().map((c) => [c.id, c.host, c.port])).toEqual([
        ['11111111', '127.0.0.1', fx.collector.port],
        ['22222222', '127.0.0.1', second.port],
      ]);
    } finally {
      await second.close();
    }
  });

  it('forgets a coordinator after the configured silence since its last heartbeat', async () => {
    const unit = fx.simulateUnit({ host: '127.0.1.14', hardwareReadyDelayMs: 0, coordinatorTimeoutMs: 600 });
    const activity = record(unit.events$);
    await unit.ready;
    await sendRequest('127.0.1.14', 5000, heartbeat(fx.collector.port));
    await sendRequest('127.0.1.14', 5000, heartbeat(fx.collector.port));
    const expired = await activity.waitFor('coordinator-expired');
    const requests = activity.all.filter((a) => a.kind === 'request');
    expect(expired.coordinator).toMatchObject({ host: '127.0.0.1', port: fx.collector.port, id: '7756f193' });
    // measured from the latest heartbeat it had (a timer may fire up to 1 ms early)
    expect(expired.at - expired.coordinator.lastHeartbeatAt).toBeGreaterThanOrEqual(599);
    // ... which is the latest heartbeat before the expiry: each heartbeat restarts the silence
    const latest = requests.filter((r) => r.at <= expired.at).at(-1)!;
    expect(expired.coordinator.lastHeartbeatAt).toBeGreaterThanOrEqual(latest.at);
    expect(unit.coordinators()).toEqual([]);
  });

  it('ignores malformed requests and reports them', async () => {
    const unit = fx.simulateUnit({ host: '127.0.1.15', hardwareReadyDelayMs: 0 });
    const activity = record(unit.events$);
    await unit.ready;
    await sendRequest('127.0.1.15', 5000, '{"id": "x"');
    await sendRequest('127.0.1.15', 5000, { ...heartbeat(fx.collector.port), type_: 'reboot' });
    const first = await activity.waitFor('request-rejected');
    expect(first.reason).toBe('json');
    const second = await activity.waitFor('request-rejected', (a) => a.reason === 'type');
    expect(second.message).toMatch(/reboot/);
    expect(unit.coordinators()).toEqual([]);
  });
});
