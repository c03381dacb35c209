import {
  catchError,
  concatMap,
  defaultIfEmpty,
  defer,
  isObservable,
  map,
  type Observable,
  of,
  take,
  timer,
} from 'rxjs';
import type { Identity } from '../protocol/identity';
import { taggedOutput, untagCommand } from '../protocol/tagged';
import { ListenError } from '../transport/errors';
import type { UnitEnvironment, UnitExecutor, UnitNetwork } from '../unit/environment';
import type { BoardioVerb } from '../unit/types';
import type { MemoryNetwork, Receiver } from './network';
import { result, runShell, type ShellResult } from './shell';
import type { MemoryExecutor, MemoryExecutorResult } from './types';

/** How long a unit tries to reach a coordinator address nobody has (the simulator's default). */
const CONNECT_TIMEOUT_MS = 2_000;

/** An exit status as the shell's `$?` shows it: 0..255. */
const statusOf = (code: number): number => ((Math.trunc(code) % 256) + 256) % 256;

function normalized(value: unknown): ShellResult {
  const r = value as MemoryExecutorResult | null | undefined;
  if (typeof r !== 'object' || r === null)
    return result('memory unit: the executor returned no { stdout, stderr, exitCode }\n', 1);
  const stdout = r.stdout ?? '';
  const stderr = r.stderr ?? '';
  return { stdout, stderr, merged: stdout + stderr, exitCode: r.exitCode ?? 0 };
}

/**
 * What a memory unit's environment is made of.
 *
 * ## Example
 * ```ts
 * const parts: MemoryParts = { network, host: '192.168.0.23', identity, files, executor, refusing: () => false };
 * ```
 * @internal
 */
export interface MemoryParts {
  /** The network. */
  readonly network: MemoryNetwork;
  /** The unit's address. */
  readonly host: string;
  /** The unit's identity as it is now (for the executor's context). */
  readonly identity: () => Identity;
  /** The unit's home. */
  readonly files: Map<string, string>;
  /** Runs the commands that are not built in. */
  readonly executor: MemoryExecutor;
  /** `true` while requests are refused. */
  readonly refusing: () => boolean;
}

/** Runs one step the built-in shell does not know with the test's executor, in scheduler time. */
function step(parts: MemoryParts, boardio: (verb: BoardioVerb) => void, tagged: boolean) {
  const { scheduler } = parts.network;
  return (command: string): Observable<ShellResult> =>
    defer(() => {
      const answer = parts.executor(command, {
        unit: parts.identity(),
        files: parts.files,
        boardio,
        scheduler,
        tagged,
      });
      const answer$ = isObservable(answer)
        ? answer.pipe(take(1), defaultIfEmpty({} as MemoryExecutorResult))
        : of(answer);
      return answer$.pipe(
        concatMap((r) => {
          const ms = typeof r === 'object' && r !== null ? (r.durationMs ?? 0) : 0;
          return ms > 0 ? timer(ms, scheduler).pipe(map(() => r)) : of(r);
        }),
      );
    }).pipe(
      map(normalized),
      catchError((error: unknown) => of(result(error instanceof Error ? error.message : String(error), 1))),
    );
}

/**
 * The memory unit's shell: tagged commands unwrapped (and answered with what they printed, then
 * the trailer with their exit status), sequence steps built in, the rest to the test's executor.
 */
function memoryShell(parts: MemoryParts): UnitExecutor {
  return (command, boardio) => {
    const tag = untagCommand(command);
    const ran$ = runShell(tag?.command ?? command, {
      files: parts.files,
      boardio,
      run: step(parts, boardio, tag !== undefined),
    });
    if (tag === undefined) return ran$;
    // A tagged command's wrapper prints everything, then the trailer, and exits 0.
    return ran$.pipe(
      map((r) => ({
        stdout: taggedOutput(tag.nonce, r.merged, statusOf(r.exitCode)),
        stderr: '',
        exitCode: 0,
      })),
    );
  };
}

/** The unit's side of the memory network: its port, and one connection per event. */
function memorySockets(parts: MemoryParts): UnitNetwork {
  const { network, host } = parts;
  return {
    listen: (port, receiver) => {
      const accept: Receiver = (bytes, remote) => {
        if (parts.refusing()) return false;
        receiver.request(bytes, remote);
        return true;
      };
      const bound = network.bind(host, port, accept);
      if (bound === 'in-use') {
        receiver.failed(new ListenError(host, port, 'in-use', 'EADDRINUSE'));
        return { unsubscribe: () => undefined };
      }
      receiver.listening(bound);
      return { unsubscribe: () => network.unbind(host, bound, accept) };
    },
    deliver: (to, payload) =>
      network.connect(host, to, () => payload, { connectTimeoutMs: CONNECT_TIMEOUT_MS }),
  };
}

/**
 * A memory unit's environment: the network's scheduler, a `Map` for a home, a shell that runs
 * sequence steps itself and the rest with the test's executor, and the memory network.
 *
 * @internal
 * @param parts Network, address, identity, files, executor, refusal.
 */
export function memoryEnvironment(parts: MemoryParts): UnitEnvironment {
  return {
    scheduler: parts.network.scheduler,
    files: { read: (name) => parts.files.get(name) },
    executor: memoryShell(parts),
    network: memorySockets(parts),
  };
}
