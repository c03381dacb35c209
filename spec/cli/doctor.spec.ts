import { simulateUnit, type SimulatedUnit, type SimulateUnitOptions } from '../../src/simulator';
import { jsonLines, LOOPBACK_LISTENER, runCli, type CliResult } from './helpers';
import { withoutBoardiocli } from '../helpers/units';

// this file's loopback addresses: 127.22.2.0/24

describe('pycom-rx doctor', () => {
  const units: SimulatedUnit[] = [];
  const unit = (last: number, options: Omit<SimulateUnitOptions, 'host'> = {}) => {
    const host = `127.22.2.${last}`;
    units.push(simulateUnit({ host, hardwareReadyDelayMs: 0, rowDurationMs: 1, ...options }));
    return host;
  };
  const conforming = unit(2);
  const stripped = unit(3, { pycomQuirks: { stripOutput: true } });
  const capped = unit(4, { pycomQuirks: { outputCapBytes: 4096 } });
  const noBoardio = unit(5, { executor: withoutBoardiocli });
  const unreachable = '127.22.2.9';
  const doctor = (...args: string[]) =>
    runCli(['doctor', ...args, ...LOOPBACK_LISTENER, '--timeout', '5000']);
  let runs: Record<
    'conforming' | 'json' | 'stripped' | 'capped' | 'noBoardio' | 'unreachable',
    Promise<CliResult>
  >;

  beforeAll(async () => {
    await Promise.all(units.map((u) => u.ready));
    runs = {
      conforming: doctor(conforming, '--with-sequence'),
      json: doctor(conforming, unreachable, '--json'),
      stripped: doctor(stripped),
      capped: doctor(capped),
      noBoardio: doctor(noBoardio),
      unreachable: doctor(unreachable),
    };
  });

  afterAll(async () => {
    await Promise.all(Object.values(runs ?? {}));
    await Promise.all(units.map((u) => u.close()));
  });

  it('prints one line per check and exits 0 on a conforming unit', async () => {
    const result = await runs.conforming;
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(new RegExp(`^${conforming.replace(/\./g, '\\.')}: ok\n`));
    for (const id of [
      'heartbeat',
      'unit-info',
      'trailer',
      'large-output',
      'latency',
      'boardiocli',
      'sequence',
    ])
      expect(result.stdout).toMatch(new RegExp(`\\n  PASS  ${id} +\\S`));
    expect(result.stdout).toMatch(/\n {2}SKIP {2}heartbeat-needed +not asked/);
  });

  it('prints one JSON report per unit with --json, and exits 3 when one is unreachable', async () => {
    const result = await runs.json;
    const reports = jsonLines(result.stdout);
    expect(reports.map((r) => [r['unit'], r['ok']])).toEqual([
      [conforming, true],
      [unreachable, false],
    ]);
    expect(reports[0]!['checks']).toContainEqual(
      expect.objectContaining({
        id: 'trailer',
        status: 'pass',
        assumptions: expect.arrayContaining(['output.not-trimmed']),
      }),
    );
    expect(result.code).toBe(3);
  });

  it('warns about a trimmed output, and still exits 0', async () => {
    const result = await runs.stripped;
    expect(result.stdout).toMatch(/\n {2}WARN {2}trailer +pycom stripped leading and trailing whitespace/);
    expect(result.code).toBe(0);
  });

  it('fails large-output with the cap, exit 12', async () => {
    const result = await runs.capped;
    expect(result.stdout).toMatch(/\n {2}FAIL {2}large-output +cut at 4096 bytes of 65536/);
    expect(result.code).toBe(12);
  });

  it('fails boardiocli when it is not on the PATH, exit 14', async () => {
    const result = await runs.noBoardio;
    expect(result.stdout).toMatch(/\n {2}FAIL {2}boardiocli +not on the PATH/);
    expect(result.code).toBe(14);
  });

  it('fails heartbeat on an unreachable unit, exit 3', async () => {
    const result = await runs.unreachable;
    expect(result.stdout).toMatch(/\n {2}FAIL {2}heartbeat +lost: .*refused/i);
    expect(result.code).toBe(3);
  });
});
