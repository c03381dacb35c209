import { lastValueFrom } from 'rxjs';
import { MAX_COMMAND_BYTES } from '../../src/protocol/commandSize';
import type { PycomRequest } from '../../src/protocol/requests';
import { readTrailer, tagCommand } from '../../src/protocol/tagged';
import type { Executor } from '../../src/simulator';
import { ARGUMENT_LIST_TOO_LONG, CANNOT_EXECUTE_EXIT_CODE } from '../../src/unit/cannotRun';
import { send } from '../../src/transport';
import { command } from '../helpers/events';
import { record, sentinel, simulatorFixture } from '../helpers/units';

// Addresses: 127.0.35.0/24 (spec/helpers/addresses.ts).

/** A command of exactly `bytes` UTF-8 bytes that does nothing: `:` and spaces. */
const noop = (bytes: number) => `:${' '.repeat(bytes - 1)}`;

describe('simulated unit: commands it cannot start', () => {
  const fx = simulatorFixture();

  /** Sends `text` as a `cmd` request with send() and waits for the output event it causes. */
  async function outputOf(host: string, text: string): Promise<string> {
    const before = fx.collector.items.length;
    await lastValueFrom(send(host, command(fx.collector.port, text) as unknown as PycomRequest));
    const items = await fx.collector.waitForCount(before + 1);
    const event = items[before]!.json;
    expect(event?.['type_']).toBe('output');
    return event?.['output'] as string;
  }

  it('answers a command over MAX_COMMAND_BYTES as Linux refuses it, and goes on running commands', async () => {
    const host = '127.0.35.1';
    const unit = fx.simulateUnit({ host, hardwareReadyDelayMs: 'manual' });
    const activity = record(unit.events$);
    await unit.ready;
    const huge = noop(MAX_COMMAND_BYTES + 1);
    expect(Buffer.byteLength(huge)).toBe(131072);
    expect(await outputOf(host, huge)).toBe(ARGUMENT_LIST_TOO_LONG);
    expect(ARGUMENT_LIST_TOO_LONG).toBe('/bin/sh: Argument list too long\n');
    const finished = await activity.waitFor('command-finished');
    expect(finished).toMatchObject({ exitCode: CANNOT_EXECUTE_EXIT_CODE, stdout: '', timedOut: false });
    expect(CANNOT_EXECUTE_EXIT_CODE).toBe(126);
    // a multi-byte command is measured in UTF-8 bytes, as the kernel does
    const accents = `: ${'é'.repeat(65535)}`;
    expect([accents.length, Buffer.byteLength(accents)]).toEqual([65537, 131072]);
    expect(await outputOf(host, accents)).toBe(ARGUMENT_LIST_TOO_LONG);
    // the largest command that fits still runs in the shell
    const largest = `${noop(MAX_COMMAND_BYTES - 9)}; echo ok`;
    expect(Buffer.byteLength(largest)).toBe(MAX_COMMAND_BYTES);
    expect(await outputOf(host, largest)).toBe('ok\n');
    // nothing crashed: the unit (and this process) go on
    await sentinel(host, fx.collector);
  });

  it('ends the answer to a tagged command with a trailer carrying exit status 126', async () => {
    const host = '127.0.35.2';
    const unit = fx.simulateUnit({ host, hardwareReadyDelayMs: 'manual' });
    await unit.ready;
    const tagged = tagCommand(noop(MAX_COMMAND_BYTES));
    expect(Buffer.byteLength(tagged.text)).toBeGreaterThan(MAX_COMMAND_BYTES);
    expect(readTrailer(await outputOf(host, tagged.text))).toEqual({
      nonce: tagged.nonce,
      exitCode: 126,
      output: ARGUMENT_LIST_TOO_LONG,
    });
    await sentinel(host, fx.collector);
  });

  it('never hands an oversized command to a function executor', async () => {
    const host = '127.0.35.3';
    const seen: string[] = [];
    const executor: Executor = (text) => {
      seen.push(text);
      return { stdout: `ran ${text.length}\n` };
    };
    const unit = fx.simulateUnit({ host, executor, hardwareReadyDelayMs: 'manual' });
    await unit.ready;
    expect(await outputOf(host, noop(MAX_COMMAND_BYTES + 1))).toBe(ARGUMENT_LIST_TOO_LONG);
    const tagged = tagCommand(noop(MAX_COMMAND_BYTES));
    expect(readTrailer(await outputOf(host, tagged.text))).toMatchObject({
      nonce: tagged.nonce,
      exitCode: 126,
    });
    expect(seen).toEqual([]);
    expect(await outputOf(host, noop(MAX_COMMAND_BYTES))).toBe(`ran ${MAX_COMMAND_BYTES}\n`);
  });

  it('answers a command whose shell cannot be started with the error, tagged or not', async () => {
    const host = '127.0.35.4';
    const unit = fx.simulateUnit({ host, hardwareReadyDelayMs: 'manual' });
    await unit.ready;
    // fits as sent, but not once /home/rigsters is mapped to the (longer) temporary home: spawn fails with E2BIG
    const vendorPaths = ' /home/rigsters'.repeat(10);
    const mapped = `${noop(MAX_COMMAND_BYTES - vendorPaths.length)}${vendorPaths}`;
    expect(Buffer.byteLength(mapped)).toBe(MAX_COMMAND_BYTES);
    expect(unit.home.length).toBeGreaterThan('/home/rigsters'.length);
    expect(await outputOf(host, mapped)).toBe(ARGUMENT_LIST_TOO_LONG);
    // no program can be given a NUL character
    expect(await outputOf(host, 'echo a\u0000b')).toMatch(/^pycom-sim: cannot run \/bin\/sh: .*NUL/);
    const tagged = tagCommand('echo a').text.replace('echo a', 'echo a\u0000b');
    expect(readTrailer(await outputOf(host, tagged))).toMatchObject({
      exitCode: 126,
      output: expect.stringMatching(/NUL/) as unknown,
    });
    await sentinel(host, fx.collector);
  });
});
