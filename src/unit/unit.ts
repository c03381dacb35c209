import { type Observable, Subject } from 'rxjs';
import type { Identity } from '../protocol/identity';
import type { ActivityInput, UnitActivity } from './activity';
import { checkBoardioQuirks } from './boardio';
import type { Faults } from './faults';
import { PowerOn, type PowerOnSettings, type StartHooks } from './powerOn';
import type { KnownCoordinator } from './types';

/**
 * What a {@link Unit} is made of: its behaviour and environment, its identity as configured
 * (`port` is replaced by the bound one), and its fault state.
 *
 * ## Example
 * ```ts
 * const unit = new Unit({ ...behaviour, environment, host, port: 5000, identity, unitInfo, faults });
 * ```
 * @internal
 */
export interface UnitSettings extends Omit<PowerOnSettings, 'identity' | 'report'> {
  /** The port to listen on at the first power-on (0: any free one; then the bound one is kept). */
  readonly port: number;
  /** The identity its events carry, but for `port`. */
  readonly identity: Identity;
}

/**
 * The members every unit handle has, whatever its environment: what {@link Unit.handle} builds.
 *
 * ## Example
 * ```ts
 * const handle: UnitHandle = unit.handle();
 * ```
 * @internal
 */
export interface UnitHandle {
  readonly host: string;
  readonly port: number;
  readonly identity: Identity;
  readonly events$: Observable<UnitActivity>;
  readonly hardwareReady: boolean;
  coordinators(): ReadonlyArray<KnownCoordinator>;
  bootHardware(): void;
}

/**
 * The part of a unit that outlives its power-ons: its activity stream, its identity and bound
 * port, and the current {@link PowerOn}, if any. The simulator and `pycom-rx/testing` wrap it in
 * their own lifecycles (promises and real time; synchronous calls and a scheduler).
 *
 * ## Example
 * ```ts
 * const unit = new Unit(settings);
 * unit.powerOn({ listening: () => console.log('up'), failed: console.error });
 * unit.powerOff();
 * unit.end();
 * ```
 * @internal
 */
export class Unit {
  private readonly events = new Subject<UnitActivity>();
  private power: PowerOn | undefined;
  private port: number;

  /**
   * @param settings Behaviour, environment, identity, faults.
   */
  constructor(private readonly settings: UnitSettings) {
    checkBoardioQuirks(settings.boardioQuirks);
    this.port = settings.port;
  }

  /** The fault state. */
  get faults(): Faults {
    return this.settings.faults;
  }

  /** The identity its events carry now. */
  identity(): Identity {
    return { ...this.settings.identity, port: this.port };
  }

  /**
   * Reports activity, adding `at` (the scheduler's time) and `unit` (the id).
   * @param activity What happened.
   */
  readonly report = (activity: ActivityInput): void => {
    const at = this.settings.environment.scheduler.now();
    this.events.next({ ...activity, at, unit: this.settings.identity.id } as UnitActivity);
  };

  /**
   * Starts a new power-on: it listens on the unit's port, keeps the bound one, and boots.
   * @param hooks Told once it listens (after `listening` activity), or that it could not.
   */
  powerOn(hooks: Omit<StartHooks, 'bound'>): void {
    const power = new PowerOn({ ...this.settings, identity: () => this.identity(), report: this.report });
    this.power = power;
    power.start(this.port, {
      bound: (port) => {
        this.port = port;
      },
      listening: hooks.listening,
      failed: (error) => {
        if (this.power === power) this.powerOff();
        hooks.failed(error);
      },
    });
  }

  /** Ends the current power-on, if any: listener closed, commands stopped, events dropped. */
  powerOff(): void {
    this.power?.stop();
    this.power = undefined;
  }

  /** Reports `closed` and completes the activity stream; call once, after `powerOff()`. */
  end(): void {
    this.report({ kind: 'closed' });
    this.events.complete();
  }

  /**
   * The members every unit handle shares, live (getters), with the environment's own members.
   * @param extra What the environment's handle adds.
   */
  handle<T extends object>(extra: T): UnitHandle & T {
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const unit = this;
    return {
      host: this.settings.host,
      get port() {
        return unit.port;
      },
      get identity() {
        return unit.identity();
      },
      events$: this.events.asObservable(),
      get hardwareReady() {
        return unit.power?.hardwareReady ?? false;
      },
      coordinators: (): ReadonlyArray<KnownCoordinator> => unit.power?.registry.list() ?? [],
      bootHardware: () => unit.power?.bootHardware(),
      ...extra,
    };
  }
}
