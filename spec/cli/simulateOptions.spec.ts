import { firstValueFrom, lastValueFrom, toArray } from 'rxjs';
import { createCoordinator } from '../../src/coordinator';
import { EXIT } from '../../src/cli/exitCodes';
import { runCli } from '../../src/cli/program';
import { preset } from '../../src/sequence';
import { fakeIo } from './helpers';

// Issue 25: `pycom-rx simulate`'s options as a user sees them: the activity lines, `--json`,
// `--quiet`, `--row-ms`, `--unit-port`. In-process (runCli with a fake io), so coverage sees them;
// real sockets. Addresses: 127.189.0.0/16 belongs to this file.

/** Starts `pycom-rx simulate ...args` in-process; resolves once its units run. */
async function simulate(args: string[]) {
  const fake = fakeIo();
  const exited = runCli(['simulate', '--ready-delay', '0', ...args], fake.io);
  await Promise.race([
    fake.until(/running \(Ctrl-C to stop\)/, 'stderr'),
    exited.then((code) => {
      throw new Error(`simulate exited ${code}: ${fake.text.stderr}`);
    }),
  ]);
  return { ...fake, exited };
}

describe('pycom-rx simulate: options and activity lines', () => {
  const coordinator = createCoordinator({ listen: { host: '127.0.0.1', port: 0 } });
  afterAll(() => coordinator.close());

  it('--unit-port: the unit listens there and says so; activity lines show the command and its result', async () => {
    const sim = await simulate(['--base', '127.189.0.2', '--unit-port', '5077']);
    expect(sim.text.stdout).toMatch(/simulated unit 127\.189\.0\.2:5077 {2}id [0-9a-f]{8}/);
    const output = await firstValueFrom(coordinator.command({ host: '127.189.0.2', port: 5077 }, 'echo hi'));
    expect(output.output).toBe('hi\n');
    await sim.until(/command done in \d+ ms, exit 0: "hi"/);
    expect(sim.text.stdout).toMatch(/127\.189\.0\.2 +coordinator [0-9a-f]+ \(.+\) at 127\.0\.0\.1:\d+/);
    expect(sim.text.stdout).toMatch(/127\.189\.0\.2 +command from 127\.0\.0\.1:\d+: echo hi/);
    sim.stop();
    expect(await sim.exited).toBe(EXIT.interrupted);
    expect(sim.text.stderr).toContain('stopped');
  });

  it('--row-ms: each sequence row is shown as it plays, and the sequence completes', async () => {
    const sim = await simulate(['--base', '127.189.0.3', '--row-ms', '0']);
    const steps = await lastValueFrom(
      coordinator.runSequence('127.189.0.3', preset({ mode: 'ALL', camera: 'nikon' })).pipe(toArray()),
    );
    expect(steps.at(-1)?.step).toBe('completed');
    await sim.until(/boardio: Sequence complete/);
    expect(sim.text.stdout).toMatch(/127\.189\.0\.3 +row 1: \w+/);
    sim.stop();
    expect(await sim.exited).toBe(EXIT.interrupted);
  });

  it('--json: one JSON object per activity on stdout (with the unit host), the unit list on stderr', async () => {
    const sim = await simulate(['--base', '127.189.0.4', '--json']);
    expect(sim.text.stderr).toMatch(/simulated unit 127\.189\.0\.4:5000/);
    await firstValueFrom(coordinator.command('127.189.0.4', 'echo json'));
    await sim.until(/"kind":"command-finished"/);
    const lines = sim.text.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toContainEqual(expect.objectContaining({ kind: 'command-finished', host: '127.189.0.4' }));
    expect(sim.text.stdout).not.toContain('simulated unit');
    sim.stop();
    expect(await sim.exited).toBe(EXIT.interrupted);
  });

  it('--quiet: only the unit list, no activity lines', async () => {
    const sim = await simulate(['--base', '127.189.0.5', '--quiet']);
    await firstValueFrom(coordinator.command('127.189.0.5', 'echo quiet'));
    sim.stop();
    expect(await sim.exited).toBe(EXIT.interrupted);
    expect(sim.text.stdout.trim().split('\n')).toEqual([
      expect.stringMatching(/^simulated unit 127\.189\.0\.5:5000 /),
    ]);
  });

  it('exits 4 when the address is taken by another simulator, and says what to do', async () => {
    const first = await simulate(['--base', '127.189.0.6', '--quiet']);
    const second = fakeIo();
    const code = await runCli(['simulate', '--base', '127.189.0.6', '--quiet'], second.io);
    expect(code).toBe(EXIT.portInUse);
    expect(second.text.stderr).toMatch(/another simulator \(or demo\) may be running/);
    first.stop();
    await first.exited;
  });
});
