import * as http from 'node:http';
import { EMPTY, filter, firstValueFrom, lastValueFrom, throwError } from 'rxjs';
import { createCoordinator, type Coordinator } from '../../src/coordinator';
import { consoleUnit } from '../../src/console/address';
import type { ConsoleCoordinator } from '../../src/console/coordinator';
import { runCommandJob, runSequenceJob } from '../../src/console/jobs';
import { REQUEST_LIMITS } from '../../src/console/requests';
import { startConsole, type RunningConsole } from '../../src/console';
import { preset } from '../../src/sequence';
import { simulateUnit, type SimulatedUnit } from '../../src/simulator';

// Issue 25: what a console user sees when things go wrong: a failed command or sequence job, a
// unit on a port other than 5000, and requests the console refuses (too many units, a CSV over
// its limit, a chunked body over the body limit) or still takes (a body that comes slowly).
// Addresses: 127.188.0.0/16 belongs to this file.

const header = { id: 1, title: 'test', startedAt: 0 };

/** A coordinator whose `command` and `runSequence` are the given stand-ins (nothing else is used). */
const fakeCoordinator = (parts: Partial<ConsoleCoordinator>) => parts as ConsoleCoordinator;

describe('console jobs that fail', () => {
  const unit = consoleUnit({ host: '127.188.0.2' });

  it('shows a command that could not be sent as a failed row, with the reason in words', async () => {
    const coordinator = fakeCoordinator({
      command: () => throwError(() => new Error('connect ECONNREFUSED 127.188.0.2:5000')),
    });
    const job = await lastValueFrom(runCommandJob(coordinator, [unit], 'uptime', header, () => 40));
    expect(job).toMatchObject({
      done: true,
      units: { '127.188.0.2': { status: 'failed', error: expect.stringContaining('ECONNREFUSED'), ms: 40 } },
    });
  });

  it('shows a command that ended without an output as failed, not as done', async () => {
    const coordinator = fakeCoordinator({ command: () => EMPTY });
    const job = await lastValueFrom(runCommandJob(coordinator, [unit], 'uptime', header));
    expect(job).toMatchObject({
      done: true,
      units: { '127.188.0.2': { status: 'failed', error: 'the command ended without an output' } },
    });
  });

  it('shows a sequence whose run errored as failed at upload (unreachable), with the message', async () => {
    const coordinator = fakeCoordinator({
      runSequence: () => throwError(() => new Error('coordinator closed')),
    });
    const job = await lastValueFrom(
      runSequenceJob(coordinator, [unit], preset({ mode: 'ALL', camera: 'nikon' }), {}, header),
    );
    expect(job).toMatchObject({ done: true, kind: 'sequence' });
    const row = (job as { units: Record<string, { failed?: unknown }> }).units['127.188.0.2'];
    expect(row?.failed).toEqual({
      failedStep: 'upload',
      reason: 'unreachable',
      message: 'coordinator closed',
    });
  });
});

interface Answer {
  readonly status: number;
  readonly body: { error?: string; issues?: string[]; job?: { id: number } };
}

describe('the console API at its limits (real sockets)', () => {
  let unit: SimulatedUnit;
  let coordinator: Coordinator;
  let running: RunningConsole;
  const ADDRESS = '127.188.1.2:5001';

  beforeAll(async () => {
    unit = simulateUnit({ host: '127.188.1.2', port: 5001, hardwareReadyDelayMs: 50 });
    await unit.ready;
    coordinator = createCoordinator({ listen: { host: '127.0.0.1', port: 0 } });
    running = await startConsole({ coordinator, units: [{ host: '127.188.1.2', port: 5001 }] });
  });
  afterAll(async () => {
    await running?.close();
    await coordinator?.close();
    await unit?.close();
  });

  /**
   * POSTs `chunks` to the console, chunked (no Content-Length), each written only once the one
   * before it was flushed to the socket.
   */
  function post(path: string, chunks: ReadonlyArray<string>): Promise<Answer> {
    return new Promise((resolve, reject) => {
      const req = http.request(
        {
          host: '127.0.0.1',
          port: running.address.port,
          path,
          method: 'POST',
          headers: { Authorization: `Bearer ${running.token}`, 'Content-Type': 'application/json' },
        },
        (res) => {
          let text = '';
          res.setEncoding('utf8').on('data', (c: string) => (text += c));
          res.on('end', () =>
            resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as Answer['body'] }),
          );
        },
      );
      req.on('error', reject);
      const write = (i: number): void => {
        if (i === chunks.length) return void req.end();
        if (req.destroyed) return;
        req.write(chunks[i], () => write(i + 1));
      };
      write(0);
    });
  }
  const json = (value: unknown) => [JSON.stringify(value)];

  it('runs a command on a unit on port 5001 (named host:port) and shows its output', async () => {
    const done = firstValueFrom(
      running.model.changes$.pipe(filter((c) => c.kind === 'job' && c.job.kind === 'command' && c.job.done)),
    );
    const answer = await post('/api/command', json({ units: [ADDRESS], command: 'echo on-5001' }));
    expect(answer.status).toBe(202);
    const change = await done;
    expect(change.kind === 'job' && change.job.units[ADDRESS]).toMatchObject({
      status: 'done',
      output: 'on-5001\n',
    });
  });

  it(`refuses a request naming more than ${REQUEST_LIMITS.units} units, and says the limit`, async () => {
    const units = Array.from({ length: REQUEST_LIMITS.units + 1 }, () => ADDRESS);
    const answer = await post('/api/command', json({ units, command: 'uptime' }));
    expect(answer.status).toBe(400);
    expect(answer.body.issues).toContain(`units: at most ${REQUEST_LIMITS.units}`);
  });

  it('refuses a CSV over its character limit (body under the byte limit) with a 400 that says why', async () => {
    const csv = 'LED_FAN,1\n'.repeat(Math.ceil((REQUEST_LIMITS.csvLength + 1) / 10));
    const body = JSON.stringify({ units: [ADDRESS], csv });
    expect(csv.length).toBeGreaterThan(REQUEST_LIMITS.csvLength);
    expect(Buffer.byteLength(body)).toBeLessThan(REQUEST_LIMITS.bodyBytes);
    const answer = await post('/api/sequence', [body]);
    expect(answer.status).toBe(400);
    expect(answer.body.issues).toContain(`csv: longer than ${REQUEST_LIMITS.csvLength} characters`);
  });

  it('refuses a chunked body (no Content-Length) over the byte limit with a 413', async () => {
    const piece = `"${'x'.repeat(16_382)}",`;
    const chunks = ['{"units":[', ...Array.from({ length: 20 }, () => piece), '""],"command":"x"}'];
    const answer = await post('/api/command', chunks);
    expect(answer).toEqual({
      status: 413,
      body: { error: `body larger than ${REQUEST_LIMITS.bodyBytes} bytes` },
    });
  });

  it('takes a body that arrives in many small pieces, one after the other', async () => {
    const text = JSON.stringify({ units: [ADDRESS], command: 'echo slow' });
    const answer = await post('/api/command', text.match(/.{1,4}/g) ?? []);
    expect(answer.status).toBe(202);
    expect(answer.body.job).toEqual(expect.objectContaining({ kind: 'command' }));
  });
});
