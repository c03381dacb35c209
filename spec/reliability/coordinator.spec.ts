import { filter, firstValueFrom, Subject, Subscription, timeout, type Observable } from 'rxjs';
import {
  createCoordinator,
  OutputRejectedError,
  OutputTimeoutError,
  SendError,
  type CommandRequest,
  type CommandResult,
  type Coordinator,
  type PresenceState,
  type Rejected,
} from '../../src';
import { untagCommand } from '../../src/protocol/tagged';
import {
  simulateUnits,
  type Executor,
  type SimulatedUnit,
  type SimulatedUnits,
  type UnitActivity,
} from '../../src/simulator';

/**
 * Dead and flapping units during coordinator.run, against simulated units on 127.0.20.0/24
 * (this file's range: other test files run in parallel on other addresses).
 *
 * Every step waits for what it needs (a result, an activity of the unit, a presence change)
 * instead of sleeping, so the exact outcomes below do not depend on the machine's speed. The
 * only timers are the protocol's own: short output timeouts for commands that must time out,
 * and a reboot downtime that is long compared with `lostAfterMs`.
 */

const HEARTBEAT_MS = 100;
const LOST_AFTER_MS = 2_000;
/** Long enough for the coordinator to see the rebooting unit as lost while it is down. */
const DOWNTIME_MS = LOST_AFTER_MS * 2 + 500;
/** For commands whose output cannot come (dropped, never sent): short, so the test stays short. */
const SHORT_MS = 400;
/** Bound on every wait of the test; reached only when something is broken. */
const WAIT_MS = 15_000;

/** A command of the run, with the token its output must carry back. */
interface Job extends CommandRequest {
  readonly token: string;
}

/**
 * `echo X` answers `X\n` at once; `hold X` runs until the unit aborts it (reboot or close), so
 * it is certainly in flight when the unit goes away.
 */
const executor: Executor = (command, { signal }) => {
  if (command.startsWith('hold '))
    return new Promise((_, reject) =>
      signal.addEventListener('abort', () => reject(new Error('aborted')), { once: true }),
    );
  return command.startsWith('echo ')
    ? { stdout: `${command.slice(5)}\n` }
    : { stdout: '', stderr: `sh: ${command}: not found\n`, exitCode: 127 };
};

function next<T>(source: Observable<T>, predicate: (value: T) => boolean, what: string): Promise<T> {
  return firstValueFrom(
    source.pipe(
      filter(predicate),
      timeout({
        first: WAIT_MS,
        with: () => {
          throw new Error(`timed out waiting for ${what}`);
        },
      }),
    ),
  );
}

/** One coordinator.run fed command by command, each command's result handed back to its asker. */
class RunDriver {
  /** Every result, in the order the run emitted them. */
  readonly results: CommandResult<Job>[] = [];
  private readonly commands$ = new Subject<Job>();
  private readonly waiting = new Map<Job, (result: CommandResult<Job>) => void>();
  private readonly ended: Promise<void>;

  constructor(coordinator: Coordinator) {
    this.ended = new Promise((resolve, reject) =>
      coordinator.run(this.commands$).subscribe({
        next: (result) => {
          this.results.push(result);
          const answer = this.waiting.get(result.request);
          this.waiting.delete(result.request);
          answer?.(result);
        },
        error: reject,
        complete: resolve,
      }),
    );
  }

  /** Sends `echo <token>` (or `command`) to `unit` through the run; resolves with its result. */
  ask(unit: string, token: string, options: { command?: string; timeoutMs?: number } = {}) {
    const job: Job = {
      unit,
      token,
      command: options.command ?? `echo ${token}`,
      ...(options.timeoutMs === undefined ? {} : { outputTimeoutMs: options.timeoutMs }),
    };
    return new Promise<CommandResult<Job>>((resolve) => {
      this.waiting.set(job, resolve);
      this.commands$.next(job);
    });
  }

  /** Asks one command after the other; resolves with their results. */
  async askInTurn(unit: string, tokens: readonly string[]): Promise<CommandResult<Job>[]> {
    const results: CommandResult<Job>[] = [];
    for (const token of tokens) results.push(await this.ask(unit, token));
    return results;
  }

