import * as fs from 'node:fs';
import * as path from 'node:path';
import { asyncScheduler, Observable } from 'rxjs';
import { listenPayloads } from '../transport/listenPayloads';
import { sendPayload } from '../transport/send';
import { failedCommand } from '../unit/command';
import type { UnitEnvironment, UnitExecutor, UnitFiles, UnitNetwork } from '../unit/environment';
import type { ResolvedOptions } from './defaults';
import type { Executor, ExecutorResult } from './types';

function checked(result: unknown): ExecutorResult {
  const r = result as Partial<ExecutorResult> | null | undefined;
  if (typeof r === 'object' && r !== null && typeof r.stdout === 'string') return r as ExecutorResult;
  return { stdout: '', stderr: 'pycom-sim: the executor did not return { stdout }', exitCode: 1 };
}

/**
 * A simulator {@link Executor} (a promise, an `AbortSignal`) as the unit engine runs it: a cold
 * Observable of the one result, whose unsubscription aborts the signal. A thrown error or
 * rejected promise is a failed command whose stderr is the error's message.
 *
 * @internal
 * @param executor The unit's executor.
 * @param home The unit's home, passed to the executor.
 */
export function engineExecutor(executor: Executor, home: string): UnitExecutor {
  return (command, boardio) =>
    new Observable<ExecutorResult>((subscriber) => {
      const controller = new AbortController();
      Promise.resolve()
        .then(() => executor(command, { home, signal: controller.signal, boardio }))
        .then(checked, failedCommand)
        .then((result) => {
          subscriber.next(result);
          subscriber.complete();
        });
      return () => controller.abort(new Error('cancelled'));
    });
}

/** The unit's home folder, read synchronously: the file as it is when boardio gets the verb. */
function homeFiles(home: string): UnitFiles {
  return {
    read: (name) => {
      try {
        return fs.readFileSync(path.join(home, name), 'utf8');
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw e;
      }
    },
  };
}

/** Real sockets: the library's `listenPayloads` for requests, `sendPayload` for each event. */
function sockets(settings: ResolvedOptions): UnitNetwork {
  const { host } = settings;
  return {
    listen: (port, receiver) =>
      listenPayloads({
        host,
        port,
        maxPayloadBytes: settings.maxRequestBytes,
        idleTimeoutMs: settings.requestIdleTimeoutMs,
        onListening: (address) => receiver.listening(address.port),
      }).subscribe({
        next: (item) => {
          if (item.kind === 'rejected') receiver.rejected(item.reason, item.message, item.remote);
          else receiver.request(item.bytes, item.remote);
        },
        error: (error: Error) => receiver.failed(error),
      }),
    // events leave from the unit's own address, as they would from a real unit
    deliver: (to, payload) =>
      sendPayload(to, payload, {
        connectTimeoutMs: settings.deliveryConnectTimeoutMs,
        timeoutMs: settings.deliveryTimeoutMs,
        localAddress: host,
      }),
  };
}

/**
 * The simulated unit's environment: real time (RxJS's `asyncScheduler`), its home folder, the
 * given executor (a real `/bin/sh` by default) and real sockets on its loopback address.
 *
 * @internal
 * @param settings The unit's resolved options.
 * @param home The unit's home folder.
 * @param executor Runs its commands.
 */
export function realEnvironment(
  settings: ResolvedOptions,
  home: string,
  executor: Executor,
): UnitEnvironment {
  return {
    scheduler: asyncScheduler,
    files: homeFiles(home),
    executor: engineExecutor(executor, home),
    network: sockets(settings),
  };
}
