import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { filter, firstValueFrom, take, toArray } from 'rxjs';
import { untagCommand } from '../../src/protocol/tagged';
import type { Sequence } from '../../src/sequence';
import { simulateUnit, simulateUnits, type SimulatedUnit, type SimulatedUnits } from '../../src/simulator';
import { jsonLines, LOOPBACK_LISTENER, runCli, type CliResult } from './helpers';

const SENT = 'BOARDIO_CLI: Sent: "uSeq" to FIFO file\n';
const SLOW_START_MS = 120_000;
jest.setTimeout(SLOW_START_MS + 10_000);
const STARTED = 'BOARDIO_CLI: Sent: "runSeq" to FIFO file\n';

/** A unit whose upload "succeeds" without writing the file: boardio then reports BOARDIO_ERROR. */
function brokenUnit(host: string): SimulatedUnit {
  return simulateUnit({
    host,
    hardwareReadyDelayMs: 50,
    executor: (_command, { boardio }) => {
      boardio('uSeq');
      return { stdout: SENT };
    },
  });
}

describe('pycom-rx run', () => {
  let dir: string;
  let units: SimulatedUnits;
  let broken: SimulatedUnit;
  let loaded: Promise<Sequence[]>;
  const commands: Array<{ unit: string; command: string }> = [];
  let runs: Record<
    'file' | 'preset' | 'invalid' | 'unreachable' | 'boardioError' | 'standalone',
    Promise<CliResult>
  >;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'pycom-rx-run-'));
    await writeFile(path.join(dir, 'scan.csv'), 'LED_FAN,1\n\nALL_4_CANON,80,105\r\nDIGITAL_POLARIZER,1\n');
    await writeFile(path.join(dir, 'bad.csv'), 'LED_FAN,1\nALL_4_CANON,80,110\nLED_FAN,1\nFLASH,3\n');
    units = simulateUnits(4, { base: '127.0.7.2', hardwareReadyDelayMs: 50, rowDurationMs: 20 });
    broken = brokenUnit('127.0.7.6');
    const fileUnits = units.units.slice(0, 2).map((u) => u.identity.id);
    loaded = firstValueFrom(
      units.events$.pipe(
        filter((a) => a.kind === 'sequence-loaded' && fileUnits.includes(a.unit)),
        take(2),
        toArray(),
      ),
    ).then((all) => all.map((a) => (a.kind === 'sequence-loaded' ? a.sequence : [])));
    units.events$.subscribe((a) => {
      if (a.kind === 'command-started')
        commands.push({ unit: a.unit, command: untagCommand(a.command)?.command ?? a.command });
    });
    await Promise.all([units.ready, broken.ready]);
    // six CLI processes start at once (each compiles the CLI with tsx): slow on a busy machine
    const cli = (...args: string[]) =>
      runCli(['run', ...args, ...LOOPBACK_LISTENER], { cwd: dir, timeoutMs: SLOW_START_MS });
    runs = {
      file: cli('127.0.7.2', '127.0.7.3', 'scan.csv'),
      preset: cli(
        '127.0.7.4',
        '--preset',
        'OLAT+POLAT',
        '--camera',
        'canon',
        '--power',
        '70',
        '--trigger',
        'continuous',
        '--path',
        '/home/rigsters/la4_sequence.csv',
        '--json',
      ),
      invalid: cli('127.0.7.2', 'bad.csv'),
      unreachable: cli('127.0.7.9', '--preset', 'ALL'),
      boardioError: cli('127.0.7.6', '--preset', 'ALL'),
      standalone: cli('127.0.7.5', '--preset', 'ALL', '--no-fans', '--standalone'),
    };
  });

  afterAll(async () => {
    await Promise.all(Object.values(runs ?? {}));
    await Promise.all([units?.close(), broken?.close()]);
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  it('runs a CSV file on several units in parallel and shows each step per unit', async () => {
    const result = await runs.file;
    expect(result.code).toBe(0);
    for (const unit of ['127.0.7.2', '127.0.7.3']) {
      expect(result.stdout).toMatch(new RegExp(`${unit}\\s+\\[\\.\\.\\.\\.\\] uploading`));
      expect(result.stdout).toMatch(
        new RegExp(`${unit}\\s+\\[#\\.\\.\\.\\] uploaded: BOARDIO_CLI: Sent: "uSeq"`),
      );
      expect(result.stdout).toMatch(
        new RegExp(`${unit}\\s+\\[##\\.\\.\\] loaded \\(BOARDIO_READY\\), starting`),
      );
      expect(result.stdout).toMatch(
        new RegExp(`${unit}\\s+\\[###\\.\\] running: BOARDIO_CLI: Sent: "runSeq"`),
      );
      expect(result.stdout).toMatch(new RegExp(`${unit}\\s+\\[####\\] completed in \\d+\\.\\d s`));
    }
    expect(result.stderr).toContain('scan.csv: 3 rows -> 2 units');
    expect(result.stderr).toContain('2 of 2 units completed');
    const rows = [
      { register: 'LED_FAN', state: 1 },
      { register: 'ALL_4_CANON', power: 80, shutterMs: 105 },
      { register: 'DIGITAL_POLARIZER', state: 1 },
    ];
    expect(await loaded).toEqual([rows, rows]);
  });

  it('runs a preset (fans on first) at --path and prints one JSON object per step with --json', async () => {
    const result = await runs.preset;
    expect(result.code).toBe(0);
    expect(jsonLines(result.stdout)).toEqual([
      { unit: '127.0.7.4', step: 'uploaded', output: SENT, exitCode: 0 },
      { unit: '127.0.7.4', step: 'loaded', detail: '' },
      { unit: '127.0.7.4', step: 'started', output: STARTED, exitCode: 0 },
      { unit: '127.0.7.4', step: 'completed' },
    ]);
    expect(result.stderr).toContain('preset OLAT+POLAT (canon): 5 rows');
    const id = units.units[2]?.identity.id;
    expect(commands.filter((c) => c.unit === id).map((c) => c.command)).toEqual([
      expect.stringMatching(
        /^printf '%s' 'LED_FAN,1\n.* > '\/home\/rigsters\/la4_sequence\.csv' && boardiocli uSeq$/s,
      ),
      'boardiocli runSeq',
    ]);
  });

  it('exits 5 on an invalid sequence file and names every bad line', async () => {
    const result = await runs.invalid;
    expect(result.code).toBe(5);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('bad.csv:2: ALL_4_CANON shutterMs: 110 is out of range 0..109');
    expect(result.stderr).toMatch(/bad\.csv:4: unknown register "FLASH"/);
    expect(result.stderr).not.toContain('bad.csv:3');
  });

  it('exits 3 when a unit is unreachable', async () => {
    const result = await runs.unreachable;
    expect(result.code).toBe(3);
    expect(result.stdout).toMatch(
      /127\.0\.7\.9\s+\[!\.\.\.\] FAILED at upload: cannot send to 127\.0\.7\.9:5000/,
    );
    expect(result.stderr).toContain('0 of 1 unit completed');
  });

  it('exits 7 when boardio reports an error', async () => {
    const result = await runs.boardioError;
    expect(result.code).toBe(7);
    expect(result.stderr).toContain('127.0.7.6: failed at load: la4_sequence.csv not found');
  });

  it('uploads a standalone sequence to the vendor path without starting it, and warns about the fans', async () => {
    const result = await runs.standalone;
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(
      /warning: the standalone sequence fires flashes .* LED_FAN,1 is not its first row/,
    );
    expect(result.stdout).toMatch(/127\.0\.7\.5\s+\[##\.\.\] loaded \(BOARDIO_READY\)\n/);
    expect(result.stderr).toContain('1 of 1 unit loaded');
    const id = units.units[3]?.identity.id;
    expect(commands.filter((c) => c.unit === id).map((c) => c.command)).toEqual([
      expect.stringMatching(
        / > '\/home\/rigsters\/la4_sequence_standalone\.csv' && boardiocli uSeqStandalone$/,
      ),
    ]);
  });
});
