import { occupy, runCli, type CliResult } from './helpers';

describe('pycom-rx demo', () => {
  // the only test that uses 127.0.0.2 .. 127.0.0.4 (the demo's default units)
  const demo = runCli(['demo'], { timeoutMs: 30_000 });

  afterAll(() => demo);

  it('runs the whole pipeline against three simulated units and exits 0 in well under 30 s', async () => {
    const result: CliResult = await demo;
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const out = result.stdout;
    expect(out).toContain('pycom-rx demo: 3 simulated LA4 units on 127.0.0.2..127.0.0.4, port 5000');
    expect(out).toMatch(/coordinator [0-9a-f]{8} listening on 127\.0\.0\.1:\d+/);
    const sections = [...out.matchAll(/^== (.*?) ==$/gm)].map((m) => m[1]);
    expect(sections).toEqual([
      'Presence (heartbeats every 5 s)',
      'unit_info',
      'Sequence: preset OLAT+POLAT, nikon, power 80, fans on (5 rows)',
      'Running on 3 units in parallel',
      'Outputs and BOARDIO results',
      'Shell commands through coordinator.run',
      expect.stringMatching(/^Done in \d+\.\d s/),
    ]);
    for (const host of ['127.0.0.2', '127.0.0.3', '127.0.0.4']) {
      expect(out).toMatch(new RegExp(`${host} +connected`));
      expect(out).toMatch(new RegExp(`${host} +rigsters-controller +id [0-9a-f]{8} +light_array`));
      expect(out).toMatch(new RegExp(`${host} +\\[####\\] completed in`));
      expect(out).toMatch(new RegExp(`${host} +ready +BOARDIO_READY`));
      expect(out).toMatch(new RegExp(`${host} +complete +Sequence complete`));
      expect(out).toMatch(new RegExp(`${host} +\\$ uname -a\\n {4}\\S+`));
    }
    expect(out).toContain('echo token came back from 3 of 3 units');
    // how long it took is a figure for people, printed at the end (timing goals live in bench/)
    expect(out).toMatch(/Done in \d+\.\d s/);
  });

  it("exits 4 and says so when a unit's address is in use", async () => {
    const blocker = await occupy('127.0.9.100', 5000);
    try {
      const result = await runCli(['demo', '--base', '127.0.9.100', '--units', '1']);
      expect(result.code).toBe(4);
      expect(result.stderr).toContain('cannot listen on 127.0.9.100:5000: port already in use');
      expect(result.stderr).toContain('move them with --base');
    } finally {
      await blocker.close();
    }
  });
});
