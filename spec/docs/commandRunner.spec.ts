import * as net from 'node:net';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { firstValueFrom, from, lastValueFrom, take, toArray } from 'rxjs';
import { encodeEvent, type Identity, type Output } from 'pycom-rx';
import { simulateUnits } from 'pycom-rx/simulator';
import { taggedOutput, untagCommand } from '../../src/protocol/tagged';
import { commandRunner, type JobResult } from '../../examples/commandRunner';

const root = join(__dirname, '..', '..');
const read = (path: string) => readFileSync(join(root, path), 'utf8');

const ME: Identity = {
  id: 'c0ffee01',
  name: 'runner',
  ip: '127.78.0.1',
  port: 5000,
  version: '1',
  coordinator: true,
};
const HOSTILE = '127.78.0.3';
const SPOOFER = '127.78.0.9';
const SIMULATED = '127.78.0.4'; // and .5

/** Sends one output event to the runner from `from` (the connection's source address), and waits for its close. */
function answer(from: string, text: string): Promise<void> {
  const event: Output = {
    id: 'bad0c0de',
    name: 'la4',
    ip: HOSTILE,
    port: 5000,
    version: '1',
    coordinator: false,
    type_: 'output',
    output: text,
  };
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: ME.ip, port: ME.port, localAddress: from }, () =>
      socket.end(encodeEvent(event)),
    );
    socket.on('error', reject);
    socket.on('close', () => resolve());
  });
}

/**
 * A unit at HOSTILE:5000 whose network is hostile. For `echo spoofed`: first the right nonce from
 * another address, then a guessed nonce from the unit's own address, then the right answer, then
 * the right answer again (duplicate). `echo late`: no answer until the next command arrives; then
 * the late answer first, and the next command's own answer after it.
 */
function hostileUnit(): Promise<net.Server> {
  let heldBack: { nonce: string; command: string } | undefined;
  const server = net.createServer((socket) => {
    let body = '';
    socket.on('data', (chunk) => (body += chunk.toString()));
    socket.on('end', () => {
      socket.end();
      const tagged = untagCommand((JSON.parse(body) as { command: string }).command)!;
      const printed = (command: string) => `${command.slice('echo '.length)}\n`;
      const right = taggedOutput(tagged.nonce, printed(tagged.command), 0);
      void (async () => {
        if (tagged.command === 'echo spoofed') {
          await answer(SPOOFER, taggedOutput(tagged.nonce, 'WRONG: spoofed\n', 0));
          await answer(HOSTILE, taggedOutput('0123456789abcdef0123456789abcdef', 'WRONG: guessed\n', 0));
          await answer(HOSTILE, right);
          await answer(HOSTILE, right);
        } else if (tagged.command === 'echo late') heldBack = tagged;
        else {
          if (heldBack !== undefined) await answer(HOSTILE, taggedOutput(heldBack.nonce, 'WRONG: late\n', 0));
          heldBack = undefined;
          await answer(HOSTILE, right);
        }
      })();
    });
  });
  return new Promise((resolve) => server.listen(5000, HOSTILE, () => resolve(server)));
}

describe('a pipeline without the coordinator (docs/pipeline.md)', () => {
  it('is the same code in docs/pipeline.md as in examples/commandRunner.ts', () => {
    const blocks = [...read('docs/pipeline.md').matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]);
    expect(blocks).toContain(read('examples/commandRunner.ts'));
  });

  it('gives every command its own output: spoofed, guessed-nonce, late and duplicate outputs answer nothing', async () => {
    const rig = simulateUnits(2, { base: SIMULATED });
    const hostile = await hostileUnit();
    try {
      await rig.ready;
      const runner = commandRunner(ME);
      // 3 unmatched (spoofed, guessed, duplicate) and 1 late: subscribed first, which binds the listener
      const strays = firstValueFrom(runner.strays$.pipe(take(4), toArray()));
      const simulated = rig.units.map((u) => u.host);
      const jobs = [
        { unit: HOSTILE, command: 'echo spoofed' },
        { unit: HOSTILE, command: 'echo late', timeoutMs: 200 }, // held back until the next command
        { unit: HOSTILE, command: 'echo after-late' },
        ...simulated.flatMap((unit) => [1, 2, 3].map((n) => ({ unit, command: `echo ${unit}-${n}` }))),
      ];
      const results = await lastValueFrom(runner.run(from(jobs)).pipe(toArray()));

      const byCommand = new Map(
        results.map((r: JobResult) => [r.kind === 'unmatched' ? '' : r.request.command, r]),
      );
      expect(results).toHaveLength(jobs.length);
      for (const job of jobs) {
        const result = byCommand.get(job.command)!;
        if (job.command === 'echo late') {
          expect(result.kind).toBe('timeout');
          continue;
        }
        expect(result).toMatchObject({
          kind: 'output',
          request: { unit: job.unit, command: job.command },
          output: {
            output: `${job.command.slice('echo '.length)}\n`,
            exitCode: 0,
            remote: { address: job.unit },
          },
        });
      }
      // one in flight per unit, in order: the hostile unit's commands ended in the order sent
      const hostileOrder = results.filter((r) => r.kind !== 'unmatched' && r.request.unit === HOSTILE);
      expect(hostileOrder.map((r) => r.kind !== 'unmatched' && r.request.command)).toEqual([
        'echo spoofed',
        'echo late',
        'echo after-late',
      ]);

      const stray = await strays;
      expect(stray.map((r) => r.kind).sort()).toEqual(['late', 'unmatched', 'unmatched', 'unmatched']);
      const texts = stray.map((r) => (r.kind === 'late' || r.kind === 'unmatched' ? r.output.output : ''));
      expect(texts.sort()).toEqual(['WRONG: guessed\n', 'WRONG: late\n', 'WRONG: spoofed\n', 'spoofed\n']);
      expect(stray.find((r) => r.kind === 'late')).toMatchObject({
        reason: 'timeout',
        request: { command: 'echo late' },
      });
      expect(
        stray.find((r) => r.kind === 'unmatched' && r.output.output.startsWith('WRONG: spoofed')),
      ).toMatchObject({
        output: { remote: { address: SPOOFER } },
      });
    } finally {
      await new Promise((resolve) => hostile.close(resolve));
      await rig.close();
    }
  });
});
