import { filter, map } from 'rxjs';
import { tagCommand } from '../../src/protocol/tagged';
import type { Inbound as Item } from '../../src/transport';
import { memoryNetwork, memoryTransport, memoryUnit, type PycomQuirks } from '../../src/testing';
import { OptionError } from '../../src/validation';
import { command, MEMORY_PC, testScheduler } from '../helpers/events';
import { sendRequest } from '../helpers/sockets';
import { simulatorFixture } from '../helpers/units';

// This spec's units live on 127.93.0.0/23 (spec/helpers/addresses.ts).
const NONCE = '0123456789abcdef0123456789abcdef';
/** The trailer the wrapper prints for exit status `code`, closing mark included. */
const trailer = (code: number) => `\x1epycom-rx ${NONCE} ${code}\x1e`;

describe('simulated unit: pycomQuirks (what pycom may do to an output)', () => {
  const fx = simulatorFixture();
  let hosts = 0;

  /** Starts a unit with these quirks on a fresh address; returns a function giving the raw output of a command. */
  async function unitWith(pycomQuirks: PycomQuirks) {
    const host = `127.93.0.${++hosts}`;
    const unit = fx.simulateUnit({ host, hardwareReadyDelayMs: 0, pycomQuirks });
    await unit.ready;
    return async (text: string): Promise<unknown> => {
      const before = fx.collector.items.length;
      await sendRequest(host, 5000, command(fx.collector.port, text));
      const items = await fx.collector.waitForCount(before + 1);
      return items[before]!.json?.['output'];
    };
  }

  it('sends outputs exactly as printed without quirks', async () => {
    const run = await unitWith({});
    expect(await run(tagCommand("printf '  hi \\n'", NONCE).text)).toBe(`  hi \n${trailer(0)}`);
  });

  it('stripOutput: strips as Python does, the separators \\x1c-\\x1f included, so the closing mark goes', async () => {
    const run = await unitWith({ stripOutput: true });
    expect(await run(tagCommand("printf '  hi \\n'; exit 3", NONCE).text)).toBe(
      `hi \n${trailer(3).slice(0, -1)}`,
    );
    expect(await run("printf '\\n\\t\\034\\037 x \\036\\n'")).toBe('x');
    expect(await run(tagCommand("printf '\\n'", NONCE).text)).toBe(`pycom-rx ${NONCE} 0`);
  });

  it('crlf: sends every \\n as \\r\\n', async () => {
    const run = await unitWith({ crlf: true });
    expect(await run(tagCommand("printf 'a\\nb\\n'", NONCE).text)).toBe(`a\r\nb\r\n${trailer(0)}`);
  });

  it('appendNewline: appends a \\n to every output', async () => {
    const run = await unitWith({ appendNewline: true });
    expect(await run(tagCommand('printf x', NONCE).text)).toBe(`x${trailer(0)}\n`);
  });

  it('outputCapBytes: cuts every output to that many UTF-8 bytes, a split character as U+FFFD', async () => {
    const run = await unitWith({ outputCapBytes: 10 });
    expect(await run('head -c 100 /dev/zero | tr "\\000" a')).toBe('a'.repeat(10));
    expect(await run("printf 'aaaaaaaaa\\303\\251'")).toBe('aaaaaaaaa\ufffd');
    expect(await run(tagCommand('printf abc', NONCE).text)).toBe(`abc${trailer(0)}`.slice(0, 10));
  });

  it('applies the quirks in order: strip, crlf, cap, newline', async () => {
    const run = await unitWith({ stripOutput: true, crlf: true, outputCapBytes: 4, appendNewline: true });
    expect(await run("printf ' a\\nb\\n c '")).toBe('a\r\nb\n');
  });

  /** A job that prints once the command's outer shell (the wrapper) has exited, holding stdout till then. */
  const printsAfterExit = '(while kill -0 $PPID 2>/dev/null; do sleep 0.01; done; echo late) &';

  it.each([false, true])(
    'sends what a background job holding stdout prints after the trailer, in the same output (keepBackgroundJobs %p)',
    async (keepBackgroundJobs) => {
      const run = await unitWith({ keepBackgroundJobs });
      expect(await run(tagCommand(`${printsAfterExit} echo own; exit 4`, NONCE).text)).toBe(
        `own\n${trailer(4)}late\n`,
      );
    },
  );

  /** Starts a detached job (its output redirected) whose pid is in ./job.pid. */
  const detached = 'sleep 1000 >/dev/null 2>&1 & echo $! > job.pid; echo started';
  /** Waits, in the unit's shell, until the job is gone (exited or a zombie), then says so. */
  const waitGone =
    'p=$(cat job.pid); while [ -e /proc/$p ] && ! grep -q "^[0-9]* ([^)]*) Z" /proc/$p/stat 2>/dev/null; do sleep 0.01; done; echo gone';

  it('keepBackgroundJobs: a detached job survives its command (until the unit closes)', async () => {
    const run = await unitWith({ keepBackgroundJobs: true });
    expect(await run(detached)).toBe('started\n');
    expect(await run('kill -0 "$(cat job.pid)" && echo alive')).toBe('alive\n');
  });

  it('by default, a detached job is killed with its command', async () => {
    const run = await unitWith({});
    expect(await run(detached)).toBe('started\n');
    expect(await run(waitGone)).toBe('gone\n');
  });

  it.each<[PycomQuirks, string]>([
    [{ outputCapBytes: 0 }, 'pycomQuirks.outputCapBytes'],
    [{ outputCapBytes: 1.5 }, 'pycomQuirks.outputCapBytes'],
    [{ stripOutput: 'yes' as unknown as boolean }, 'pycomQuirks.stripOutput'],
    [{ keepBackgroundJobs: 1 as unknown as boolean }, 'pycomQuirks.keepBackgroundJobs'],
    ['strip' as unknown as PycomQuirks, 'pycomQuirks'],
  ])('refuses pycomQuirks %p at once, naming %s', (pycomQuirks, option) => {
    const create = () => fx.simulateUnit({ host: '127.93.1.1', pycomQuirks });
    expect(create).toThrow(OptionError);
    expect(create).toThrow(`option ${option} `);
  });
});

