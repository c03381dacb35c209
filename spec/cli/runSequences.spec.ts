import { mkdtemp, rm } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { NEVER, Observable, of, Subject, throwError } from 'rxjs';
import type { SequenceProgress } from '../../src/coordinator/runSequence';
import { EXIT } from '../../src/cli/exitCodes';
import { runCli } from '../../src/cli/program';
import { runSequences } from '../../src/cli/runSequences';
import { fakeIo, occupy } from './helpers';

// Issue 25: the paths of cli/runSequences.ts that no spec reached: a run that errors (it used to
// never settle), exit 6 when a unit takes the upload but never answers, exit 4 when the listener's
// port is in use. In-process (runCli with a fake io), so coverage sees them. Addresses:
// 127.187.0.0/16 belongs to this file.

const completed = (unit: string): SequenceProgress => ({ unit, step: 'completed' });

describe('runSequences', () => {
  it('rejects with the error of a run that errors, and stops the other runs', async () => {
    const { io } = fakeIo({ cwd: os.tmpdir() });
    let otherUnsubscribed = false;
    const other = new Observable<SequenceProgress>(() => () => (otherUnsubscribed = true));
    const boom = new Error('coordinator closed');
    // the other run is subscribed first: the failing one errors as soon as it is subscribed
    const start = (t: { host: string }) => (t.host === '127.187.0.3' ? throwError(() => boom) : other);
    await expect(
      runSequences(
        start,
        [
          { host: '127.187.0.2', port: 5000 },
          { host: '127.187.0.3', port: 5000 },
        ],
        { json: true, run: true },
        io,
      ),
    ).rejects.toBe(boom);
    expect(otherUnsubscribed).toBe(true);
  });

  it('rejects when a run errors after some progress, keeping what it printed', async () => {
    const { io, text } = fakeIo({ cwd: os.tmpdir() });
    const progress = new Subject<SequenceProgress>();
    const outcome = runSequences(
      () => progress,
      [{ host: '127.187.0.4', port: 5000 }],
      { json: true, run: true },
      io,
    );
    progress.next({ unit: '127.187.0.4', step: 'uploaded', output: 'ok' });
    progress.error(new Error('listener gone'));
    await expect(outcome).rejects.toThrow('listener gone');
    expect(JSON.parse(text.stdout.trim())).toMatchObject({ unit: '127.187.0.4', step: 'uploaded' });
  });

  it('resolves with every outcome when each run completes', async () => {
    const { io } = fakeIo({ cwd: os.tmpdir() });
    const outcomes = await runSequences(
      (t) => of(completed(t.host)),
      [{ host: '127.187.0.5', port: 5001 }],
      { json: false, run: true },
      io,
    );
    expect(outcomes).toEqual([
      expect.objectContaining({ unit: '127.187.0.5:5001', steps: [completed('127.187.0.5')] }),
    ]);
  });

  it('resolves on Ctrl-C with the steps so far', async () => {
    const { io, stop } = fakeIo({ cwd: os.tmpdir() });
    const outcome = runSequences(
      () => NEVER,
      [{ host: '127.187.0.6', port: 5000 }],
      { json: true, run: true },
      io,
    );
    stop();
    expect(await outcome).toEqual([expect.objectContaining({ unit: '127.187.0.6', steps: [] })]);
  });
});

describe('pycom-rx run: exit codes of a run that cannot finish', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'pycom-rx-runseq-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('exits 6 (timeout) when the unit takes the upload and never answers', async () => {
    // a "unit" that accepts every connection and says nothing
    const silent = await occupy('127.187.1.2');
    try {
      const { io, text } = fakeIo({ cwd: dir });
      const code = await runCli(
        [
          'run',
          `127.187.1.2:${silent.port}`,
          '--preset',
          'ALL',
          '--timeout',
          '300',
          '--host',
          '127.187.1.1',
          '--port',
          '0',
        ],
        io,
      );
      expect({ code, stderr: text.stderr }).toEqual({
        code: EXIT.timeout,
        stderr: expect.stringMatching(new RegExp(`127\\.187\\.1\\.2:${silent.port}: failed at upload: .+`)),
      });
      expect(text.stderr).toContain('0 of 1 unit completed');
    } finally {
      await silent.close();
    }
  });

  it('exits 6 with a JSON failed item (reason timeout) under --json', async () => {
    const silent = await occupy('127.187.1.3');
    try {
      const { io, text } = fakeIo({ cwd: dir });
      const code = await runCli(
        [
          'run',
          `127.187.1.3:${silent.port}`,
          '--preset',
          'ALL',
          '--timeout',
          '300',
          '--json',
          '--host',
          '127.187.1.1',
          '--port',
          '0',
        ],
        io,
      );
      expect(code).toBe(EXIT.timeout);
      const items = text.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as Record<string, unknown>);
      expect(items.at(-1)).toMatchObject({ step: 'failed', failedStep: 'upload', reason: 'timeout' });
    } finally {
      await silent.close();
    }
  });

  it("exits 4 (port in use) when the listener's port is taken, and says which", async () => {
    const blocker = await occupy('127.187.2.1');
    try {
      const { io, text } = fakeIo({ cwd: dir });
      const code = await runCli(
        ['run', '127.187.2.2', '--preset', 'ALL', '--host', '127.187.2.1', '--port', String(blocker.port)],
        io,
      );
      expect(code).toBe(EXIT.portInUse);
      expect(text.stderr).toContain(`127.187.2.1:${blocker.port}`);
      expect(text.stderr).toMatch(/port already in use/);
    } finally {
      await blocker.close();
    }
  });
});
