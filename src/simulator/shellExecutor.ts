import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { BoardioVerb, Executor, ExecutorContext, ExecutorResult } from './types';
import { BOARDIO_FIFO_ENV, mapVendorHome, type Workspace } from './workspace';

/**
 * Options of {@link createShellExecutor}.
 *
 * ## Example
 * ```ts
 * const options: ShellExecutorOptions = { maxOutputBytes: 64 * 1024 };
 * ```
 * @category Simulator
 */
export interface ShellExecutorOptions {
  /** stdout and stderr are each collected up to this many bytes (plus one, to detect the cut). */
  readonly maxOutputBytes: number;
}

/**
 * The default executor of a simulated unit, and how to shut it down.
 *
 * ## Example
 * ```ts
 * const shell = createShellExecutor(createWorkspace(), { maxOutputBytes: 65536 });
 * await shell.dispose();
 * ```
 * @category Simulator
 */
export interface ShellExecutor {
  /** Runs one command with `/bin/sh -c`. */
  readonly run: Executor;
  /** Kills every running command's process group and waits until they have exited. */
  dispose(): Promise<void>;
}

const VERBS: ReadonlySet<string> = new Set<BoardioVerb>(['uSeq', 'uSeqStandalone', 'runSeq']);

/**
 * Tells whether a string is a {@link BoardioVerb}.
 *
 * ## Example
 * ```ts
 * isBoardioVerb('runSeq'); // true
 * ```
 * @param verb Any string.
 * @category Simulator
 */
export function isBoardioVerb(verb: string): verb is BoardioVerb {
  return VERBS.has(verb);
}

class Capped {
  private readonly chunks: Buffer[] = [];
  private size = 0;
  constructor(private readonly limit: number) {}
  push(chunk: Buffer): void {
    if (this.size > this.limit) return;
    const room = this.limit + 1 - this.size;
    const kept = chunk.length > room ? chunk.subarray(0, room) : chunk;
    this.chunks.push(kept);
    this.size += kept.length;
  }
  text(): string {
    return Buffer.concat(this.chunks, this.size).toString('utf8');
  }
}

function killGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // The group is already gone.
  }
}

async function takeVerbs(file: string): Promise<BoardioVerb[]> {
  let text: string;
  try {
    text = await fs.promises.readFile(file, 'utf8');
  } catch {
    return [];
  }
  await fs.promises.rm(file, { force: true });
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter(isBoardioVerb);
}

/**
 * Creates the shell executor of a simulated unit. Each command runs as `/bin/sh -c <command>` in
 * its own process group, with the unit's home as working directory, and a small environment:
 * `HOME` = the home, `PATH` = the workspace's `bin` (holding `boardiocli`) then the host's `PATH`,
 * `USER` = `LOGNAME` = `rigsters`, `SHELL` = `/bin/sh`. Nothing else of the host's environment is
 * passed on. stdin is empty. Paths under the vendor's `/home/rigsters` are rewritten to the home
 * first ({@link mapVendorHome}), so the vendor's absolute paths reach the same files as `~/`.
 *
 * When the shell has exited and its output is closed, whatever is left in its process group
 * (background jobs) is killed, and the verbs `boardiocli` recorded are handed to
 * `context.boardio`, in order. Aborting `context.signal` kills the process group.
 *
 * ## Example
 * ```ts
 * const shell = createShellExecutor(workspace, { maxOutputBytes: 65536 });
 * const result = await shell.run('echo hi', { home: workspace.home, signal, boardio: () => {} });
 * // { stdout: 'hi\n', stderr: '', exitCode: 0 }
 * ```
 * @param workspace The unit's folders.
 * @param options The output cap.
 * @category Simulator
 */
export function createShellExecutor(workspace: Workspace, options: ShellExecutorOptions): ShellExecutor {
  const running = new Map<Promise<ExecutorResult>, () => void>();
  let disposed = false;
  let counter = 0;

  const run = (command: string, context: ExecutorContext): Promise<ExecutorResult> => {
    if (disposed)
      return Promise.resolve({ stdout: '', stderr: 'pycom-sim: unit is shutting down\n', exitCode: 137 });
    const fifo = path.join(workspace.run, `verbs-${++counter}`);
    const env: NodeJS.ProcessEnv = {
      PATH: `${workspace.bin}${path.delimiter}${process.env['PATH'] ?? '/usr/local/bin:/usr/bin:/bin'}`,
      HOME: workspace.home,
      USER: 'rigsters',
      LOGNAME: 'rigsters',
      SHELL: '/bin/sh',
      [BOARDIO_FIFO_ENV]: fifo,
    };
    let kill = (): void => undefined;
    const done = new Promise<ExecutorResult>((resolve) => {
      const stdout = new Capped(options.maxOutputBytes);
      const stderr = new Capped(options.maxOutputBytes);
      const child = spawn('/bin/sh', ['-c', mapVendorHome(command, workspace.home)], {
        cwd: workspace.home,
        env,
        detached: true,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      kill = () => killGroup(child.pid);
      const onAbort = () => kill();
      context.signal.addEventListener('abort', onAbort, { once: true });
      if (context.signal.aborted) kill();
      child.stdout?.on('data', (chunk: Buffer) => stdout.push(chunk));
      child.stderr?.on('data', (chunk: Buffer) => stderr.push(chunk));
      let finished = false;
      const finish = (exitCode: number, extraStderr: string) => {
        if (finished) return;
        finished = true;
        context.signal.removeEventListener('abort', onAbort);
        kill();
        void takeVerbs(fifo).then((verbs) => {
          for (const verb of verbs) context.boardio(verb);
          resolve({ stdout: stdout.text(), stderr: stderr.text() + extraStderr, exitCode });
        });
      };
      child.on('error', (err) => {
        // Spawning failed (no 'close' follows when there is no process).
        if (child.pid === undefined) finish(127, `pycom-sim: cannot run /bin/sh: ${err.message}\n`);
      });
      child.on('close', (code, signal) => {
        const bySignal = signal === null ? 1 : 128 + (os.constants.signals[signal] ?? 0);
        finish(code ?? bySignal, '');
      });
    });
    running.set(done, () => kill());
    void done.then(() => running.delete(done));
    return done;
  };

  return {
    run,
    dispose: async () => {
      disposed = true;
      for (const kill of running.values()) kill();
      await Promise.all([...running.keys()]);
    },
  };
}
