import { OptionError } from '../validation/checkOptions';

/**
 * How `unitInfo(unit, { refresh })` asks a unit for its `unit_info` again. pycom sends it once
 * per coordinator and does not say what makes two coordinators "the same" (id? address? both?);
 * a restarted application that kept its id may never get it again.
 *
 * - `'fresh-id'` (what `refresh: true` means): one heartbeat that carries a fresh random
 *   coordinator `id` (the rest of the identity unchanged: same address, same event port), so a
 *   unit that tells coordinators apart by id registers a new one and sends it `unit_info`, to this
 *   coordinator's listener. Risk: until that registration expires (15 s without a heartbeat from
 *   that id), the unit may send its events to both registrations, that is twice to this
 *   listener: a duplicate tagged output goes to `unmatched$` (never to another command), a
 *   duplicate `message` is seen twice. A unit that tells coordinators apart by address only never
 *   answers: the call then ends in an `UnitInfoTimeoutError`. `pycom-rx doctor` checks which it is.
 *
 * Not offered: a heartbeat with `coordinator: false` then `true` (what pycom does with `false` is
 * not documented), and reading the same facts with shell commands (no documented command gives
 * the boardio and firmware versions or the MCU type).
 *
 * ## Example
 * ```ts
 * coordinator.unitInfo('192.168.0.23', { refresh: 'fresh-id' }).subscribe((info) => console.log(info.firmware_version));
 * ```
 * @category Coordinator
 */
export type UnitInfoRefresh = 'fresh-id';

/**
 * The refresh strategy of a `unitInfo()` call: `undefined` for none (the cached one, if any).
 *
 * @internal
 * @category Coordinator
 * @param refresh The `refresh` option as given.
 * @throws {@link OptionError} when it is not a boolean or a known strategy.
 */
export function refreshStrategy(refresh: unknown): UnitInfoRefresh | undefined {
  if (refresh === undefined || refresh === false) return undefined;
  if (refresh === true || refresh === 'fresh-id') return 'fresh-id';
  throw new OptionError('options.refresh', 'type', refresh, "true, false or 'fresh-id'");
}
