import { simulateUnits, type SimulatedUnits } from '../../src/simulator';
import { jsonLines, LOOPBACK_LISTENER, runCli, type CliResult } from './helpers';

describe('pycom-rx discover', () => {
  let units: SimulatedUnits;
  let runs: Record<'human' | 'json' | 'none', Promise<CliResult>>;

  beforeAll(async () => {
    // 127.0.9.0/28 holds 127.0.9.1 .. 127.0.9.14: units on .3 and .4
    units = simulateUnits(2, { base: '127.0.9.3', hardwareReadyDelayMs: 20 });
    await units.ready;
    runs = {
      human: runCli(['discover', '--subnet', '127.0.9.0/28', ...LOOPBACK_LISTENER]),
      json: runCli([
        'discover',
        '--subnet',
        '127.0.9.0/28',
        '--preferred',
        '127.0.9.4',
        '--json',
        ...LOOPBACK_LISTENER,
      ]),
      none: runCli(['discover', '--subnet', '127.0.9.32/29', '--no-info', '--connect-timeout', '200']),
    };
  });

  afterAll(async () => {
    await Promise.all(Object.values(runs ?? {}));
    await units?.close();
  });

  it('lists the responders and their unit_info', async () => {
    const result = await runs.human;
    expect(result.code).toBe(0);
    for (const unit of units.units) {
      expect(result.stdout).toMatch(
        new RegExp(`^${unit.host.replace(/\./g, '\\.')} +responds on port 5000$`, 'm'),
      );
      expect(result.stdout).toContain(
        `unit  rigsters-controller  id ${unit.identity.id}  light_array  RP2040`,
      );
    }
    expect(result.stderr).toMatch(
      /scanned 14 addresses of 127\.0\.9\.0\/28 in \d+\.\d s: 2 responders, 2 units/,
    );
  });

  it('prints one JSON object per responder and unit, the preferred address first (probes in parallel)', async () => {
    const result = await runs.json;
    expect(result.code).toBe(0);
    const items = jsonLines(result.stdout);
    expect(items[0]).toEqual({ kind: 'found', address: '127.0.9.4', preferred: true });
    expect(items).toContainEqual({ kind: 'found', address: '127.0.9.3', preferred: false });
    expect(items.filter((i) => i.kind === 'unit').map((i) => i.address)).toEqual(
      expect.arrayContaining(['127.0.9.3', '127.0.9.4']),
    );
    expect(items).toHaveLength(4);
  });

  it('exits 3 when nothing responds', async () => {
    const result = await runs.none;
    expect(result.code).toBe(3);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/scanned 6 addresses of 127\.0\.9\.32\/29 in \d+\.\d s: 0 responders\n$/);
  });
});