describe('memory unit: pycomQuirks', () => {
  /** The raw output of a memory unit with these quirks, for a tagged command its executor answers. */
  function rawOutput(pycomQuirks: PycomQuirks, stdout: string, exitCode = 0): string | undefined {
    const ts = testScheduler();
    let seen: string | undefined;
    ts.run(() => {
      const network = memoryNetwork({ scheduler: ts });
      const transport = memoryTransport(network);
      memoryUnit(network, { executor: () => ({ stdout, exitCode }), pycomQuirks });
      transport
        .listen({})
        .pipe(
          filter((i: Item) => 'type_' in i && i.type_ === 'output'),
          map((i) => ('type_' in i && i.type_ === 'output' ? i.output : '')),
        )
        .subscribe((o) => (seen = o));
      transport
        .send('192.168.0.23', command(5000, tagCommand('anything', NONCE).text, MEMORY_PC))
        .subscribe();
    });
    return seen;
  }

  it('applies the same quirks to the outputs of its executors', () => {
    expect(rawOutput({}, ' ok\n', 2)).toBe(` ok\n${trailer(2)}`);
    expect(rawOutput({ stripOutput: true }, ' ok\n', 2)).toBe(`ok\n${trailer(2).slice(0, -1)}`);
    expect(rawOutput({ crlf: true }, 'a\nb\n')).toBe(`a\r\nb\r\n${trailer(0)}`);
    expect(rawOutput({ appendNewline: true }, 'x')).toBe(`x${trailer(0)}\n`);
    expect(rawOutput({ outputCapBytes: 5 }, 'abcdefgh')).toBe('abcde');
  });

  it('takes keepBackgroundJobs without effect: its executors start no processes', () => {
    expect(rawOutput({ keepBackgroundJobs: true }, 'x')).toBe(`x${trailer(0)}`);
  });

  it('refuses a bad pycomQuirks at once', () => {
    const network = memoryNetwork({ scheduler: testScheduler() });
    expect(() => memoryUnit(network, { pycomQuirks: { crlf: 'no' as unknown as boolean } })).toThrow(
      'option pycomQuirks.crlf ',
    );
  });
});
