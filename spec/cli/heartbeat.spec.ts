import { simulateUnit, type SimulatedUnit } from '../../src/simulator';
import { jsonLines, LOOPBACK_LISTENER, startCli } from './helpers';

describe('pycom-rx heartbeat', () => {
  let unit: SimulatedUnit;

  beforeAll(async () => {
    unit = simulateUnit({ host: '127.0.8.2', hardwareReadyDelayMs: 50 });
    await unit.ready;
  });

  afterAll(() => unit?.close());

  it('keeps a presence session, prints the state changes and unit_info, and exits 130 on Ctrl-C', async () => {
    const human = startCli(['heartbeat', '127.0.8.2', '--interval', '200', ...LOOPBACK_LISTENER]);
    const json = startCli(['heartbeat', '127.0.8.2', '--json', ...LOOPBACK_LISTENER]);
    try {
      await human.waitFor(/unit_info .*mac dc:a6:32/, 'stdout');
      await json.waitFor(/"unit_info"/, 'stdout');
      expect(unit.coordinators().map((c) => c.name)).toEqual(['pycom-rx-cli', 'pycom-rx-cli']);
      human.interrupt();
      json.interrupt();
      const [text, lines] = await Promise.all([human.exited, json.exited]);
      expect(text.code).toBe(130);
      expect(text.stderr).toMatch(
        /heartbeats to 127\.0\.8\.2 every 200 ms as coordinator [0-9a-f]{8}, listening on 127\.0\.0\.1:\d+/,
      );
      expect(text.stdout).toMatch(/127\.0\.8\.2 +pending/);
      // connected once a heartbeat is taken: before unit_info, so the id may not be known yet
      expect(text.stdout).toMatch(/127\.0\.8\.2 +connected/);
      expect(text.stdout).toContain(`unit_info  id ${unit.identity.id}  light_array  RP2040`);
      expect(lines.code).toBe(130);
      expect(jsonLines(lines.stdout)).toEqual([
        expect.objectContaining({ kind: 'presence', unit: '127.0.8.2', state: 'pending' }),
        expect.objectContaining({
          kind: 'presence',
          unit: '127.0.8.2',
          state: 'connected',
        }),
        expect.objectContaining({
          kind: 'unit_info',
          unit: '127.0.8.2',
          info: expect.objectContaining({ type_: 'unit_info' }),
        }),
      ]);
    } finally {
      human.child.kill('SIGKILL');
      json.child.kill('SIGKILL');
    }
  });
});
