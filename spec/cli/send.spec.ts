import { simulateUnit, simulateUnits, type SimulatedUnit, type SimulatedUnits } from '../../src/simulator';
import { jsonLines, LOOPBACK_LISTENER, runCli, type CliResult } from './helpers';

/** A unit that takes commands and never answers in time (its executor waits until closed). */
function silentUnit(host: string): SimulatedUnit {
  return simulateUnit({
    host,
    hardwareReadyDelayMs: 50,
    executor: (_command, { signal }) =>
      new Promise((resolve) =>
        signal.addEventListener('abort', () => resolve({ stdout: '' }), { once: true }),
      ),
  });
}

describe('pycom-rx send', () => {
  let units: SimulatedUnits;
  let silent: SimulatedUnit;
  let named: SimulatedUnit;
  let runs: Record<
    'text' | 'json' | 'failed' | 'untagged' | 'unreachable' | 'timeout' | 'byName',
    Promise<CliResult>
  >;

  beforeAll(async () => {
    units = simulateUnits(1, { base: '127.0.6.2', hardwareReadyDelayMs: 50 });
    silent = silentUnit('127.0.6.3');
    // a unit the CLI reaches by name: localhost resolves to 127.0.0.1 (IPv4 first)
    named = simulateUnit({ host: '127.0.0.1', port: 0, hardwareReadyDelayMs: 50 });
    await Promise.all([units.ready, silent.ready, named.ready]);
    runs = {
      text: runCli(['send', '127.0.6.2', '--cmd', 'echo hi; printf there', ...LOOPBACK_LISTENER]),
      json: runCli(['send', '127.0.6.2:5000', '-c', 'echo json', '--json', ...LOOPBACK_LISTENER]),
      failed: runCli(['send', '127.0.6.2', '-c', 'echo x >&2; exit 3', ...LOOPBACK_LISTENER]),
      untagged: runCli([
        'send',
        '127.0.6.2',
        '-c',
        'echo out; echo err >&2; exit 3',
        '--untagged',
        ...LOOPBACK_LISTENER,
      ]),
      unreachable: runCli(['send', '127.0.6.9', '--cmd', 'echo never', ...LOOPBACK_LISTENER]),
      timeout: runCli(['send', '127.0.6.3', '--cmd', 'sleep 9', '--timeout', '400', ...LOOPBACK_LISTENER]),
      byName: runCli([
        'send',
        `localhost:${named.port}`,
        '--cmd',
        'echo by-name',
        '--json',
        ...LOOPBACK_LISTENER,
      ]),
    };
  });

  afterAll(async () => {
    await Promise.all(Object.values(runs ?? {}));
    await Promise.all([units?.close(), silent?.close(), named?.close()]);
  });

  it("prints the command's output as it came, with a final newline", async () => {
    const result = await runs.text;
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe('hi\nthere\n');
    expect(result.code).toBe(0);
  });

  it('reaches a unit by name (localhost:port) and gets its output', async () => {
    const result = await runs.byName;
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(jsonLines(result.stdout)).toEqual([
      { unit: `localhost:${named.port}`, id: named.identity.id, output: 'by-name\n', exitCode: 0 },
    ]);
  });

  it('prints {"unit","id","output","exitCode"} with --json', async () => {
    const result = await runs.json;
    expect(result.code).toBe(0);
    expect(jsonLines(result.stdout)).toEqual([
      { unit: '127.0.6.2', id: units.units[0]?.identity.id, output: 'json\n', exitCode: 0 },
    ]);
  });

  it('prints what a failed command printed and its exit status, and exits 8', async () => {
    const result = await runs.failed;
    expect(result.stdout).toBe('x\n');
    expect(result.stderr).toBe('exit status 3\n');
    expect(result.code).toBe(8);
  });

  it("--untagged: pycom's own output (stderr of a failed command), no exit status, exit 0", async () => {
    const result = await runs.untagged;
    expect(result.stdout).toBe('err\n');
    expect(result.code).toBe(0);
  });

  it('exits 3 when the unit cannot be reached', async () => {
    const result = await runs.unreachable;
    expect(result.code).toBe(3);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^pycom-rx: cannot send to 127\.0\.6\.9:5000: connect: ECONNREFUSED/);
  });

  it('exits 6 when the output does not come within --timeout', async () => {
    const result = await runs.timeout;
    expect(result.code).toBe(6);
    expect(result.stderr).toContain('no output from unit "127.0.6.3" within 400 ms');
  });
});
