import * as path from 'node:path';
import { fork, type ChildProcess } from 'node:child_process';
import type { RunRequest, RunResult } from '../loadgen';

/** The load generator process (bench/loadgen.ts, forked with tsx), driven over IPC. */
export class LoadGenerator {
  private constructor(private readonly child: ChildProcess) {}

  /** Forks the generator and waits until it is ready. */
  static start(): Promise<LoadGenerator> {
    const child = fork(path.join(__dirname, '..', 'loadgen.ts'), [], {
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    return new Promise((resolve, reject) => {
      child.once('error', reject);
      child.once('exit', (code) => reject(new Error(`load generator exited early (${code})`)));
      child.once('message', () => resolve(new LoadGenerator(child)));
    });
  }

  /**
   * Opens `connections` connections to 127.0.0.1:port, each sending `payload` then ending; with
   * `stall`, first `stall.senders` extra connections that stall mid-payload for `stall.ms`.
   */
  run(
    port: number,
    connections: number,
    concurrency: number,
    payload: Buffer,
    stall?: { readonly senders: number; readonly ms: number },
  ): Promise<RunResult> {
    const request: RunRequest = {
      type: 'run',
      host: '127.0.0.1',
      port,
      connections,
      concurrency,
      payload: payload.toString('base64'),
      ...(stall === undefined ? {} : { stalled: stall.senders, stallMs: stall.ms }),
    };
    return new Promise((resolve) => {
      this.child.once('message', (result: RunResult) => resolve(result));
      this.child.send(request);
    });
  }

  /** Asks the generator to exit and waits for it. */
  stop(): Promise<void> {
    return new Promise((resolve) => {
      if (this.child.exitCode !== null) return resolve();
      this.child.once('exit', () => resolve());
      this.child.send({ type: 'exit' });
    });
  }
}
