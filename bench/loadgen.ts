/**
 * The load generator of bench/ingest.ts, run in its own process (forked with tsx) so that it does
 * not share an event loop with the listener under test.
 *
 * Protocol over IPC: the parent sends `{ type: 'run', host, port, connections, concurrency,
 * payload, stalled?, stallMs? }` (payload base64); this process opens `connections` connections to
 * host:port, at most `concurrency` at once, each writing the payload and ending, and waits for each
 * to close; then answers `{ type: 'done', ok, errors, elapsedMs, firstError }`. `{ type: 'exit' }`
 * ends it. With `stalled`, that many extra connections open first, outside the concurrency pool:
 * each writes the first half of the payload, stalls for `stallMs`, then writes the rest and ends
 * (a unit on a bad link); they count in `ok`/`errors` like the others.
 * A connection not closed within 10 s counts as an error; the process exits by itself if the
 * parent goes away.
 */
import * as net from 'node:net';

/** What the parent asks for. */
export interface RunRequest {
  readonly type: 'run';
  readonly host: string;
  readonly port: number;
  readonly connections: number;
  readonly concurrency: number;
  readonly payload: string;
  /** Extra connections that stall mid-payload (default none). */
  readonly stalled?: number;
  /** How long each stalled connection waits before writing the rest of its payload. */
  readonly stallMs?: number;
}

/** What this process answers after a run. */
export interface RunResult {
  readonly type: 'done';
  readonly ok: number;
  readonly errors: number;
  readonly elapsedMs: number;
  readonly firstError: string | undefined;
}

function run(request: RunRequest): Promise<RunResult> {
  const payload = Buffer.from(request.payload, 'base64');
  const start = performance.now();
  let started = 0;
  let ok = 0;
  let errors = 0;
  let firstError: string | undefined;
  const stalled = request.stalled ?? 0;
  const expected = request.connections + stalled;
  return new Promise((resolve) => {
    const settle = (failed: boolean): void => {
      if (failed) errors += 1;
      else ok += 1;
      if (started >= request.connections && ok + errors === expected) {
        resolve({ type: 'done', ok, errors, elapsedMs: performance.now() - start, firstError });
      }
    };
    for (let i = 0; i < stalled; i += 1) {
      let failed = false;
      const half = Math.floor(payload.length / 2);
      let timer: NodeJS.Timeout | undefined;
      const socket = net.connect({ host: request.host, port: request.port }, () => {
        socket.write(payload.subarray(0, half));
        timer = setTimeout(() => socket.end(payload.subarray(half)), request.stallMs ?? 0);
      });
      socket.setTimeout((request.stallMs ?? 0) + 10_000, () => {
        failed = true;
        firstError ??= 'stalled sender: no close within its stall + 10 s';
        socket.destroy();
      });
      socket.on('error', (err: NodeJS.ErrnoException) => {
        failed = true;
        firstError ??= `stalled sender: ${err.code ?? err.message}`;
      });
      socket.on('close', () => {
        clearTimeout(timer);
        settle(failed);
      });
    }
    const next = (): void => {
      if (started >= request.connections) {
        if (ok + errors === expected) {
          resolve({ type: 'done', ok, errors, elapsedMs: performance.now() - start, firstError });
        }
        return;
      }
      started += 1;
      let failed = false;
      const socket = net.connect({ host: request.host, port: request.port }, () => socket.end(payload));
      socket.setTimeout(10_000, () => {
        failed = true;
        firstError ??= 'no close within 10 s';
        socket.destroy();
      });
      socket.on('error', (err: NodeJS.ErrnoException) => {
        failed = true;
        firstError ??= err.code ?? err.message;
      });
      socket.on('close', () => {
        if (failed) errors += 1;
        else ok += 1;
        next();
      });
    };
    for (let i = 0; i < Math.min(request.concurrency, request.connections); i += 1) next();
    if (request.connections === 0) next();
  });
}

process.on('message', (message: RunRequest | { type: 'exit' }) => {
  if (message.type === 'exit') process.exit(0);
  else void run(message).then((result) => process.send?.(result));
});
process.on('disconnect', () => process.exit(0));
process.send?.({ type: 'ready' });
