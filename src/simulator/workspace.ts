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
 * The private folders of one simulated unit, all under one temporary `root`.
 *
 * ## Example
 * ```ts
 * const ws = createWorkspace();
 * fs.existsSync(path.join(ws.bin, 'boardiocli')); // true
 * ```
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
 * `boardiocli` stand-in, and writes the given files into the home.
 *
 * ## Example
 * ```ts
 * const ws = createWorkspace({ 'la4_sequence_standalone.csv': 'LED_FAN,1\n' });
 * ```
 * @param homeFiles Files to create in the home, by name (no sub-folders).
 */
export function createWorkspace(homeFiles: Readonly<Record<string, string>> = {}): Workspace {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'pycom-sim-'));
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
 */
export async function removeWorkspace(workspace: Workspace): Promise<void> {
  await fs.promises.rm(workspace.root, { recursive: true, force: true, maxRetries: 3 });
}
