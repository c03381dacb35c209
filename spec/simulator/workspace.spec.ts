import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import { simulateUnit } from '../../src/simulator';
import { sweepStaleWorkspaces } from '../../src/simulator/workspace';

// Addresses: 127.0.34.0/24.

const ROOT = path.resolve(__dirname, '../..');

/**
 * A child process with a simulated unit: it prints the unit's home on stdout once the unit
 * listens, then ends as `ending` says: `throw` (an uncaught exception), `exit` (process.exit
 * once its stdin is closed) or `wait` (until it is killed).
 */
const CHILD = `
const [bundle, host, ending] = process.argv.slice(1);
const { simulateUnit } = require(bundle);
const unit = simulateUnit({ host, port: 0, hardwareReadyDelayMs: 'manual' });
unit.ready.then(() => {
  process.stdout.write(unit.home + '\\n', () => {
    if (ending === 'throw') setImmediate(() => { throw new Error('simulated crash'); });
    if (ending === 'exit') process.stdin.on('end', () => process.exit(0)).resume();
  });
});
`;

let dir: string | undefined;
let bundle: string;

beforeAll(async () => {
  // the simulator built from the sources once, so each child starts in a fraction of a second
  // (tsx would compile the sources in each: ~1.5 s of CPU)
  // esbuild as tsup (a devDependency) has it, as spec/setup/buildCli.cjs does
  const load = createRequire(require.resolve('tsup'));
  const esbuild = load('esbuild') as typeof import('esbuild');
  const made = fs.mkdtempSync(path.join(os.tmpdir(), 'pycom-rx-spec-workspace-'));
  dir = made;
  bundle = path.join(made, 'simulator.js');
  await esbuild.build({
    entryPoints: [path.join(ROOT, 'src/simulator/index.ts')],
    outfile: bundle,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    packages: 'external',
    tsconfig: path.join(ROOT, 'tsconfig.build.json'),
    logLevel: 'warning',
  });
});

afterAll(() => {
  if (dir !== undefined) fs.rmSync(dir, { recursive: true, force: true });
});

interface Child {
  readonly child: ChildProcess;
  /** The unit's temporary root (its home's parent), once the child printed it. */
  readonly root: Promise<string>;
  /** How it ended, with what it printed on stderr. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>;
}

function startChild(host: string, ending: 'throw' | 'exit' | 'wait'): Child {
  const child = spawn(process.execPath, ['-e', CHILD, bundle, host, ending], {
    cwd: ROOT,
    env: { ...process.env, NODE_PATH: path.join(ROOT, 'node_modules') },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>(
    (resolve) => child.on('exit', (code, signal) => resolve({ code, signal, stderr })),
  );
  const root = new Promise<string>((resolve, reject) => {
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      const line = /^(.*)\n/.exec(stdout);
      if (line !== null) resolve(path.dirname(line[1]!));
    });
    void exited.then(({ code, signal }) =>
      reject(new Error(`the child ended (${code ?? signal}) before printing its home: ${stderr}`)),
    );
  });
  return { child, root, exited };
}

/** The parts of a root's name: `pycom-sim-<pid>-XXXXXX`. */
const ROOT_NAME = /^pycom-sim-(\d+)-[A-Za-z0-9]{6}$/;

describe('simulated unit: its temporary home, whatever ends its process', () => {
  it('is named after the process that made it, and removed by close()', async () => {
    const unit = simulateUnit({ host: '127.0.34.1', port: 0, hardwareReadyDelayMs: 'manual' });
    const root = path.dirname(unit.home);
    expect(ROOT_NAME.exec(path.basename(root))?.[1]).toBe(String(process.pid));
    expect(fs.existsSync(unit.home)).toBe(true);
    await unit.close();
    expect(fs.existsSync(root)).toBe(false);
  });

  it('holds one exit listener for all units, and none once they are closed', async () => {
    const before = process.listenerCount('exit');
    const units = [1, 2, 3].map((n) =>
      simulateUnit({ host: `127.0.34.${10 + n}`, port: 0, hardwareReadyDelayMs: 'manual' }),
    );
    expect(process.listenerCount('exit')).toBe(before + 1);
    await units[0]!.close();
    expect(process.listenerCount('exit')).toBe(before + 1);
    await Promise.all(units.map((u) => u.close()));
    expect(process.listenerCount('exit')).toBe(before);
  });

  it('is removed when the process crashes (uncaught exception) without closing the unit', async () => {
    const { root, exited } = startChild('127.0.34.2', 'throw');
    const made = await root;
    expect(ROOT_NAME.test(path.basename(made))).toBe(true);
    const end = await exited;
    expect(end.stderr).toMatch(/simulated crash/);
    expect(end.code).toBe(1);
    expect(fs.existsSync(made)).toBe(false);
  });

  it('is removed when the process exits (process.exit) without closing the unit', async () => {
    const { child, root, exited } = startChild('127.0.34.3', 'exit');
    const made = await root;
    expect(fs.existsSync(made)).toBe(true);
    child.stdin?.end();
    expect((await exited).code).toBe(0);
    expect(fs.existsSync(made)).toBe(false);
  });

  it("is removed by the next unit's start when its process was killed (SIGKILL), never a live process's", async () => {
    const killed = startChild('127.0.34.4', 'wait');
    const alive = startChild('127.0.34.5', 'wait');
    const [killedRoot, aliveRoot] = await Promise.all([killed.root, alive.root]);
    try {
      killed.child.kill('SIGKILL');
      expect(await killed.exited).toMatchObject({ signal: 'SIGKILL' });
      // nothing could run in the killed process
      expect(fs.existsSync(killedRoot)).toBe(true);
      const unit = simulateUnit({ host: '127.0.34.6', port: 0, hardwareReadyDelayMs: 'manual' });
      expect(fs.existsSync(killedRoot)).toBe(false);
      expect(fs.existsSync(aliveRoot)).toBe(true);
      // nor this process's own
      const own = path.dirname(unit.home);
      expect(sweepStaleWorkspaces(path.dirname(own))).not.toContain(own);
      expect(fs.existsSync(own)).toBe(true);
      await unit.close();
    } finally {
      alive.child.kill('SIGKILL');
      await alive.exited;
      sweepStaleWorkspaces(path.dirname(aliveRoot));
    }
    expect(fs.existsSync(aliveRoot)).toBe(false);
  });
});
