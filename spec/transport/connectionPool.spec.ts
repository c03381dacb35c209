import { ConnectionPool, type PoolLimits, type PoolMember } from '../../src/transport/connectionPool';

/** A connection as the pool sees it, recording what the pool did to it. */
class Member implements PoolMember {
  bytes = 0;
  state: 'new' | 'waiting' | 'active' | 'evicted' | 'too-many-connections' | 'done' = 'new';
  constructor(
    readonly address: string,
    readonly name: string,
  ) {}
  activate(): void {
    this.state = 'active';
  }
  drop(reason: 'evicted' | 'too-many-connections'): void {
    this.state = reason;
  }
}

describe('ConnectionPool', () => {
  let now = 0;
  let pool: ConnectionPool<Member>;
  const start = (limits: Partial<PoolLimits>) => {
    pool = new ConnectionPool<Member>(
      { maxConnections: 2, maxConnectionsPerAddress: 2, maxWaiting: 10, evictAfterMs: 100, ...limits },
      () => now,
    );
  };
  const admit = (address: string, name: string) => {
    const m = new Member(address, name);
    m.state = 'waiting';
    pool.admit(m);
    return m;
  };
  const finish = (m: Member) => {
    m.state = 'done';
    pool.release(m);
  };

  beforeEach(() => {
    now = 0;
    jest.useFakeTimers();
  });
  afterEach(() => {
    pool.close();
    jest.useRealTimers();
  });

  it('gives free slots at once, lets newcomers wait when full, and hands freed slots on first come first served', () => {
    start({});
    const [a, b, c, d] = ['a', 'b', 'c', 'd'].map((n) => admit('10.0.0.1', n)) as [
      Member,
      Member,
      Member,
      Member,
    ];
    expect([a, b, c, d].map((m) => m.state)).toEqual(['active', 'active', 'waiting', 'waiting']);
    expect([pool.activeCount, pool.waitingTotal]).toEqual([2, 2]);
    finish(b);
    expect([c.state, d.state]).toEqual(['active', 'waiting']);
    finish(a);
    expect(d.state).toBe('active');
  });

  it('hands freed slots round-robin across addresses, so a busy address cannot starve another', () => {
    start({ maxConnections: 1 });
    const first = admit('10.0.0.1', 'first');
    const hog = ['h1', 'h2', 'h3'].map((n) => admit('10.0.0.1', n));
    const other = admit('10.0.0.2', 'other');
    finish(first);
    expect(hog[0]!.state).toBe('active');
    finish(hog[0]!);
    expect([other.state, hog[1]!.state]).toEqual(['active', 'waiting']);
  });

  it('evicts the slot held longest once it has held it evictAfterMs, never earlier, for a waiting connection', () => {
    start({});
    const old = admit('10.0.0.1', 'old');
    now = 40;
    const young = admit('10.0.0.1', 'young');
    now = 60;
    const waiter = admit('10.0.0.2', 'waiter');
    expect(waiter.state).toBe('waiting');
    now = 99;
    jest.advanceTimersByTime(39);
    expect([old.state, waiter.state]).toEqual(['active', 'waiting']);
    now = 100;
    jest.advanceTimersByTime(1);
    expect([old.state, young.state, waiter.state]).toEqual(['evicted', 'active', 'active']);
  });

  it('never evicts anyone while nobody waits', () => {
    start({});
    const a = admit('10.0.0.1', 'a');
    now = 10_000;
    jest.advanceTimersByTime(10_000);
    expect(a.state).toBe('active');
  });

  it('caps the slots of one address; at its cap, its own oldest slot is the one evicted', () => {
    start({ maxConnections: 4, maxConnectionsPerAddress: 1 });
    const other = admit('10.0.0.9', 'other');
    now = 10;
    const hog = admit('10.0.0.1', 'hog');
    const next = admit('10.0.0.1', 'next');
    expect([hog.state, next.state]).toEqual(['active', 'waiting']);
    const third = admit('10.0.0.2', 'third');
    expect(third.state).toBe('active'); // another address: a free slot under its own cap
    now = 110;
    jest.advanceTimersByTime(100);
    expect([other.state, hog.state, next.state]).toEqual(['active', 'evicted', 'active']);
  });

  it('keeps the waiting room within maxWaiting by resetting the oldest waiter of the address with the most waiters', () => {
    start({ maxConnections: 1, maxWaiting: 2 });
    admit('10.0.0.1', 'active');
    const good = admit('10.0.0.2', 'good');
    const spam1 = admit('10.0.0.3', 'spam1');
    const spam2 = admit('10.0.0.3', 'spam2');
    expect([good.state, spam1.state, spam2.state]).toEqual(['waiting', 'too-many-connections', 'waiting']);
    const spam3 = admit('10.0.0.3', 'spam3');
    expect([good.state, spam2.state, spam3.state]).toEqual(['waiting', 'too-many-connections', 'waiting']);
    expect(pool.waitingTotal).toBe(2);
  });

  it('with no waiting room, drops a newcomer only when no slot can be had', () => {
    start({ maxConnections: 1, maxWaiting: 0 });
    const a = admit('10.0.0.1', 'a');
    const b = admit('10.0.0.1', 'b');
    expect([a.state, b.state]).toEqual(['active', 'too-many-connections']);
    now = 100;
    const c = admit('10.0.0.1', 'c');
    expect([a.state, c.state]).toEqual(['evicted', 'active']);
  });

  it('forgets a waiting connection that finished by itself, and ignores a second release', () => {
    start({ maxConnections: 1 });
    const a = admit('10.0.0.1', 'a');
    const b = admit('10.0.0.1', 'b');
    const c = admit('10.0.0.1', 'c');
    finish(b);
    finish(b);
    expect(pool.waitingTotal).toBe(1);
    finish(a);
    expect(c.state).toBe('active');
    expect(pool.activeCount).toBe(1);
  });

  it('does nothing once closed', () => {
    start({ maxConnections: 1 });
    admit('10.0.0.1', 'a');
    const b = admit('10.0.0.1', 'b');
    pool.close();
    now = 1_000;
    jest.advanceTimersByTime(1_000);
    expect(b.state).toBe('waiting');
    expect(admit('10.0.0.1', 'c').state).toBe('waiting');
  });
});
