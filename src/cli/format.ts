import type { PycomEvent, UnitInfo } from '../protocol';
import { isReceived, type Inbound } from '../protocol/inbound';

/**
 * A time of day as `HH:MM:SS.mmm` (local time).
 *
 * ## Example
 * ```ts
 * clock(Date.now()); // e.g. '14:03:27.051'
 * ```
 * @param ms Milliseconds since the epoch.
 */
export function clock(ms: number): string {
  const d = new Date(ms);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}.${String(d.getMilliseconds()).padStart(3, '0')}`;
}

/** The width of the unit column: an IPv4 address. */
export const UNIT_COLUMN = 15;

/**
 * A unit's address padded to {@link UNIT_COLUMN}, so that lines align.
 *
 * @param unit `host` or `host:port`.
 */
export function unitColumn(unit: string): string {
  return unit.padEnd(UNIT_COLUMN);
}

/**
 * A duration in seconds with one decimal, e.g. `'1.4 s'`.
 *
 * @param ms A duration in ms.
 */
export function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

/**
 * The fields of a `unit_info` in one line.
 *
 * ## Example
 * ```ts
 * formatUnitInfo(info);
 * // 'id 81639cd4  light_array  RP2040  firmware 1.2.4  boardio 1.3.0  wiringpi 2.52  mac dc:a6:32:63:9c:d4'
 * ```
 * @param info The event.
 */
export function formatUnitInfo(info: UnitInfo): string {
  return [
    `id ${info.id}`,
    info.unit_type,
    info.mcu_type,
    `firmware ${info.firmware_version}`,
    `boardio ${info.boardio_version}`,
    `wiringpi ${info.wiringpi_version}`,
    `mac ${info.mac_address}`,
  ].join('  ');
}

/**
 * What an event says, without its identity: the output (quoted), the message, or the unit_info fields.
 *
 * @param event A valid event.
 */
export function eventBody(event: PycomEvent): string {
  switch (event.type_) {
    case 'output':
      return JSON.stringify(event.output);
    case 'message':
      return event.message;
    case 'unit_info':
      return formatUnitInfo(event);
  }
}

/**
 * One line per inbound item, for `pycom-rx listen`.
 *
 * ## Example
 * ```ts
 * formatInbound(item);
 * // '14:03:27.051  127.0.0.2  output     81639cd4 rigsters-controller  "hi\\n"'
 * ```
 * @param item An event or a rejected payload from `listen()`.
 */
export function formatInbound(item: Inbound): string {
  const head = `${clock(item.receivedAt)}  ${unitColumn(item.remote.address)}`;
  if (isReceived(item)) {
    const event = item;
    return `${head}  ${event.type_.padEnd(9)}  ${event.id} ${event.name}  ${eventBody(event)}`;
  }
  const excerpt = item.excerpt === '' ? '' : `  ${JSON.stringify(item.excerpt)}`;
  return `${head}  ${'rejected'.padEnd(9)}  ${item.reason}: ${item.message} (${item.bytes} bytes)${excerpt}`;
}

/**
 * Indents every line of a text (a trailing newline is dropped first); `(empty)` for an empty text.
 *
 * ## Example
 * ```ts
 * indent('a\nb\n', '    '); // '    a\n    b'
 * ```
 * @param text Multi-line text.
 * @param prefix Put before each line.
 */
export function indent(text: string, prefix: string): string {
  const body = text.endsWith('\n') ? text.slice(0, -1) : text;
  if (body === '') return `${prefix}(empty)`;
  return body
    .split('\n')
    .map((line) => `${prefix}${line}`)
    .join('\n');
}

/**
 * The first line of a text, cut to `max` characters with `…`; `…` also marks dropped lines.
 *
 * @param text Any text.
 * @param max The longest result.
 */
export function firstLine(text: string, max = 60): string {
  const lines = text.replace(/\n$/, '').split('\n');
  const line = lines[0] ?? '';
  const more = lines.length > 1;
  if (line.length > max) return `${line.slice(0, max - 1)}…`;
  return more ? `${line} …` : line;
}
