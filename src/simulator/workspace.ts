import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

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

/**
 * The home of pycom's user on a real unit, as the vendor documents it. A simulated unit's shell
 * maps it to the unit's temporary home (see {@link mapVendorHome}), so commands that name the
 * vendor's absolute paths (`/home/rigsters/la4_sequence_standalone.csv`) work as on a real unit.
 *
 * ## Example
 * ```ts
 * `${VENDOR_HOME}/la4_sequence_standalone.csv`; // where boardio reads the standalone sequence
 * ```
 * @category Simulator
 */
export const VENDOR_HOME = '/home/rigsters';

const VENDOR_HOME_PATH = /(?<![\w.~/-])\/home\/rigsters(?![\w.~-])/g;

/**
 * Rewrites every path of a command that starts with {@link VENDOR_HOME} (the whole path segment,
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

/**
 * Creates a unit's private folders synchronously (so the home is known at once), installs the
 * `boardiocli` stand-in, and writes the given files into the home. The root is made in the
 * system's temporary folder, or in `/tmp` when that folder's path has characters a shell would
 * need quoted, so the home can stand in for {@link VENDOR_HOME} in any command.
 *
 * ## Example
 * ```ts
 * const ws = createWorkspace({ 'la4_sequence_standalone.csv': 'LED_FAN,1\n' });
 * ```
 * @param homeFiles Files to create in the home, by name (no sub-folders).
 * @category Simulator
 */
export function createWorkspace(homeFiles: Readonly<Record<string, string>> = {}): Workspace {
  const root = fs.mkdtempSync(path.join(plainTmpdir(), 'pycom-sim-'));
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
    fs.rmSync(root, { recursive: true, force: true });
    throw e;
  }
  return workspace;
}

/**
 * Removes a unit's temporary folder and everything in it.
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
}
