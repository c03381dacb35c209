import { firstValueFrom, lastValueFrom, toArray } from 'rxjs';
import { createCoordinator, OptionError, OutputTruncatedError, type Coordinator } from '../../src';
import { simulateUnit, type PycomQuirks, type SimulatedUnit } from '../../src/simulator';

// This spec's units live on 127.93.2.0/24 (spec/simulator/quirks.spec.ts has the rest of 127.93).
let hosts = 0;

describe('coordinator against units whose pycom changes outputs (pycomQuirks)', () => {
  let unit: SimulatedUnit | undefined;
  let coordinator: Coordinator | undefined;
  afterEach(async () => {
    await coordinator?.close();
    await unit?.close();
    coordinator = undefined;
    unit = undefined;
  });

  /** A unit with these quirks and a coordinator for it; commands wait 20 s, far beyond the test's own timeout. */
  async function rig(pycomQuirks: PycomQuirks, outputCapBytes?: number) {
    const host = `127.93.2.${++hosts}`;
    unit = simulateUnit({ host, hardwareReadyDelayMs: 0, pycomQuirks });
    await unit.ready;
    coordinator = createCoordinator({
      listen: { host: '127.0.0.1', port: 0 },
      commandTimeoutMs: 20_000,
      outputCapBytes,
    });
    const c = coordinator;
    const run = (command: string) => firstValueFrom(c.command(host, command));
    const unmatched = lastValueFrom(c.unmatched$.pipe(toArray()));
    return { run, unmatched };
  }

  it.each<[string, PycomQuirks, string]>([
    ['none', {}, '  two  \nlines\n'],
    ['crlf', { crlf: true }, '  two  \r\nlines\r\n'],
    ['appendNewline', { appendNewline: true }, '  two  \nlines\n'],
    [
      'all three of strip, crlf, appendNewline',
      { stripOutput: true, crlf: true, appendNewline: true },
      'two  \r\nlines\r\n',
    ],
    // str.strip() takes the whitespace at the start of the output: the command's own, here
    ['stripOutput (leading whitespace lost)', { stripOutput: true }, 'two  \nlines\n'],
  ])('tagged commands answer with their text and exit status (quirks: %s)', async (_, quirks, text) => {
    const { run, unmatched } = await rig(quirks);
    const answer = await run("printf '  two  \\nlines\\n'; exit 5");
    expect(answer).toMatchObject({ output: text, exitCode: 5 });
    expect(await run('true')).toMatchObject({ output: '', exitCode: 0 });
    await coordinator!.close();
    expect(await unmatched).toEqual([]);
  });

  it('stripOutput: a command that printed only whitespace answers with an empty output and its status', async () => {
    const { run } = await rig({ stripOutput: true });
    expect(await run("printf '\\n\\n  '; exit 2")).toMatchObject({ output: '', exitCode: 2 });
  });

  it('fails a long output at once with an OutputTruncatedError on a unit that caps outputs', async () => {
    const { run } = await rig({ outputCapBytes: 4096 }, 4096);
    const error: unknown = await run('head -c 10000 /dev/zero | tr "\\000" a').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OutputTruncatedError);
    expect(error).toMatchObject({
      reason: 'truncated',
      bytes: 4096,
      capBytes: 4096,
      output: 'a'.repeat(4096),
    });
    expect((error as Error).message).toMatch(/was truncated \(4096 bytes arrived, the unit's cap is 4096\)/);
    // a short output of the same unit still answers
    expect(await run('echo short')).toMatchObject({ output: 'short\n', exitCode: 0 });
  });

  it('fails at once, without outputCapBytes, when the cut falls inside the trailer', async () => {
    // 'a' x 100 then the trailer: cut 20 bytes into it (mark, label and the nonce's first 10 characters)
    const { run } = await rig({ outputCapBytes: 120 });
    const error: unknown = await run('head -c 100 /dev/zero | tr "\\000" a').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OutputTruncatedError);
    expect(error).toMatchObject({ bytes: 120, capBytes: undefined });
  });

  it.each([false, true])(
    'answers a command whose background job printed after the trailer, its text appended (keepBackgroundJobs %p)',
    async (keepBackgroundJobs) => {
      const { run } = await rig({ keepBackgroundJobs });
      const job = '(while kill -0 $PPID 2>/dev/null; do sleep 0.01; done; echo late) &';
      expect(await run(`${job} echo own; exit 3`)).toMatchObject({ output: 'own\nlate\n', exitCode: 3 });
    },
  );

  it('answers at once a command whose detached job (output redirected) keeps running', async () => {
    const { run } = await rig({ keepBackgroundJobs: true });
    expect(await run('sleep 1000 >/dev/null 2>&1 & echo $! > job.pid; echo started')).toMatchObject({
      output: 'started\n',
      exitCode: 0,
    });
    expect(await run('kill -0 "$(cat job.pid)" && echo alive')).toMatchObject({ output: 'alive\n' });
  });

  it.each([0, -1, 1.5, '4096'])('refuses an outputCapBytes of %p when created', (outputCapBytes) => {
    expect(() => createCoordinator({ outputCapBytes: outputCapBytes as number })).toThrow(OptionError);
  });
});
