import { auditTime, map, merge, type Observable, scan, startWith } from 'rxjs';
import type { UnitInfo } from '../protocol';
import type { ConsoleUnit } from './address';
import type { ConsoleCoordinator } from './coordinator';
import type { UnitRow } from './types';

type Patch = (row: UnitRow) => UnitRow;

const infoOf = (info: UnitInfo): UnitRow['info'] => ({
  firmware: info.firmware_version,
  boardio: info.boardio_version,
  wiringpi: info.wiringpi_version,
  mcu: info.mcu_type,
  mac: info.mac_address,
  unitType: info.unit_type,
});

/** At most one row update per unit in this time: a chatty unit does not flood the pages. */
const ROW_UPDATE_MS = 100;

/**
 * The grid row of one unit, kept up to date while subscribed: heartbeats and presence from
 * `coordinator.connect`, the `unit_info` from `coordinator.unitInfo`; at most one new row per
 * 100 ms (the latest). Subscribing sends heartbeats to the unit. The last event is the model's,
 * set with the log's own entry as each event arrives, never later than the log.
 *
 * ## Example
 * ```ts
 * watchUnit(coordinator, consoleUnit({ host: '127.0.0.2' }), Date.now).subscribe((row) => console.log(row.presence.state));
 * ```
 * @param coordinator The coordinator.
 * @param unit The unit.
 * @param now The clock (ms since the epoch).
 */
export function watchUnit(
  coordinator: ConsoleCoordinator,
  unit: ConsoleUnit,
  now: () => number,
): Observable<UnitRow> {
  const target = { host: unit.host, port: unit.port };
  const initial: UnitRow = { address: unit.address, presence: { state: 'pending', since: now() } };
  const patches$: Observable<Patch> = merge(
    coordinator.connect(target).pipe(
      map((p): Patch => (row) => ({
        ...row,
        ...(p.id === undefined ? {} : { id: p.id }),
        presence: { state: p.state, since: p.at, ...(p.message === undefined ? {} : { message: p.message }) },
      })),
    ),
    coordinator
      .unitInfo(target, { timeoutMs: Infinity })
      .pipe(map((info): Patch => (row) => ({ ...row, id: info.id, info: infoOf(info) }))),
  );
  return patches$.pipe(
    scan((row, patch) => patch(row), initial),
    auditTime(ROW_UPDATE_MS),
    startWith(initial),
  );
}
