import { type Observable, Subject, Subscription, take } from 'rxjs';
import type { CoordinatorStats, RunSequenceOptions } from '../coordinator';
import type { Sequence } from '../sequence';
import type { ConsoleUnit } from './address';
import type { ConsoleCoordinator } from './coordinator';
import { runCommandJob, runSequenceJob, type JobHeader } from './jobs';
import { runShootJob } from './shootJob';
import { EventLog } from './log';
import type { PycomEvent } from '../protocol';
import { addFigures, figuresOf, NO_FIGURES } from './figures';
import type { ConsoleChange, ConsoleSnapshot, Job, JobFigures, LogEntry, UnitRow } from './types';
import { watchUnit } from './units';

/** How many finished jobs the console remembers. */
const KEPT_JOBS = 20;

/**
 * Options of {@link ConsoleModel}.
 *
 * ## Example
 * ```ts
 * const options: ConsoleModelOptions = { logCapacity: 500, now: Date.now };
 * ```
 */
export interface ConsoleModelOptions {
  /** How many recent events a new page gets. Default 300. */
  readonly logCapacity?: number;
  /** The clock (ms since the epoch). Default `Date.now`. */
  readonly now?: () => number;
  /** Timeouts of the sequences run from the page. */
  readonly sequence?: RunSequenceOptions;
}

/**
 * The console's state, made of the coordinator's streams: one row per unit, the recent jobs,
 * the event log and the coordinator's statistics. Every change goes out on `changes$`; the HTTP
 * layer turns them into server-sent events.
 *
 * ## Example
 * ```ts
 * const model = new ConsoleModel(coordinator, [consoleUnit({ host: '127.0.0.2' })]);
 * model.start();
 * model.changes$.subscribe((c) => console.log(c.kind));
 * ```
 */
export class ConsoleModel {
  /** Every change of a row, a job or the statistics. */
  readonly changes$: Observable<ConsoleChange>;
  /** The recent and live events. */
  readonly log: EventLog;
  private readonly changes = new Subject<ConsoleChange>();
  private readonly rows = new Map<string, UnitRow>();
  private readonly jobs = new Map<number, Job>();
  private readonly byAddress: ReadonlyMap<string, ConsoleUnit>;
  private readonly subscription = new Subscription();
  private readonly now: () => number;
  private stats: CoordinatorStats | undefined;
  private figures: JobFigures = NO_FIGURES;
  /** Each unit's last event, as the log recorded it (same time), by address. */
  private readonly lastEvents = new Map<string, LogEntry>();
  private readonly entries = new WeakMap<PycomEvent, LogEntry>();
  private listening: string | undefined;
  private nextJob = 1;

  /**
   * @param coordinator The coordinator.
   * @param units The units, in the grid's order.
   * @param options Log size, clock, sequence timeouts.
   */
  constructor(
    private readonly coordinator: ConsoleCoordinator,
    private readonly units: ReadonlyArray<ConsoleUnit>,
    private readonly options: ConsoleModelOptions = {},
  ) {
    this.now = options.now ?? Date.now;
    this.log = new EventLog(options.logCapacity ?? 300, this.now);
    this.changes$ = this.changes.asObservable();
    this.byAddress = new Map(units.map((u) => [u.address, u]));
  }

  /** Starts heartbeats to every unit and follows the coordinator's streams. */
  start(): void {
    const { coordinator } = this;
    this.subscription.add(
      coordinator.listening$.subscribe({
        next: (a) => (this.listening = `${a.address}:${a.port}`),
        error: () => (this.listening = undefined),
      }),
    );
    // first: the log has each event before a row or a job shows it
    this.subscription.add(
      coordinator.events$.subscribe({ next: (e) => this.entries.set(e, this.log.add(e)), error: () => {} }),
    );
    for (const unit of this.units) {
      this.subscription.add(
        coordinator.eventsFrom({ host: unit.host, port: unit.port }).subscribe({
          next: (event) => this.setLastEvent(unit, event),
          error: () => {},
        }),
      );
      this.subscription.add(
        watchUnit(coordinator, unit, this.now).subscribe({
          next: (row) => this.setRow(this.withLastEvent({ ...row, ...this.latencyOf(unit) })),
          error: (e: unknown) => {
            const row = this.rows.get(unit.address);
            const message = e instanceof Error ? e.message : String(e);
            if (row) this.setRow({ ...row, presence: { state: 'lost', since: this.now(), message } });
          },
        }),
      );
    }
    this.subscription.add(coordinator.stats$.subscribe({ next: (s) => this.setStats(s), error: () => {} }));
  }

  /** The unit named `address` on the page, if it is one of the console's. */
  unit(address: string): ConsoleUnit | undefined {
    return this.byAddress.get(address);
  }

  /** Everything the page needs to draw itself. */
  snapshot(): ConsoleSnapshot {
    return {
      coordinator: {
        id: this.coordinator.id,
        ...(this.listening === undefined ? {} : { listening: this.listening }),
      },
      units: this.units.map(
        (u) =>
          this.rows.get(u.address) ?? {
            address: u.address,
            presence: { state: 'pending', since: this.now() },
          },
      ),
      jobs: [...this.jobs.values()],
      figures: this.figures,
      ...(this.stats === undefined ? {} : { stats: this.stats }),
    };
  }

