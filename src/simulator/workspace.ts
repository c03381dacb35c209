import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { atProcessExit } from './processExit';

/**
 * The environment variable through which the `boardiocli` stand-in finds the file it appends
 * verbs to (one file per command; the simulator reads it when the command has exited).
 *
 * ## Example
 * ```ts
 * env[BOARDIO_FIFO_ENV] = path.join(workspace.run, 'verbs-1');
 * ```
 * @category Simulator
 */
export const BOARDIO_FIFO_ENV = 'PYCOM_SIM_BOARDIO_FIFO';

/**
 * The `boardiocli` stand-in: a POSIX shell script. For `uSeq`, `uSeqStandalone` or `runSeq` it
 * appends the verb to the file named by {@link BOARDIO_FIFO_ENV} and prints exactly
 * `BOARDIO_CLI: Sent: "<verb>" to FIFO file`; for anything else it prints an error on stderr and
 * exits with status 1.
 *
 * ## Example
 * ```ts
 * fs.writeFileSync(path.join(bin, 'boardiocli'), BOARDIOCLI_SCRIPT, { mode: 0o755 });
 * ```
 * @category Simulator
 */
export const BOARDIOCLI_SCRIPT = `#!/bin/sh
# boardiocli stand-in installed by the pycom-rx simulator.
case "$#:$1" in
  1:uSeq | 1:uSeqStandalone | 1:runSeq) ;;
  *)
    echo "BOARDIO_CLI: unknown command \\"$*\\" (expected uSeq, uSeqStandalone or runSeq)" >&2
    exit 1
    ;;
esac
if [ -z "$${BOARDIO_FIFO_ENV}" ]; then
  echo "BOARDIO_CLI: FIFO file not available" >&2
  exit 1
fi
printf '%s\\n' "$1" >> "$${BOARDIO_FIFO_ENV}" || exit 1
printf 'BOARDIO_CLI: Sent: "%s" to FIFO file\\n' "$1"
`;

const VENDOR_HOME_PATH = /(?<![\w.~/-])\/home\/rigsters(?![\w.~-])/g;

/**
 * Rewrites every path of a command that starts with `VENDOR_HOME` (`/home/rigsters`) (the whole path segment,
 * `/home/rigsters` or `/home/rigsters/...`, quoted or not) to start with the unit's temporary
 * home instead; nothing else changes. The shell executor runs the rewritten command; activity
 * reports the command as it was received.
 *
 * ## Example
 * ```ts
 * mapVendorHome("printf x > '/home/rigsters/a.csv'", '/tmp/pycom-sim-1/home'); // "printf x > '/tmp/pycom-sim-1/home/a.csv'"
 * ```
 * @param command The command as received.
 * @param home The unit's home: only characters that need no quoting (see {@link createWorkspace}).
 * @category Simulator
 */
export function mapVendorHome(command: string, home: string): string {
  return command.replace(VENDOR_HOME_PATH, () => home);
}

/** A folder whose path needs no shell quoting, for the temporary homes. */
function plainTmpdir(): string {
  const tmp = os.tmpdir();
  return /^[\w./-]+$/.test(tmp) ? tmp : '/tmp';
}

/** What every unit's root is called: `pycom-sim-<pid of the process that made it>-<6 random characters>`. */
const ROOT_NAME = /^pycom-sim-([1-9][0-9]{0,9})-[A-Za-z0-9]{6}$/;

/** Whether the process `pid` still runs (or cannot be told: it belongs to another user). */
function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

/**
 * Removes the temporary roots that simulated units of processes no longer running left in
 * `folder`: the roots of a process killed by a signal it had no handler for (SIGKILL, SIGTERM
 * by default, ...), which could run no clean-up. A root is recognised by its name
 * (`pycom-sim-<pid>-XXXXXX`); it is removed only when no process `<pid>` runs (`kill(pid, 0)`
 * fails with `ESRCH`), and never when it is this process's. Never throws: a root that cannot be
 * removed (another user's) is left. {@link createWorkspace} calls it for its folder every time.
 * It assumes that the processes sharing the folder see the same process ids (not a container
 * sharing its `/tmp` with the host).
 *
 * ## Example
 * ```ts
 * sweepStaleWorkspaces(); // ['/tmp/pycom-sim-4242-a1B2c3'] when process 4242 was killed
 * ```
 * @param folder Where the roots are (default: where {@link createWorkspace} makes them).
 * @return The roots removed.
 * @category Simulator
 */
