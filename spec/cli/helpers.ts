import { spawn, type ChildProcess } from 'node:child_process';
import * as net from 'node:net';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { CliIO } from '../../src/cli/io';

const ROOT = path.resolve(__dirname, '../..');
const MAIN = path.join(ROOT, 'src/cli/main.ts');

/** tsx's loader as a file URL: `--import tsx` would resolve it from `cwd`, which may be anywhere. */
const TSX_LOADER = pathToFileURL(path.join(ROOT, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;

/** The sources through tsx's loader: each spawned process compiles what it loads (~1.5 s of CPU). */
const TSX_ENTRY: ReadonlyArray<string> = ['--import', TSX_LOADER, MAIN];

/**
 * How to start the CLI with node: the bundle spec/setup/buildCli.cjs built from the sources at the
 * start of this jest run (no TypeScript to compile in each spawned process), or, when the specs
 * run without that setup, the sources through tsx's loader.
 */
const CLI_ENTRY: ReadonlyArray<string> =
  process.env['PYCOM_RX_TEST_CLI'] !== undefined ? [process.env['PYCOM_RX_TEST_CLI']] : TSX_ENTRY;

/** How a spawned `pycom-rx` ended, with everything it printed. */
export interface CliResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** A running `pycom-rx` process. */
export interface CliProcess {
  readonly child: ChildProcess;
  /** Everything printed so far. */
  output(): { stdout: string; stderr: string };
  /** Resolves with the first match of `pattern` in stdout or stderr (rejects after `ms`). */
  waitFor(pattern: RegExp, stream?: 'stdout' | 'stderr', ms?: number): Promise<RegExpMatchArray>;
  /** Sends SIGINT (Ctrl-C). */
  interrupt(): void;
  /** Resolves when the process has exited (it is killed after the timeout given to `startCli`). */
  readonly exited: Promise<CliResult>;
}

/**
 * Spawns `pycom-rx ...args` (node running the CLI built from src/cli/main.ts) in the repository
 * root; kills it with SIGKILL after `timeoutMs` so that a hanging command fails its test instead of
 * the suite.
 */
export function startCli(args: ReadonlyArray<string>, { timeoutMs = 30_000, cwd = ROOT } = {}): CliProcess {
  // node itself (with tsx's loader when there is no bundle), not the tsx wrapper process: the
  // wrapper relays signals on a 30 ms timer and SIGKILLs the CLI when it is slow to answer (a
  // loaded machine), so Ctrl-C would not reach the CLI's own handling
  const child = spawn(process.execPath, [...CLI_ENTRY, ...args], {
    cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const text = { stdout: '', stderr: '' };
  const listeners = new Set<() => void>();
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    text.stdout += chunk;
    for (const l of listeners) l();
  });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    text.stderr += chunk;
    for (const l of listeners) l();
  });
  const killer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const exited = new Promise<CliResult>((resolve) => {
    child.on('close', (code, signal) => {
      clearTimeout(killer);
      for (const l of listeners) l();
      resolve({ code, signal, ...text });
    });
  });
  let closed = false;
  void exited.then(() => (closed = true));
  return {
    child,
    output: () => ({ ...text }),
    waitFor: (pattern, stream, ms = 15_000) =>
      new Promise<RegExpMatchArray>((resolve, reject) => {
        const check = () => {
          const haystack = stream === undefined ? `${text.stdout}\n${text.stderr}` : text[stream];
          const match = haystack.match(pattern);
          if (match) {
            done();
            resolve(match);
          } else if (closed) {
            done();
            reject(new Error(`exited before printing ${pattern}:\n${text.stdout}\n${text.stderr}`));
          }
        };
        const timer = setTimeout(() => {
          done();
          reject(new Error(`timed out waiting for ${pattern}:\n${text.stdout}\n${text.stderr}`));
        }, ms);
        const done = () => {
          clearTimeout(timer);
          listeners.delete(check);
        };
        listeners.add(check);
        check();
      }),
    interrupt: () => child.kill('SIGINT'),
    exited,
  };
}

/** Runs `pycom-rx ...args` to the end. */
export function runCli(
  args: ReadonlyArray<string>,
  options: { timeoutMs?: number; cwd?: string } = {},
): Promise<CliResult> {
  return startCli(args, options).exited;
}

/** The options every test passes so the CLI's listener is on loopback with a free port. */
export const LOOPBACK_LISTENER = ['--host', '127.0.0.1', '--port', '0'] as const;

/** Binds `host:port` (port 0: a free one) with a server that accepts and ignores connections. */
export function occupy(host: string, port = 0): Promise<{ port: number; close: () => Promise<void> }> {
  return new Promise((resolve, reject) => {
    const sockets = new Set<net.Socket>();
    const server = net.createServer((socket) => {
      sockets.add(socket);
      socket.on('error', () => undefined);
      socket.on('close', () => sockets.delete(socket));
    });
    server.once('error', reject);
    server.listen({ host, port }, () => {
      const address = server.address() as net.AddressInfo;
      resolve({
        port: address.port,
        close: () =>
          new Promise<void>((done) => {
            for (const s of sockets) s.destroy();
            server.close(() => done());
          }),
      });
    });
  });
}

/** The lines of a text that parse as JSON objects. */
export function jsonLines(text: string): Array<Record<string, unknown>> {
  return text
    .split('\n')
    .filter((line) => line.trim().startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

/** The io of an in-process CLI run (`runCli` of src/cli/program.ts), as {@link fakeIo} makes it. */
export interface FakeIo {
  readonly io: CliIO;
  /** Everything written so far. */
  readonly text: { stdout: string; stderr: string };
  /** Resolves once the stream (default stdout) shows `pattern`. */
  until(pattern: RegExp, stream?: 'stdout' | 'stderr'): Promise<void>;
  /** Aborts the run as Ctrl-C does. */
  stop(): void;
}

/**
 * An io for running the CLI in-process (so that coverage sees it): what it writes is kept, the
 * files it names are relative to `cwd`; with `isTTY`, stderr is a terminal.
 */
export function fakeIo({
  cwd = process.cwd(),
  isTTY = false,
}: { cwd?: string; isTTY?: boolean } = {}): FakeIo {
  const text = { stdout: '', stderr: '' };
  const waiters = new Set<() => void>();
  const notify = () => {
    for (const w of [...waiters]) w();
  };
  const controller = new AbortController();
  const io: CliIO = {
    stdout: { write: (s: string) => ((text.stdout += s), notify()) },
    stderr: { write: (s: string) => ((text.stderr += s), notify()), isTTY },
    signal: controller.signal,
    cwd,
    now: () => Date.now(),
  };
  const until = (pattern: RegExp, stream: 'stdout' | 'stderr' = 'stdout') =>
    new Promise<void>((resolve) => {
      const check = () => {
        if (pattern.test(text[stream])) {
          waiters.delete(check);
          resolve();
        }
      };
      waiters.add(check);
      check();
    });
  return { io, text, until, stop: () => controller.abort('SIGINT') };
}
