import { untagCommand } from '../../src/protocol/tagged';
import { simulateUnit, simulateUnits, type SimulatedUnit, type SimulatedUnits } from '../../src/simulator';
import { jsonLines, LOOPBACK_LISTENER, runCli, type CliResult } from './helpers';

// Simulated units on 127.124.x.y: x = 1 all accept, 2 one refuses, 3 dry run.

const SLOW_START_MS = 120_000;
jest.setTimeout(SLOW_START_MS + 10_000);

/** A unit whose upload "succeeds" without writing the file: boardio then reports BOARDIO_ERROR. */
function refusingUnit(host: string): SimulatedUnit {
  return simulateUnit({
    host,
    hardwareReadyDelayMs: 50,
    executor: (_command, { boardio }) => {
      boardio('uSeq');
      return { stdout: 'BOARDIO_CLI: Sent: "uSeq" to FIFO file\n' };
    },
  });
}

describe('pycom-rx shoot', () => {
  let accepting: SimulatedUnits;
  let refusing: SimulatedUnits;
  let refuser: SimulatedUnit;
  let dry: SimulatedUnits;
  /** `runSeq` commands started, counted at the units (by unit id). */
  const fired = new Map<string, number>();
  let runs: Record<'all' | 'refused' | 'dryRun', Promise<CliResult>>;

  const count = (group: { events$: SimulatedUnits['events$'] }) =>
    group.events$.subscribe((a) => {
      if (a.kind === 'command-started' && /runSeq/.test(untagCommand(a.command)?.command ?? a.command))
        fired.set(a.unit, (fired.get(a.unit) ?? 0) + 1);
    });
  const firedAt = (group: ReadonlyArray<SimulatedUnit>) => group.map((u) => fired.get(u.identity.id) ?? 0);

  beforeAll(async () => {
    const options = { hardwareReadyDelayMs: 50, rowDurationMs: 20 };
    accepting = simulateUnits(3, { base: '127.124.1.2', ...options });
    refusing = simulateUnits(2, { base: '127.124.2.2', ...options });
    refuser = refusingUnit('127.124.2.4');
    dry = simulateUnits(2, { base: '127.124.3.2', ...options });
    for (const group of [accepting, refusing, refuser, dry]) count(group);
    await Promise.all([accepting.ready, refusing.ready, refuser.ready, dry.ready]);
    const cli = (...args: string[]) =>
      runCli(['shoot', ...args, ...LOOPBACK_LISTENER], { timeoutMs: SLOW_START_MS });
    runs = {
      all: cli('127.124.1.2', '127.124.1.3', '127.124.1.4', '--preset', 'ALL'),
      refused: cli('127.124.2.2', '127.124.2.3', '127.124.2.4', '--preset', 'ALL', '--deadline', '20000'),
      dryRun: cli('127.124.3.2', '127.124.3.3', '--preset', 'OLAT', '--dry-run', '--json'),
    };
  });

  afterAll(async () => {
    await Promise.all(Object.values(runs ?? {}));
    await Promise.all([accepting?.close(), refusing?.close(), refuser?.close(), dry?.close()]);
  });

  it('fires every unit exactly once when all loaded, shows each row and the spread, and exits 0', async () => {
    const result = await runs.all;
    expect(result.stderr).toContain('3 of 3 units completed');
    expect(result.code).toBe(0);
    for (const unit of ['127.124.1.2', '127.124.1.3', '127.124.1.4']) {
      expect(result.stdout).toMatch(new RegExp(`${unit}\\s+loading`));
      expect(result.stdout).toMatch(new RegExp(`${unit}\\s+ready \\(BOARDIO_READY\\)`));
      expect(result.stdout).toMatch(new RegExp(`${unit}\\s+fired \\(\\+\\d+\\.\\d ms\\)`));
      expect(result.stdout).toMatch(new RegExp(`${unit}\\s+completed`));
    }
    expect(result.stdout).toMatch(/fire spread: \d+\.\d ms/);
    expect(firedAt(accepting.units)).toEqual([1, 1, 1]);
  });

  it('fires no unit when one refuses the sequence, names it, and exits 9', async () => {
    const result = await runs.refused;
    expect(result.code).toBe(9);
    expect(result.stderr).toMatch(/127\.124\.2\.4: failed to load/);
    expect(result.stderr).toContain('nothing fired: 1 of 3 units failed to load');
    expect(result.stdout).not.toContain('fire spread');
    expect([...firedAt(refusing.units), ...firedAt([refuser])]).toEqual([0, 0, 0]);
  });

  it('loads only with --dry-run, one JSON object per event, and exits 0', async () => {
    const result = await runs.dryRun;
    expect(result.code).toBe(0);
    const lines = jsonLines(result.stdout);
    expect(lines.at(-1)).toMatchObject({ kind: 'summary', outcome: 'dry-run' });
    for (const unit of ['127.124.3.2', '127.124.3.3'])
      expect(lines).toContainEqual(expect.objectContaining({ kind: 'unit', unit, state: 'ready' }));
    expect(firedAt(dry.units)).toEqual([0, 0]);
  });

  it('exits 2 without a sequence, or with both --csv and --preset', async () => {
    const [none, both] = await Promise.all([
      runCli(['shoot', '127.124.9.2'], { timeoutMs: SLOW_START_MS }),
      runCli(['shoot', '127.124.9.2', '--csv', 'scan.csv', '--preset', 'ALL'], { timeoutMs: SLOW_START_MS }),
    ]);
    expect([none.code, both.code]).toEqual([2, 2]);
    expect(none.stderr).toContain('--csv FILE or --preset NAME');
    expect(both.stderr).toContain('not both');
  });
});