  /** Completes the commands and resolves once the run has completed. */
  end(): Promise<void> {
    this.commands$.complete();
    return this.ended;
  }
}

/** Presence changes of every connected unit, with a way to wait for a state. */
class PresenceLog {
  /** Holds every connect() (and whatever else is added): unsubscribe to stop the heartbeats. */
  readonly subscription = new Subscription();
  private readonly states = new Map<string, PresenceState[]>();
  private readonly messages = new Map<string, string[]>();
  private readonly changed$ = new Subject<string>();

  constructor(coordinator: Coordinator, units: readonly string[]) {
    for (const unit of units) {
      this.states.set(unit, []);
      this.messages.set(unit, []);
    }
    for (const unit of units)
      this.subscription.add(
        coordinator.connect(unit).subscribe((p) => {
          this.states.get(unit)!.push(p.state);
          if (p.message !== undefined) this.messages.get(unit)!.push(p.message);
          this.changed$.next(unit);
        }),
      );
  }

  /** The states `unit` went through, in order. */
  of(unit: string): PresenceState[] {
    return [...this.states.get(unit)!];
  }

  /** The messages given with `lost`. */
  messagesOf(unit: string): string[] {
    return [...this.messages.get(unit)!];
  }

  /** Resolves once `unit` has gone through `count` changes and is in `state`. */
  async reached(unit: string, state: PresenceState, count: number): Promise<void> {
    const done = () => this.states.get(unit)!.length >= count && this.states.get(unit)!.at(-1) === state;
    if (done()) return;
    await next(this.changed$, (u) => u === unit && done(), `${unit} to be ${state} (change ${count})`);
  }

  /** Resolves once every unit is connected. */
  async allConnected(): Promise<void> {
    const done = () => [...this.states.values()].every((s) => s.at(-1) === 'connected');
    if (done()) return;
    await next(this.changed$, done, 'every unit to be connected');
  }
}

/** What became of one command, in a word: `ok` only when its output carries its own token and comes from its own unit. */
function outcome(result: CommandResult<Job>, idOf: (host: string) => string): string {
  if (result.kind === 'output') {
    const own =
      result.output.output === `${result.request.token}\n` && result.output.id === idOf(result.unit);
    return own ? 'ok' : `wrong output ${JSON.stringify(result.output.output)} from ${result.output.id}`;
  }
  if (result.error instanceof SendError) return `SendError ${result.error.reason}`;
  if (result.error instanceof OutputTimeoutError) return 'OutputTimeoutError';
  return `${result.error.name}: ${result.error.message}`;
}

const tokens = (prefix: string, count: number) => Array.from({ length: count }, (_, i) => `${prefix}-${i}`);

