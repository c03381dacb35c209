import { runCli } from '../../src/cli/program';
import type { CliIO } from '../../src/cli/io';

/** Runs the CLI in this process with captured output (for what needs no network). */
async function run(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = { stdout: '', stderr: '' };
  const io: CliIO = {
    stdout: { write: (s: string) => (out.stdout += s) },
    stderr: { write: (s: string) => (out.stderr += s) },
    signal: new AbortController().signal,
    cwd: __dirname,
    now: () => Date.now(),
  };
  const code = await runCli(args, io);
  return { code, ...out };
}

const COMMANDS = ['listen', 'send', 'heartbeat', 'run', 'shoot', 'discover', 'doctor', 'simulate', 'demo'];

describe('pycom-rx usage', () => {
  it('lists every command, examples and the exit codes in --help, and exits 0', async () => {
    const result = await run('--help');
    expect(result.code).toBe(0);
    for (const command of COMMANDS) expect(result.stdout).toMatch(new RegExp(`^  ${command}\\b`, 'm'));
    expect(result.stdout).toContain('Examples:');
    expect(result.stdout).toMatch(
      /Exit codes:[\s\S]*3 +unit unreachable[\s\S]*4 +port in use[\s\S]*5 +invalid sequence/,
    );
  });

  it.each(COMMANDS)('has --help with examples for %s', async (command) => {
    const result = await run(command, '--help');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`Usage: pycom-rx ${command}`);
    expect(result.stdout).toMatch(/Examples:\n {2}\$ (pycom-rx|npm run demo)/);
  });

  it('prints the version', async () => {
    const result = await run('--version');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
  });

  it.each([
    [['frobnicate'], /unknown command 'frobnicate'/],
    [[], /Usage: pycom-rx/],
    [['send', '127.2.0.2'], /required option '-c, --cmd <command>' not specified/],
    [['send', '127.2.0.2:99999', '--cmd', 'x'], /port out of range 1\.\.65535/],
    [
      ['listen', '--port', 'http'],
      /option '--port <port>' argument 'http' is invalid\. expected an integer 0\.\.65535/,
    ],
    [['run', '127.2.0.2', '--preset', 'STROBE'], /Allowed choices are ALL, ALL\+PALL, OLAT, OLAT\+POLAT/],
    [['run', '127.2.0.2', '--power', '50', 'x.csv'], /--power only apply with --preset/],
    [['run', 'scan.csv'], /give one or more units, then the sequence file/],
    [
      ['run', '127.2.0.2', 'scan.csv', '--preset', 'ALL'],
      /give either a sequence file \(scan\.csv\) or --preset, not both/,
    ],
    [['run', '127.2.0.2', 'nowhere.csv'], /cannot read sequence file nowhere\.csv: ENOENT/],
    [['run', '127.2.0.2', '127.2.0.2', '--preset', 'ALL'], /unit 127\.2\.0\.2:5000 given twice/],
    [['discover', '--subnet', '10.0.0.0/8'], /prefix \/8 out of range/],
    [['discover', '--subnet', 'lan'], /not an IPv4 subnet/],
    [['simulate', '--base', '192.168.0.50'], /refusing to bind 192\.168\.0\.50/],
  ])('exits 2 on bad usage: %j', async (args, message) => {
    const result = await run(...args);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
  });

  it('exits 5 on a preset option that does not apply', async () => {
    const result = await run('run', '127.2.0.2', '--preset', 'ALL', '--camera', 'nikon', '--shutter', '50');
    expect(result.code).toBe(5);
    expect(result.stderr).toContain("preset shutterMs: only for camera 'canon'");
  });

  it.each([
    [['--power', '150'], 'invalid preset ALL: ALL_4_NIKON power: 150 is out of range 0..100'],
    [['--power', '-1'], 'invalid preset ALL: ALL_4_NIKON power: -1 is out of range 0..100'],
    [['--camera', 'canon', '--shutter', '110'], 'ALL_4_CANON shutterMs: 110 is out of range 0..109'],
  ])('exits 5 (invalid sequence) on a preset value out of range: %j', async (options, message) => {
    const result = await run('run', '127.2.0.2', '--preset', 'ALL', ...options);
    expect(result.code).toBe(5);
    expect(result.stderr).toContain(message);
  });

  it('exits 2 on a preset value that is not an integer', async () => {
    const result = await run('run', '127.2.0.2', '--preset', 'ALL', '--power', 'high');
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      "option '--power <percent>' argument 'high' is invalid. expected an integer.",
    );
  });

  it.each([['simulate'], ['demo'], ['console', '--simulate', '2']])(
    '%s: a non-loopback --base is refused with advice a CLI user can follow',
    async (...command) => {
      const result = await run(...command, '--base', '192.168.0.50');
      expect(result.code).toBe(2);
      expect(result.stderr).toContain('give --base a 127.x.y.z address');
      expect(result.stderr).not.toContain('allowNonLoopback');
    },
  );

  it('send --help says what a tagged command prints: stdout and stderr merged, and the exit status', async () => {
    const text = (await run('send', '--help')).stdout.replace(/\s+/g, ' ');
    expect(text).toContain('print its output (stdout and stderr merged, in order) and exit status');
    expect(text).not.toMatch(/print its output \(stdout, or stderr/);
    expect(text).toContain(
      "With --untagged, the output is pycom's own (stdout, or stderr if the command failed)",
    );
  });
});
