import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { exceedsCommandLimit } from '../protocol/commandSize';
import { isBoardioVerb } from '../unit/boardio';
import { ARGUMENT_LIST_TOO_LONG, cannotRun } from '../unit/cannotRun';
import { atProcessExit } from './processExit';
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
  /**
   * Leave what is left of a command's process group (background jobs) running once its output
   * is closed, instead of killing it; `dispose()` still kills them. Default `false`.
   */
  readonly keepBackgroundJobs?: boolean;
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

/** The verbs `boardiocli` wrote to `file`, which is then removed; never rejects. */
async function takeVerbs(file: string): Promise<BoardioVerb[]> {
  let text: string;
  try {
    text = await fs.promises.readFile(file, 'utf8');
  } catch {
    return [];
  }
  await fs.promises.rm(file, { force: true }).catch(() => undefined);
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter(isBoardioVerb);
}

/** What a unit prints for a command holding a NUL character, which no program can be given. */
const NUL_IN_COMMAND = 'pycom-sim: cannot run /bin/sh: the command contains a NUL character\n';

/** What a unit prints when its shell could not be started. */
function spawnFailure(err: unknown): string {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'E2BIG') return ARGUMENT_LIST_TOO_LONG;
  const message = err instanceof Error ? err.message : String(err);
  return `pycom-sim: cannot run /bin/sh: ${message}\n`;
}

/** 127 when the shell itself is missing, as a shell reports a command not found; else 126. */
function spawnExitCode(err: unknown): number {
  return (err as NodeJS.ErrnoException | undefined)?.code === 'ENOENT' ? 127 : 126;
}

/**
 * Creates the shell executor of a simulated unit. Each command runs as `/bin/sh -c <command>` in
 * its own process group, with the unit's home as working directory, and a small environment:
 * `HOME` = the home, `PATH` = the workspace's `bin` (holding `boardiocli`) then the host's `PATH`,
 * `USER` = `LOGNAME` = `rigsters`, `SHELL` = `/bin/sh`. Nothing else of the host's environment is
 * passed on. stdin is empty. Paths under the vendor's `/home/rigsters` are rewritten to the home
 * first ({@link mapVendorHome}), so the vendor's absolute paths reach the same files as `~/`.
 *
 * When the shell has exited and its output is closed (background jobs that still hold it keep
 * the command running, as pycom waits for them), whatever is left in its process group is
 * killed (unless `keepBackgroundJobs`: then only by `dispose()`), and the verbs `boardiocli` recorded are handed to
 * `context.boardio`, in order. Aborting `context.signal` kills the process group, and so do
 * `dispose()` and the end of the process (its `'exit'`) for every running command.
 *
 * A command that cannot be started never rejects: one over `MAX_COMMAND_BYTES` is answered as
 * Linux refuses it (`/bin/sh: Argument list too long`, exit status 126) without trying, and any
 * failure to start the shell (`E2BIG`, `ENOMEM`, `EAGAIN`, a NUL character) is answered with
 * its message and exit status 126 (127 when `/bin/sh` is missing). For a tagged command the
 * answer is the wrapper's: that text followed by the trailer carrying the exit status.
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
  /** The process groups of finished commands, left running (`keepBackgroundJobs`). */
  const survivors = new Set<() => void>();
  let disposed = false;
  let counter = 0;
  const killAll = () => {
    for (const kill of running.values()) kill();
    for (const kill of survivors) kill();
    survivors.clear();
  };
  // commands run detached: if the process ends without dispose(), they would outlive it
  const stopKillingAtExit = atProcessExit(killAll);

  const run = (command: string, context: ExecutorContext): Promise<ExecutorResult> => {
    if (disposed)
      return Promise.resolve({ stdout: '', stderr: 'pycom-sim: unit is shutting down\n', exitCode: 137 });
    // Linux refuses to start it (E2BIG): answered as such without trying
    if (exceedsCommandLimit(command)) return Promise.resolve(cannotRun(command, ARGUMENT_LIST_TOO_LONG));
    // no argument of a program can hold one (node would refuse it with a long message)
    if (command.includes('\0')) return Promise.resolve(cannotRun(command, NUL_IN_COMMAND));
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
      let finished = false;
      let onAbort = (): void => undefined;
      /** Ends the command: kills what is left of its group, then hands over its verbs. */
      const finish = (answer: () => ExecutorResult) => {
        if (finished) return;
        finished = true;
        context.signal.removeEventListener('abort', onAbort);
        if (options.keepBackgroundJobs === true) survivors.add(kill);
        else kill();
        void takeVerbs(fifo).then((verbs) => {
          for (const verb of verbs) {
            try {
              context.boardio(verb);
            } catch {
              // a verb refused by the unit does not change the command's answer
            }
          }
          resolve(answer());
        });
      };
      /** The shell could not be started: answered as a shell that cannot exec. */
      const failed = (err: unknown) =>
        finish(() => cannotRun(command, spawnFailure(err), spawnExitCode(err)));
      let child: ReturnType<typeof spawn>;
      try {
        child = spawn('/bin/sh', ['-c', mapVendorHome(command, workspace.home)], {
          cwd: workspace.home,
          env,
          detached: true,
          stdio: ['ignore', 'pipe', 'pipe'],
        });
      } catch (err) {
        // E2BIG (the home is longer than /home/rigsters), ENOMEM, a NUL character...
        failed(err);
        return;
      }
      kill = () => killGroup(child.pid);
      onAbort = () => kill();
      context.signal.addEventListener('abort', onAbort, { once: true });
      if (context.signal.aborted) kill();
      child.stdout?.on('data', (chunk: Buffer) => stdout.push(chunk));
      child.stderr?.on('data', (chunk: Buffer) => stderr.push(chunk));
      child.stdout?.on('error', () => undefined);
      child.stderr?.on('error', () => undefined);
      child.on('error', (err) => {
        // Spawning failed (no 'close' follows when there is no process).
        if (child.pid === undefined) failed(err);
      });
      child.on('close', (code, signal) => {
        const bySignal = signal === null ? 1 : 128 + (os.constants.signals[signal] ?? 0);
        finish(() => ({ stdout: stdout.text(), stderr: stderr.text(), exitCode: code ?? bySignal }));
      });
    });
    running.set(done, () => kill());
    const forget = () => running.delete(done);
    done.then(forget, forget);
    return done;
  };

  return {
    run,
    dispose: async () => {
      disposed = true;
      killAll();
      await Promise.all([...running.keys()]);
      stopKillingAtExit();
    },
  };
}
