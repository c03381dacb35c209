/**
 * A connection as the {@link ConnectionPool} sees it: its source address, and what the pool may
 * ask of it. The pool calls `activate` when it gives the connection a slot, and `drop` when it
 * takes the connection away (the connection must then close itself at once, with a reset); the
 * connection calls `pool.release(member)` when it finishes by itself.
 * @category Transport
 */
export interface PoolMember {
  /** The peer's address: connections are counted and queued per address. */
  readonly address: string;
  /** Bytes received so far (shown in the reason of an eviction). */
  readonly bytes: number;
  /** Start reading: the connection has a slot. */
  activate(): void;
  /**
   * Close at once: `evicted` when it held a slot longer than `evictAfterMs` while others waited,
   * `too-many-connections` when the waiting room was full.
   */
  drop(reason: 'evicted' | 'too-many-connections', message: string): void;
}

/**
 * The limits of a {@link ConnectionPool}.
 * @category Transport
 */
export interface PoolLimits {
  /** Connections read at once (slots). */
  readonly maxConnections: number;
  /** Slots one source address may hold at once. */
  readonly maxConnectionsPerAddress: number;
  /** Accepted connections that may wait for a slot (not read yet). */
  readonly maxWaiting: number;
  /** A connection keeps its slot at least this long before it may be evicted for a waiting one. */
  readonly evictAfterMs: number;
}

/**
 * The listener's fair pool of connection slots: a bounded number of connections is read at once;
 * the others wait, accepted but unread, in a bounded waiting room. Nobody is refused at the door:
 *
 * - a newcomer takes a free slot, or waits;
 * - slots go to waiting connections round-robin across source addresses, first come first served
 *   within an address, and an address holds at most `maxConnectionsPerAddress` of them;
 * - when a connection waits and no slot can be had, the connection that has held its slot the
 *   longest without completing (the oldest of the waiter's own address when that address is at its
 *   cap) is evicted, but only once it has held it for `evictAfterMs`: a burst of senders that each
 *   finish in milliseconds is never cut short, it just waits its turn;
 * - when the waiting room overflows, the oldest waiting connection of the address with the most
 *   waiting connections goes.
 *
 * An attacker holding slots with slow or silent connections (slowloris) thus only delays others
 * by at most `evictAfterMs`, and from another address not at all while slots are left under its
 * cap. Internal to the transport: {@link listen} and `listenPayloads` use it.
 * @category Transport
 */
export class ConnectionPool<M extends PoolMember> {
  /** Connections holding a slot, oldest slot first, with the time each got it. */
  private readonly active = new Map<M, number>();
  private readonly activeByAddress = new Map<string, Map<M, number>>();
  /** Waiting connections per address; the map's order is the round-robin order. */
  private readonly waiting = new Map<string, Set<M>>();
  private waitingCount = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private timerAt = Infinity;
  private closed = false;

