import type { AddressInfo } from 'node:net';
import type { Subscription } from 'rxjs';
import { listen, type Inbound, type ListenOptions } from '../../src/transport';
import { addressesOf } from '../helpers/addresses';

/** Where the attack benchmark's listener binds (bench/attacks.ts; the specs bind their own, see {@link hostsOf}). */
export const LISTEN_HOST = addressesOf('bench/attacks.ts').host(1);

/** The source address of the attack benchmark's well-behaved senders. */
export const GOOD_SENDER = addressesOf('bench/attacks.ts').host(2);

/** Where a reliability listener binds (`host`) and its well-behaved senders connect from (`from`). */
export interface Hosts {
  readonly host: string;
  readonly from: string;
}

/**
 * The hosts of a reliability spec, from its own range (spec/helpers/addresses.ts): the listener
 * on .1, the good senders on .2 (`hostsOf(__filename)`).
 */
export function hostsOf(file: string): Hosts {
  const addresses = addressesOf(file);
  return { host: addresses.host(1), from: addresses.host(2) };
}

/** The key of a connection as the listener reports it: source address and port. */
export function keyOf(remote: { readonly address: string; readonly port: number }): string {
  return `${remote.address}:${remote.port}`;
}

/**
 * A live listen() on a spec's host (random port) that records what it emits, indexed by the
 * sender's address and port, and lets a test wait for conditions on it. It is also where its good
 * senders connect (an `Endpoint` of spec/helpers/sockets.ts: `host`, `port`, `from`).
 */
export class ListenerHarness {
  /** Everything emitted, in order, unless `keep` was false. */
  readonly items: Inbound[] = [];
  /** How many items were emitted. */
  count = 0;
  /** How many items were emitted, by kind or reject reason. */
  readonly byReason = new Map<string, number>();
  /** Any error the stream ended with. */
  error: unknown;
  private readonly byKey = new Map<string, Inbound[]>();
  private readonly waiters = new Set<() => void>();
  private subscription: Subscription | undefined;

  private constructor(
    readonly host: string,
    readonly from: string,
    readonly port: number,
    private readonly keep: boolean,
    private readonly onItem: ((item: Inbound) => void) | undefined,
  ) {}

  /**
   * Starts listening on `at.host`, for good senders from `at.from`. With `keep: false` only counts
   * are kept (for floods); `onItem` sees every item as it is emitted.
   */
  static start(
    at: Hosts,
    options: Omit<ListenOptions, 'onListening' | 'host'> = {},
    { keep = true, onItem }: { keep?: boolean; onItem?: (item: Inbound) => void } = {},
  ): Promise<ListenerHarness> {
    return new Promise((resolve, reject) => {
      let harness: ListenerHarness | undefined;
      const subscription = listen({
        port: 0,
        ...options,
        host: at.host,
        onListening: (address: AddressInfo) => {
          harness = new ListenerHarness(at.host, at.from, address.port, keep, onItem);
          harness.subscription = subscription;
          resolve(harness);
        },
      }).subscribe({
        next: (item) => harness?.record(item),
        error: (e: unknown) => {
          if (harness === undefined) reject(e);
          else harness.error = e;
        },
      });
    });
  }

  /** How many items of this kind (`'event'`) or reject reason were emitted. */
  reasonCount(reason: string): number {
    return this.byReason.get(reason) ?? 0;
  }

  /** True when something was emitted for the connection from `key` (and not yet taken). */
  has(key: string): boolean {
    return this.byKey.has(key);
  }

  /** Removes and returns the items emitted for the connection from `key` (see {@link keyOf}). */
  take(key: string): Inbound[] {
    const found = this.byKey.get(key) ?? [];
    this.byKey.delete(key);
    return found;
  }

  /** Resolves once `condition` holds (checked now and after each item); rejects after `ms`. */
  until(condition: () => boolean, what: string, ms = 10_000): Promise<void> {
    if (condition()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const check = () => {
        if (!condition()) return;
        cleanup();
        resolve();
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`timed out after ${ms} ms waiting for ${what} (${this.count} items so far)`));
      }, ms);
      const cleanup = () => {
        clearTimeout(timer);
        this.waiters.delete(check);
      };
      this.waiters.add(check);
    });
  }

  /** Stops the listener (closes the server and every socket). */
  stop(): void {
    this.subscription?.unsubscribe();
  }

  private record(item: Inbound): void {
    this.count += 1;
    this.onItem?.(item);
    const reason = 'type_' in item ? 'event' : item.reason;
    this.byReason.set(reason, (this.byReason.get(reason) ?? 0) + 1);
    if (this.keep) {
      this.items.push(item);
      const key = keyOf(item.remote);
      const list = this.byKey.get(key);
      if (list === undefined) this.byKey.set(key, [item]);
      else list.push(item);
    }
    for (const waiter of [...this.waiters]) waiter();
  }
}
