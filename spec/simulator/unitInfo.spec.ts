import { heartbeat, RawCollector, record, sendRaw, sleep, simulatorFixture } from './helpers';

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

    const first = await sendRaw('127.0.1.10', 5000, heartbeat(fx.collector.port));
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

    for (let i = 0; i < 3; i++) await sendRaw('127.0.1.10', 5000, heartbeat(fx.collector.port));
    // Reconnection: the coordinator falls silent until forgotten, then comes back.
    await activity.waitFor('coordinator-expired');
    expect(unit.coordinators()).toEqual([]);
    await sendRaw('127.0.1.10', 5000, heartbeat(fx.collector.port));
    await activity.waitFor('coordinator-added', () => true);
    await sleep(150);

    expect(activity.all.filter((a) => a.kind === 'coordinator-added')).toHaveLength(2);
    expect(fx.collector.events.filter((e) => e['type_'] === 'unit_info')).toHaveLength(1);
    expect(fx.collector.items).toHaveLength(1);
  });

  it('sends unit_info when the hardware becomes ready after the coordinator appeared', async () => {
    const unit = fx.simulateUnit({ host: '127.0.1.11', hardwareReadyDelayMs: 300 });
    const activity = record(unit.events$);
    await unit.ready;
    await sendRaw('127.0.1.11', 5000, heartbeat(fx.collector.port));
    await activity.waitFor('coordinator-added');
    expect(unit.hardwareReady).toBe(false);
    await sleep(100);
    expect(fx.collector.items).toHaveLength(0);

    const info = await fx.collector.waitFor((i) => i.json?.['type_'] === 'unit_info');
    const ready = await activity.waitFor('hardware-ready');
    expect(info.json?.['id']).toBe(unit.identity.id);
    expect(ready.at).toBeLessThanOrEqual(Date.now());
    await sendRaw('127.0.1.11', 5000, heartbeat(fx.collector.port));
    await sleep(100);
    expect(fx.collector.events.filter((e) => e['type_'] === 'unit_info')).toHaveLength(1);
  });

  it('sends unit_info on the heartbeat when the hardware was ready first', async () => {
    const unit = fx.simulateUnit({ host: '127.0.1.12', hardwareReadyDelayMs: 20 });
    const activity = record(unit.events$);
    await activity.waitFor('hardware-ready');
    await sleep(100);
    expect(fx.collector.items).toHaveLength(0); // nobody to tell yet

    await sendRaw('127.0.1.12', 5000, heartbeat(fx.collector.port));
    const info = await fx.collector.waitFor((i) => i.json?.['type_'] === 'unit_info');
    expect(info.json?.['ip']).toBe('127.0.1.12');
  });

  it('sends unit_info to each coordinator once, and not to senders with coordinator: false', async () => {
    const second = await new RawCollector().start();
    try {
      const unit = fx.simulateUnit({ host: '127.0.1.13', hardwareReadyDelayMs: 0 });
      const activity = record(unit.events$);
      await activity.waitFor('hardware-ready');
      await sendRaw('127.0.1.13', 5000, heartbeat(second.port, { id: 'aaaaaaaa', coordinator: false }));
      await sendRaw('127.0.1.13', 5000, heartbeat(fx.collector.port, { id: '11111111' }));
      await sendRaw('127.0.1.13', 5000, heartbeat(second.port, { id: '22222222' }));
      await fx.collector.waitFor((i) => i.json?.['type_'] === 'unit_info');
      await second.waitFor((i) => i.json?.['type_'] === 'unit_info');
      await sleep(100);
      expect(second.items).toHaveLength(1);
      expect(fx.collector.items).toHaveLength(1);
      expect(unit.coordinators().map((c) => [c.id, c.host, c.port])).toEqual([
        ['11111111', '127.0.0.1', fx.collector.port],
        ['22222222', '127.0.0.1', second.port],
      ]);
    } finally {
      await second.close();
    }
  });

  it('forgets a coordinator after the configured silence, and not before', async () => {
    const unit = fx.simulateUnit({ host: '127.0.1.14', hardwareReadyDelayMs: 0, coordinatorTimeoutMs: 600 });
    const activity = record(unit.events$);
    await unit.ready;
    const start = Date.now();
    await sendRaw('127.0.1.14', 5000, heartbeat(fx.collector.port));
    await sleep(300);
    await sendRaw('127.0.1.14', 5000, heartbeat(fx.collector.port)); // keeps it alive
    await sleep(300);
    expect(unit.coordinators()).toHaveLength(1); // 600 ms after the first heartbeat
    const expired = await activity.waitFor('coordinator-expired');
    expect(expired.at - start).toBeGreaterThanOrEqual(880);
    expect(expired.coordinator).toMatchObject({ host: '127.0.0.1', port: fx.collector.port, id: '7756f193' });
    expect(unit.coordinators()).toEqual([]);
  });

  it('ignores malformed requests and reports them', async () => {
    const unit = fx.simulateUnit({ host: '127.0.1.15', hardwareReadyDelayMs: 0 });
    const activity = record(unit.events$);
    await unit.ready;
    await sendRaw('127.0.1.15', 5000, '{"id": "x"');
    await sendRaw('127.0.1.15', 5000, { ...heartbeat(fx.collector.port), type_: 'reboot' });
    const first = await activity.waitFor('request-rejected');
    expect(first.reason).toBe('json');
    const second = await activity.waitFor('request-rejected', (a) => a.reason === 'type');
    expect(second.message).toMatch(/reboot/);
    expect(unit.coordinators()).toEqual([]);
  });
});