  /**
   * Runs a sequence on some units; its progress goes out as `job` changes.
   *
   * @param units The units (of this console).
   * @param sequence The rows, already checked.
   * @param title The job's name on the page.
   * @return The job as it starts.
   */
  startSequence(units: ReadonlyArray<ConsoleUnit>, sequence: Sequence, title: string): Job {
    const options = this.options.sequence ?? {};
    return this.track(
      runSequenceJob(this.coordinator, units, sequence, options, this.header(title), this.now),
    );
  }

  /**
   * Shoots a sequence on some units (`coordinator.shoot`): loaded everywhere, then fired on all
   * together, or on none when a load failed; its progress goes out as `job` changes.
   *
   * @param units The units (of this console).
   * @param sequence The rows, already checked.
   * @param title The job's name on the page.
   * @return The job as it starts.
   */
  startShoot(units: ReadonlyArray<ConsoleUnit>, sequence: Sequence, title: string): Job {
    return this.track(runShootJob(this.coordinator, units, sequence, this.header(title), this.now));
  }

  /**
   * Sends a shell command to some units; their outputs go out as `job` changes.
   *
   * @param units The units (of this console).
   * @param command The shell command.
   * @return The job as it starts.
   */
  startCommand(units: ReadonlyArray<ConsoleUnit>, command: string): Job {
    return this.track(runCommandJob(this.coordinator, units, command, this.header(command), this.now));
  }

  /** Stops everything: heartbeats, jobs, log readers. */
  close(): void {
    this.subscription.unsubscribe();
    this.log.close();
    this.changes.complete();
  }

  private header(title: string): JobHeader {
    return { id: this.nextJob++, title, startedAt: this.now() };
  }

  private track(job$: Observable<Job>): Job {
    let first: Job | undefined;
    this.subscription.add(
      job$.subscribe((job) => {
        first ??= job;
        const before = this.jobs.get(job.id);
        this.jobs.set(job.id, job);
        if (this.jobs.size > KEPT_JOBS) this.forgetOldestDone();
        this.changes.next({ kind: 'job', job });
        this.countJob(before, job);
      }),
    );
    if (first === undefined) throw new Error('a job emits its start at once');
    return first;
  }

  private forgetOldestDone(): void {
    for (const [id, job] of this.jobs)
      if (job.done) {
        this.jobs.delete(id);
        return;
      }
  }

  /**
   * Counts a job's new outcomes into the figures, and takes the coordinator's statistics again at
   * once (`stats$` gives a snapshot on subscription), so that its counters are in step with the rows.
   */
  private countJob(before: Job | undefined, job: Job): void {
    const figures = addFigures(
      addFigures(this.figures, figuresOf(job)),
      before === undefined ? NO_FIGURES : figuresOf(before),
      -1,
    );
    if (JSON.stringify(figures) !== JSON.stringify(this.figures)) {
      this.figures = figures;
      this.changes.next({ kind: 'figures', figures });
    }
    if (before !== undefined)
      this.subscription.add(
        this.coordinator.stats$.pipe(take(1)).subscribe({ next: (s) => this.setStats(s), error: () => {} }),
      );
  }

  /** A unit's last event, with the log's time for it: its row shows it at once. */
  private setLastEvent(unit: ConsoleUnit, event: PycomEvent): void {
    const entry = this.entries.get(event) ?? { at: this.now(), event };
    this.lastEvents.set(unit.address, entry);
    const row = this.rows.get(unit.address) ?? {
      address: unit.address,
      presence: { state: 'pending', since: this.now() },
    };
    this.setRow(this.withLastEvent(row));
  }

  private withLastEvent(row: UnitRow): UnitRow {
    const lastEvent = this.lastEvents.get(row.address);
    return lastEvent === undefined ? row : { ...row, id: row.id ?? lastEvent.event.id, lastEvent };
  }

  /** A unit's command round trips, from the last statistics. */
  private latencyOf(unit: ConsoleUnit): Pick<UnitRow, 'latency'> {
    const latency = this.stats?.latency[unit.host];
    return latency === undefined ? {} : { latency };
  }

  /** Takes new statistics: sent to the page when something else than their time changed. */
  private setStats(stats: CoordinatorStats): void {
    const before = this.stats;
    this.stats = stats;
    for (const unit of this.units) {
      const row = this.rows.get(unit.address);
      const latency = stats.latency[unit.host];
      if (row === undefined || latency === undefined) continue;
      if (before?.latency[unit.host]?.count !== latency.count) this.setRow({ ...row, latency });
    }
    const { at: _at, ...now } = stats;
    const { at: _before, ...then } = before ?? { at: 0 };
    if (JSON.stringify(now) !== JSON.stringify(then)) this.changes.next({ kind: 'stats', stats });
  }

  private setRow(row: UnitRow): void {
    this.rows.set(row.address, row);
    this.changes.next({ kind: 'unit', row });
  }
}
