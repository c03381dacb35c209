import type { PendingCommand } from './pendingCommand';

/**
 * A request waiting in {@link pendingBook}.
 * @internal
 */
export interface Pending<R> {
  /** The request, as given. */
  readonly request: R;
  /** The time it is allowed, in ms. */
  readonly timeoutMs: number;
  /** Cancels its timeout, when it has one. */
  cancelTimer?: () => void;
}

/** Why a request stopped waiting, other than by its answer. */
type Stopped = 'timeout' | 'cancelled' | 'lost';

/** How many nonces of requests that stopped waiting are remembered, to recognise late outputs. */
const REMEMBERED = 4096;

/**
 * The requests of {@link awaitOutput} waiting for their outputs, indexed for each way an output
 * can find its request: by nonce (tagged), by unit in order (untagged), by request (cancel$);
 * and the nonces of requests that stopped waiting, so that their outputs are `late`. Every
 * operation is O(1) or O(untagged requests of one unit), except `lostAt` (a rejected payload
 * that may have been an output), which scans the requests waiting.
 *
 * @internal
 */
export function pendingBook<R extends PendingCommand>() {
  const byRequest = new Map<R, Pending<R>>();
  const byNonce = new Map<string, Pending<R>>();
  const byUnit = new Map<string, Pending<R>[]>();
  const finished = new Map<string, { readonly request: R; readonly reason: Stopped }>();

  const stop = (entry: Pending<R>, why: Stopped | 'answered'): void => {
    const { request } = entry;
    if (byRequest.get(request) !== entry) return;
    byRequest.delete(request);
    entry.cancelTimer?.();
    if (request.nonce === undefined) {
      const list = byUnit.get(request.unit);
      const i = list === undefined ? -1 : list.indexOf(entry);
      if (i >= 0) list!.splice(i, 1);
      if (list?.length === 0) byUnit.delete(request.unit);
      return;
    }
    if (byNonce.get(request.nonce) !== entry) return;
    byNonce.delete(request.nonce);
    if (why === 'answered') return;
    finished.set(request.nonce, { request, reason: why });
    if (finished.size > REMEMBERED) finished.delete(finished.keys().next().value!);
  };

  const all = (): Pending<R>[] => [...byRequest.values()];

  return {
    /** Registers a request (in the order of registration). */
    add(request: R, timeoutMs: number): Pending<R> {
      const entry: Pending<R> = { request, timeoutMs };
      const again = byRequest.get(request);
      if (again !== undefined) stop(again, 'answered'); // the same object registered twice: the last wins, quietly
      byRequest.set(request, entry);
      if (request.nonce !== undefined) {
        byNonce.set(request.nonce, entry);
        return entry;
      }
      const list = byUnit.get(request.unit);
      if (list === undefined) byUnit.set(request.unit, [entry]);
      else list.push(entry);
      return entry;
    },
    stop,
    /** The request waiting with this nonce. */
    waiting: (nonce: string) => byNonce.get(nonce),
    /** The request that had this nonce and stopped waiting (not answered), if remembered. */
    finished: (nonce: string) => finished.get(nonce),
    /** Forgets a finished nonce (its late output came). */
    forget: (nonce: string) => void finished.delete(nonce),
    /** The oldest untagged request of a unit. */
    oldestUntagged: (unit: string | undefined) => (unit === undefined ? undefined : byUnit.get(unit)?.[0]),
    /**
     * What a lost output of a unit may have answered: its tagged requests (a scan of the tagged
     * requests: rejected payloads are rare) and its oldest untagged one, oldest first.
     */
    lostAt(unit: string | undefined): Pending<R>[] {
      if (unit === undefined) return [];
      const hit: Pending<R>[] = [];
      const oldest = byUnit.get(unit)?.[0];
      for (const entry of byRequest.values())
        if (entry === oldest || (entry.request.unit === unit && entry.request.nonce !== undefined))
          hit.push(entry);
      return hit;
    },
    /**
     * The tagged requests of a unit, oldest first, when it has no untagged one waiting: what an
     * output of that unit cut short (no trailer) may have answered (a scan, as `lostAt`).
     */
    taggedAt(unit: string | undefined): Pending<R>[] {
      if (unit === undefined || byUnit.has(unit)) return [];
      return all().filter((entry) => entry.request.unit === unit && entry.request.nonce !== undefined);
    },
    /** Stops waiting for a request, silently. */
    cancel(request: PendingCommand): void {
      const entry = byRequest.get(request as R);
      if (entry !== undefined) stop(entry, 'cancelled');
    },
    /** Every request still waiting, oldest first; the book is left empty. */
    drain(): Pending<R>[] {
      const entries = all();
      for (const entry of entries) stop(entry, 'timeout');
      return entries;
    },
    /** Cancels every timer and forgets everything. */
    clear(): void {
      for (const entry of all()) entry.cancelTimer?.();
      byRequest.clear();
      byNonce.clear();
      byUnit.clear();
      finished.clear();
    },
  };
}

/**
 * The book of {@link awaitOutput}'s requests.
 * @internal
 */
export type PendingBook<R extends PendingCommand> = ReturnType<typeof pendingBook<R>>;