describe('coordinator.run with dead and flapping units', () => {
  let sim: SimulatedUnits | undefined;
  afterEach(async () => {
    await sim?.close();
    sim = undefined;
  });

  it('a dead, a rebooting and a lossy unit among healthy ones: typed failures for their commands only, every output matched to its own command, presence lost and back', async () => {
    // 127.0.20.2 .. 127.0.20.7: three healthy units, then one that dies, one that reboots, one that loses events
    sim = simulateUnits(6, { base: '127.0.20.2', executor, hardwareReadyDelayMs: 0 });
    await sim.ready;
    const units = sim.units;
    // booted before any coordinator is known: the only event a unit sends unprompted is then its
    // unit_info, so the faults injected below hit command outputs and nothing else
    await Promise.all(
      units.map((u) =>
        u.hardwareReady ? undefined : next(u.events$, (a) => a.kind === 'hardware-ready', 'boot'),
      ),
    );
    const [h0, h1, h2, dead, rebooting, lossy] = units as readonly SimulatedUnit[] as [
      SimulatedUnit,
      SimulatedUnit,
      SimulatedUnit,
      SimulatedUnit,
      SimulatedUnit,
      SimulatedUnit,
    ];
    const idOf = (host: string) => units.find((u) => u.host === host)!.identity.id;
    const seen = (result: CommandResult<Job>) => outcome(result, idOf);

    const coordinator = createCoordinator({
      listen: { host: '127.0.0.1', port: 0 },
      heartbeatIntervalMs: HEARTBEAT_MS,
      lostAfterMs: LOST_AFTER_MS,
      commandTimeoutMs: WAIT_MS,
    });
    const presence = new PresenceLog(
      coordinator,
      units.map((u) => u.host),
    );
    const unmatched: string[] = [];
    const rejected: Rejected[] = [];
    presence.subscription.add(coordinator.unmatched$.subscribe((o) => unmatched.push(o.output)));
    presence.subscription.add(coordinator.rejected$.subscribe((r) => rejected.push(r)));
    try {
      await presence.allConnected();
      const run = new RunDriver(coordinator);

      const activity = (unit: SimulatedUnit, predicate: (a: UnitActivity) => boolean, what: string) =>
        next(unit.events$, predicate, `${unit.host}: ${what}`);
      const holdStarted = (unit: SimulatedUnit, command: string) =>
        activity(
          unit,
          (a) => a.kind === 'command-started' && (untagCommand(a.command)?.command ?? a.command) === command,
          `${command} to start`,
        );

      // A unit closed while a command runs on it: that command times out (its output never
      // comes), every later one is refused at once; presence goes lost and stays lost.
      const deadScript = async (): Promise<string[]> => {
        const out = (await run.askInTurn(dead.host, tokens('dead-before', 3))).map(seen);
        const started = holdStarted(dead, 'hold dead');
        const held = run.ask(dead.host, 'never', { command: 'hold dead', timeoutMs: SHORT_MS });
        await started;
        await dead.close();
        out.push(seen(await held));
        out.push(...(await run.askInTurn(dead.host, tokens('dead-after', 3))).map(seen));
        await presence.reached(dead.host, 'lost', 3);
        return out;
      };

      // A unit rebooting while a command runs on it: that command times out, commands sent while
      // it is down are refused, and once it is back its commands succeed again; presence goes
      // connected -> lost -> connected.
      const rebootScript = async (): Promise<string[]> => {
        const out = (await run.askInTurn(rebooting.host, tokens('reboot-before', 3))).map(seen);
        const started = holdStarted(rebooting, 'hold reboot');
        const held = run.ask(rebooting.host, 'never', { command: 'hold reboot', timeoutMs: SHORT_MS });
        await started;
        const back = rebooting.reboot({ downtimeMs: DOWNTIME_MS });
        out.push(seen(await held));
        out.push(...(await run.askInTurn(rebooting.host, tokens('reboot-down', 2))).map(seen));
        await presence.reached(rebooting.host, 'lost', 3);
        await back;
        await presence.reached(rebooting.host, 'connected', 4);
        out.push(...(await run.askInTurn(rebooting.host, tokens('reboot-after', 3))).map(seen));
        return out;
      };

      // A unit whose events are lost (dropped), broken (half a JSON) or empty: each such command
      // times out, and the next output still goes to the next command.
      const lossyScript = async (): Promise<string[]> => {
        const out = (await run.askInTurn(lossy.host, tokens('lossy-0', 3))).map(seen);
        const faults = [
          () => lossy.faults.dropNext(1),
          () => lossy.faults.malformNext(1),
          () => lossy.faults.emptyNext(1),
        ];
        for (const [n, inject] of faults.entries()) {
          inject();
          out.push(seen(await run.ask(lossy.host, `lossy-fault-${n}`, { timeoutMs: SHORT_MS })));
          out.push(...(await run.askInTurn(lossy.host, tokens(`lossy-${n + 1}`, 3))).map(seen));
        }
        return out;
      };

      // Healthy units: commands one after the other for as long as the others misbehave.
      let disturbed = true;
      const healthyScript = async (host: string): Promise<string[]> => {
        const out: string[] = [];
        for (let n = 0; disturbed || n < 20; n += 1) {
          out.push(seen(await run.ask(host, `${host}-${n}`)));
          await new Promise((resolve) => setTimeout(resolve, 10));
        }
        return out;
      };

      const healthy = Promise.all([h0, h1, h2].map((u) => healthyScript(u.host)));
      const [deadOut, rebootOut, lossyOut] = await Promise.all([deadScript(), rebootScript(), lossyScript()]);
      disturbed = false;
      const healthyOut = await healthy;
      await run.end();

      expect(deadOut).toEqual([
        'ok',
        'ok',
        'ok',
        'OutputTimeoutError',
        'SendError refused',
        'SendError refused',
        'SendError refused',
      ]);
      expect(rebootOut).toEqual([
        'ok',
        'ok',
        'ok',
        'OutputTimeoutError',
        'SendError refused',
        'SendError refused',
        'ok',
        'ok',
        'ok',
      ]);
      // a dropped output times out; a malformed or empty one from the unit's address fails its
      // command at once (OutputRejectedError), not after its timeout
      expect(lossyOut.map((o) => o.replace(/^(OutputRejectedError).*\((json)\).*$/, '$1 $2'))).toEqual([
        ...['ok', 'ok', 'ok'],
        ...['OutputTimeoutError', 'ok', 'ok', 'ok'],
        ...['OutputRejectedError json', 'ok', 'ok', 'ok'],
        ...['OutputRejectedError json', 'ok', 'ok', 'ok'],
      ]);
      for (const out of healthyOut) {
        expect(out.length).toBeGreaterThanOrEqual(20);
        expect(out.filter((o) => o !== 'ok')).toEqual([]);
      }

      // the typed errors carry the unit and the time allowed
      const failures = run.results.filter((r) => r.kind === 'failed');
      for (const f of failures) {
        if (f.kind !== 'failed') continue;
        if (f.error instanceof OutputTimeoutError)
          expect(f.error).toMatchObject({ unit: f.unit, timeoutMs: SHORT_MS });
        else if (f.error instanceof OutputRejectedError)
          expect(f.error).toMatchObject({ unit: f.unit, rejection: 'json', command: f.request.command });
        else
          expect(f.error).toMatchObject({
            host: f.unit,
            port: 5000,
            reason: 'refused',
            code: 'ECONNREFUSED',
          });
      }
      // per unit, results come back in the order the commands were given
      for (const u of [h0, h1, h2]) {
        const mine = run.results.filter((r) => r.unit === u.host).map((r) => r.request.token);
        expect(mine).toEqual(mine.map((_, n) => `${u.host}-${n}`));
      }

      // presence: the healthy and the lossy units never lost; the dead one lost for good; the
      // rebooting one lost, then connected again
      for (const u of [h0, h1, h2, lossy]) expect(presence.of(u.host)).toEqual(['pending', 'connected']);
      expect(presence.of(dead.host)).toEqual(['pending', 'connected', 'lost']);
      expect(presence.of(rebooting.host)).toEqual(['pending', 'connected', 'lost', 'connected']);
      for (const u of [dead, rebooting])
        expect(presence.messagesOf(u.host)).toEqual([
          expect.stringMatching(new RegExp(`${u.host.replace(/\./g, '\\.')}:5000.*ECONNREFUSED`)),
        ]);

      // nothing arrived that no command was waiting for; the only rejected payloads are the
      // broken and the empty event of the lossy unit
      expect(unmatched).toEqual([]);
      expect(
        rejected.map((r) => ({ from: r.remote.address, reason: r.reason, empty: r.bytes === 0 })),
      ).toEqual([
        { from: lossy.host, reason: 'json', empty: false },
        { from: lossy.host, reason: 'json', empty: true },
      ]);
    } finally {
      presence.subscription.unsubscribe();
      await coordinator.close(); // the units it addressed are heartbeated until then
    }
  }, 30_000);

  it('a flapping unit (rebooted every few commands, back before it counts as lost) only fails the command it was running each time', async () => {
    // 127.0.20.20: flaps; 127.0.20.21: healthy neighbour
    sim = simulateUnits(2, { base: '127.0.20.20', executor, hardwareReadyDelayMs: 0 });
    await sim.ready;
    const [flapper, neighbour] = sim.units as readonly SimulatedUnit[] as [SimulatedUnit, SimulatedUnit];
    await Promise.all(
      sim.units.map((u) =>
        u.hardwareReady ? undefined : next(u.events$, (a) => a.kind === 'hardware-ready', 'boot'),
      ),
    );
    const idOf = (host: string) => sim!.units.find((u) => u.host === host)!.identity.id;
    const coordinator = createCoordinator({
      listen: { host: '127.0.0.1', port: 0 },
      heartbeatIntervalMs: HEARTBEAT_MS,
      lostAfterMs: LOST_AFTER_MS,
      commandTimeoutMs: WAIT_MS,
    });
    const presence = new PresenceLog(coordinator, [flapper.host, neighbour.host]);
    const unmatched: string[] = [];
    presence.subscription.add(coordinator.unmatched$.subscribe((o) => unmatched.push(o.output)));
    const FLAPS = 3;
    const EVERY = 5;
    try {
      await presence.allConnected();
      const run = new RunDriver(coordinator);

      // the flapper reboots (100 ms down) as soon as every EVERY-th command has reached it: that
      // command is killed before its output leaves, so it times out; the next command is sent
      // once the unit is back, so it succeeds
      let requests = 0;
      const reboots: Promise<void>[] = [];
      const flapping = flapper.events$.subscribe((a) => {
        if (a.kind !== 'request' || !('command' in a.request)) return;
        requests += 1;
        if (requests % EVERY === 0 && reboots.length < FLAPS)
          reboots.push(flapper.reboot({ downtimeMs: 100 }));
      });
      const flapperScript = async (): Promise<string[]> => {
        const out: string[] = [];
        for (let n = 0; n < FLAPS * EVERY + EVERY; n += 1) {
          // only the commands the reboot kills have a short timeout (their output cannot come);
          // the others may take as long as a loaded machine needs
          const killed = (n + 1) % EVERY === 0 && n < FLAPS * EVERY;
          out.push(
            outcome(await run.ask(flapper.host, `flap-${n}`, killed ? { timeoutMs: 1_000 } : {}), idOf),
          );
          // the next command goes to the unit once it is back, however long its reboot took
          if (killed) await reboots.at(-1);
        }
        return out;
      };
      // the neighbour: commands one after the other for as long as the flapper flaps
      let flappingOn = true;
      const neighbourScript = async (): Promise<string[]> => {
        const out: string[] = [];
        for (let n = 0; flappingOn || n < 20; n += 1) {
          out.push(outcome(await run.ask(neighbour.host, `neighbour-${n}`), idOf));
          await new Promise((resolve) => setTimeout(resolve, 10));
        }
        return out;
      };
      const neighbourDone = neighbourScript();
      const flapperOut = await flapperScript();
      flappingOn = false;
      flapping.unsubscribe();
      await Promise.all(reboots);
      const neighbourOut = await neighbourDone;
      await run.end();

      const cycle = [...Array<string>(EVERY - 1).fill('ok'), 'OutputTimeoutError'];
      expect(flapperOut).toEqual([...cycle, ...cycle, ...cycle, ...Array<string>(EVERY).fill('ok')]);
      expect(neighbourOut.length).toBeGreaterThanOrEqual(20);
      expect(neighbourOut.filter((o) => o !== 'ok')).toEqual([]);
      expect(reboots).toHaveLength(FLAPS);
      // a heartbeat refused while it is down turns it lost at once (message refused: …), and the
      // next one taken turns it connected again; it always ends connected
      const flapperStates = presence.of(flapper.host);
      expect(flapperStates.slice(0, 2)).toEqual(['pending', 'connected']);
      expect(flapperStates.at(-1)).toBe('connected');
      for (const message of presence.messagesOf(flapper.host)) expect(message).toMatch(/^refused/);
      expect(presence.of(neighbour.host)).toEqual(['pending', 'connected']);
      expect(unmatched).toEqual([]);
    } finally {
      presence.subscription.unsubscribe();
      await coordinator.close(); // the units it addressed are heartbeated until then
    }
  }, 30_000);
});
