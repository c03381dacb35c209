#!/usr/bin/env node
import { EXIT } from './exitCodes';
import { OUTPUT_CLOSED, type OutputStream } from './io';
import { runCli } from './program';

/**
 * An output stream of the process that survives its reader going away (`pycom-rx demo | head`):
 * on EPIPE further writes are dropped and `onBroken` is called.
 */
function guarded(stream: NodeJS.WriteStream, onBroken: () => void): OutputStream {
  let broken = false;
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EPIPE' && e.code !== 'ERR_STREAM_DESTROYED') throw e;
    broken = true;
    onBroken();
  });
  return {
    write: (text: string) => (broken ? false : stream.write(text)),
    get isTTY() {
      return stream.isTTY === true;
    },
    get columns() {
      return stream.columns;
    },
  };
}

/**
 * The `pycom-rx` executable: wires {@link runCli} to the process (argv, streams, Ctrl-C, exit
 * code). A first Ctrl-C (or SIGTERM, or a closed stdout) asks the running command to stop cleanly,
 * and `runCli` then resolves 130 (not for a closed stdout); a second Ctrl-C exits 130 at once.
 */
function main(): void {
  const controller = new AbortController();
  let finished: number | undefined;
  const onSignal = (signal: NodeJS.Signals) => {
    // done, and only waiting for stray handles: go now, with the command's own code
    if (finished !== undefined) process.exit(finished);
    if (controller.signal.aborted) {
      // already stopping: a second Ctrl-C does not wait for the clean-up
      process.stderr.write(`pycom-rx: ${signal === 'SIGINT' ? 'Ctrl-C' : signal} again: exiting at once\n`);
      process.exit(EXIT.interrupted);
    }
    controller.abort(signal);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  void runCli(process.argv.slice(2), {
    stdout: guarded(process.stdout, () => controller.abort(OUTPUT_CLOSED)),
    stderr: guarded(process.stderr, () => undefined),
    signal: controller.signal,
    cwd: process.cwd(),
    now: () => Date.now(),
  }).then((code) => {
    finished = code;
    process.exitCode = code;
    if (controller.signal.aborted) {
      // interrupted: exit as soon as what was printed is flushed. Left to the event loop to
      // drain, node would close its signal handlers on the way out, and a second Ctrl-C landing
      // then would kill the process by SIGINT instead of exiting with the command's code
      process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
      return;
    }
    // everything is closed by now; should a stray handle remain, do not hang
    setTimeout(() => process.exit(code), 1_000).unref();
  });
}

main();

// an ES module for esbuild (see tsup.config.ts): without it, the bundle's classes lose their names
export {};