  constructor(
    private readonly limits: PoolLimits,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Connections holding a slot. */
  get activeCount(): number {
    return this.active.size;
  }

  /** Connections waiting for a slot. */
  get waitingTotal(): number {
    return this.waitingCount;
  }

  /** A new connection: it gets a slot (now or later), or someone else makes room for it. */
  admit(member: M): void {
    if (this.closed) return;
    const { address } = member;
    if (
      this.waitingCount === 0 &&
      this.active.size < this.limits.maxConnections &&
      this.activeOf(address) < this.limits.maxConnectionsPerAddress
    ) {
      // nobody waits and a slot is free: what pump() would do, without the waiting room
      this.occupy(address, member);
      return;
    }
    let queue = this.waiting.get(address);
    if (queue === undefined) {
      queue = new Set();
      this.waiting.set(address, queue);
    }
    queue.add(member);
    this.waitingCount += 1;
    this.pump();
    this.trimWaiting();
  }

  /** A connection finished (or was closed) by itself: its slot or place is free. Idempotent. */
  release(member: M): void {
    if (this.closed) return;
    if (this.removeActive(member)) this.pump();
    else this.removeWaiting(member);
  }

  /** Forgets every connection and stops the timer (the listener closes them itself). */
  close(): void {
    this.closed = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.active.clear();
    this.activeByAddress.clear();
    this.waiting.clear();
    this.waitingCount = 0;
  }

  private removeActive(member: M): boolean {
    if (!this.active.delete(member)) return false;
    const mine = this.activeByAddress.get(member.address);
    mine?.delete(member);
    if (mine !== undefined && mine.size === 0) this.activeByAddress.delete(member.address);
    return true;
  }

  private removeWaiting(member: M): boolean {
    const queue = this.waiting.get(member.address);
    if (queue === undefined || !queue.delete(member)) return false;
    this.waitingCount -= 1;
    if (queue.size === 0) this.waiting.delete(member.address);
    return true;
  }

  private activeOf(address: string): number {
    return this.activeByAddress.get(address)?.size ?? 0;
  }

  /** Gives the first waiting connection of `address` a slot, and moves the address to the back of the round. */
  private promote(address: string, queue: Set<M>): void {
    const member = queue.values().next().value as M;
    queue.delete(member);
    this.waitingCount -= 1;
    this.waiting.delete(address);
    if (queue.size > 0) this.waiting.set(address, queue);
    this.occupy(address, member);
  }

  /** Gives `member` a slot. */
  private occupy(address: string, member: M): void {
    const since = this.now();
    this.active.set(member, since);
    let mine = this.activeByAddress.get(address);
    if (mine === undefined) {
      mine = new Map();
      this.activeByAddress.set(address, mine);
    }
    mine.set(member, since);
    member.activate();
  }

  private oldest(slots: Map<M, number> | undefined): [M, number] | undefined {
    return slots?.entries().next().value;
  }

  /** Hands out free slots, evicting where allowed; schedules itself for when an eviction becomes allowed. */
  private pump(): void {
    const { maxConnections, maxConnectionsPerAddress: perAddress, evictAfterMs } = this.limits;
    while (!this.closed && this.waitingCount > 0) {
      let progressed = false;
      if (this.active.size < maxConnections) {
        for (const [address, queue] of this.waiting) {
          if (this.activeOf(address) >= perAddress) continue;
          this.promote(address, queue);
          progressed = true;
          break;
        }
        if (progressed) continue;
      }
      // no usable free slot: evict the longest-held slot where that is allowed
      const now = this.now();
      let earliest = Infinity;
      for (const [address, queue] of this.waiting) {
        const atCap = this.activeOf(address) >= perAddress;
        const victim = this.oldest(atCap ? this.activeByAddress.get(address) : this.active);
        if (victim === undefined) continue;
        const [member, since] = victim;
        const heldMs = now - since;
        if (heldMs < evictAfterMs) {
          earliest = Math.min(earliest, since + evictAfterMs);
          continue;
        }
        this.removeActive(member);
        member.drop(
          'evicted',
          `closed to make room for a waiting connection: held a slot for ${Math.round(heldMs)} ms without completing (${member.bytes} bytes)`,
        );
        if (this.closed) return;
        // the eviction may have freed a slot of this address or a global one: promote from it
        if (this.waiting.get(address) === queue && this.activeOf(address) < perAddress)
          this.promote(address, queue);
        progressed = true;
        break;
      }
      if (progressed) continue;
      if (earliest !== Infinity) this.wakeAt(earliest);
      return;
    }
  }

  private wakeAt(at: number): void {
    if (this.timer !== undefined && this.timerAt <= at) return;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timerAt = at;
    this.timer = setTimeout(
      () => {
        this.timer = undefined;
        this.timerAt = Infinity;
        this.pump();
      },
      Math.max(1, Math.ceil(at - this.now())),
    );
  }

  /** Keeps the waiting room within `maxWaiting`: the oldest waiter of the address with the most waiters goes. */
  private trimWaiting(): void {
    while (!this.closed && this.waitingCount > this.limits.maxWaiting) {
      let biggest: Set<M> | undefined;
      for (const queue of this.waiting.values())
        if (biggest === undefined || queue.size > biggest.size) biggest = queue;
      const member = biggest?.values().next().value;
      if (member === undefined) return;
      this.removeWaiting(member);
      member.drop(
        'too-many-connections',
        `closed unread: ${this.limits.maxConnections} connections were being read and ${this.limits.maxWaiting} more waiting`,
      );
    }
  }
}