export function sweepStaleWorkspaces(folder: string = plainTmpdir()): string[] {
  const removed: string[] = [];
  let names: string[];
  try {
    names = fs.readdirSync(folder);
  } catch {
    return removed;
  }
  for (const name of names) {
    const match = ROOT_NAME.exec(name);
    if (match === null) continue;
    const pid = Number(match[1]);
    if (pid === process.pid || isRunning(pid)) continue;
    const root = path.join(folder, name);
    try {
      fs.rmSync(root, { recursive: true, force: true });
      removed.push(root);
    } catch {
      // another user's, or being removed by someone else: left as it is
    }
  }
  return removed;
}

/**
 * The private folders of one simulated unit, all under one temporary `root`.
 *
 * ## Example
 * ```ts
 * const ws = createWorkspace();
 * fs.existsSync(path.join(ws.bin, 'boardiocli')); // true
 * ```
 * @category Simulator
 */
export interface Workspace {
  /** The temporary folder that holds everything; removed by {@link removeWorkspace}. */
  readonly root: string;
  /** The unit's home (`~`, `HOME`, and the working directory of commands). */
  readonly home: string;
  /** Put first on the `PATH` of commands; holds `boardiocli`. */
  readonly bin: string;
  /** Scratch files of the simulator (the per-command verb files). */
  readonly run: string;
}

/** Removes each root at process exit, until {@link removeWorkspace} did. */
const forgetAtExit = new Map<string, () => void>();

function removeNow(root: string): void {
  fs.rmSync(root, { recursive: true, force: true, maxRetries: 3 });
}

/**
 * Creates a unit's private folders synchronously (so the home is known at once), installs the
 * `boardiocli` stand-in, and writes the given files into the home. The root is made in the
 * system's temporary folder, or in `/tmp` when that folder's path has characters a shell would
 * need quoted, so the home can stand in for `VENDOR_HOME` (`/home/rigsters`) in any command.
 *
 * The root is removed whatever ends the process: by {@link removeWorkspace} (a unit's `close()`);
 * at process exit, synchronously, when the process ends without closing the unit (the end of
 * the event loop, `process.exit()`, an uncaught exception); and when the process was killed by a
 * signal, by the next `createWorkspace` of any process ({@link sweepStaleWorkspaces}), as the
 * root's name holds the pid of the process that made it: `pycom-sim-<pid>-XXXXXX`.
 *
 * ## Example
 * ```ts
 * const ws = createWorkspace({ 'la4_sequence_standalone.csv': 'LED_FAN,1\n' });
 * ```
 * @param homeFiles Files to create in the home, by name (no sub-folders).
 * @category Simulator
 */
export function createWorkspace(homeFiles: Readonly<Record<string, string>> = {}): Workspace {
  const folder = plainTmpdir();
  sweepStaleWorkspaces(folder);
  const root = fs.mkdtempSync(path.join(folder, `pycom-sim-${process.pid}-`));
  forgetAtExit.set(
    root,
    atProcessExit(() => removeNow(root)),
  );
  const workspace: Workspace = {
    root,
    home: path.join(root, 'home'),
    bin: path.join(root, 'bin'),
    run: path.join(root, 'run'),
  };
  try {
    for (const dir of [workspace.home, workspace.bin, workspace.run]) fs.mkdirSync(dir);
    fs.writeFileSync(path.join(workspace.bin, 'boardiocli'), BOARDIOCLI_SCRIPT, { mode: 0o755 });
    for (const [name, content] of Object.entries(homeFiles)) {
      if (name === '' || name.includes('/') || name.includes('\\') || name === '.' || name === '..')
        throw new RangeError(`homeFiles: ${JSON.stringify(name)} is not a plain file name`);
      fs.writeFileSync(path.join(workspace.home, name), content);
    }
  } catch (e) {
    removeNow(root);
    forget(root);
    throw e;
  }
  return workspace;
}

function forget(root: string): void {
  forgetAtExit.get(root)?.();
  forgetAtExit.delete(root);
}

/**
 * Removes a unit's temporary folder and everything in it. Until it is done, the folder is still
 * removed if the process exits.
 *
 * ## Example
 * ```ts
 * await removeWorkspace(ws);
 * ```
 * @param workspace The folders to remove.
 * @category Simulator
 */
export async function removeWorkspace(workspace: Workspace): Promise<void> {
  await fs.promises.rm(workspace.root, { recursive: true, force: true, maxRetries: 3 });
  forget(workspace.root);
}
