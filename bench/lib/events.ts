import type { Message, Output, PycomEvent, UnitInfo } from '../../src/protocol';

/** The identity of the vendor's example unit. */
export const unit = {
  id: '81639cd4',
  name: 'rigsters-controller',
  ip: '192.168.0.22',
  port: 5000,
  version: '0.14.0',
  coordinator: false,
} as const;

const output = (text: string): Output => ({ ...unit, type_: 'output', output: text });
const message = (text: string): Message => ({ ...unit, type_: 'message', message: text });

/** The `unit_info` event of a light array. */
export const unitInfo: UnitInfo = {
  ...unit,
  type_: 'unit_info',
  wiringpi_version: '2.70',
  boardio_version: '1.4.2',
  firmware_version: '2.3.1',
  unit_type: 'light_array',
  mcu_type: 'RP2040',
  mac_address: 'dc:a6:32:1b:4e:f0',
};

function listing(lines: number): string {
  return Array.from(
    { length: lines },
    (_, i) => `-rw-r--r-- 1 rigsters rigsters ${1000 + i * 37} Nov 25 16:0${i % 10} la4_sequence_${i}.csv`,
  ).join('\n');
}

function log(lines: number): string {
  return Array.from(
    { length: lines },
    (_, i) => `[${(i * 0.137).toFixed(6)}] boardio: register ${i % 7} set, fifo depth ${i % 13}, ok "${i}"`,
  ).join('\n');
}

/** A named sample event, as a unit would send it. */
export interface Sample {
  readonly name: string;
  readonly event: PycomEvent;
  /** How often it appears in the realistic mix. */
  readonly weight: number;
}

/** Realistic events: short command outputs, boardio hand-over text, listings, logs, messages. */
export const samples: readonly Sample[] = [
  {
    name: 'output: uptime',
    event: output(' 16:05:11 up 3 days,  2:14,  0 users,  load average: 0.08\n'),
    weight: 3,
  },
  {
    name: 'output: boardio hand-over',
    event: output('BOARDIO_CLI: Sent: "uSeq" to FIFO file\nBOARDIO_CLI: Sent: "runSeq" to FIFO file\n'),
    weight: 4,
  },
  { name: 'output: ls (1.5 KB)', event: output(listing(20)), weight: 1 },
  { name: 'output: log (16 KB)', event: output(log(200)), weight: 1 },
  { name: 'message: BOARDIO_READY', event: message('BOARDIO_READY'), weight: 4 },
  { name: 'message: Sequence complete', event: message('Sequence complete'), weight: 3 },
  {
    name: 'message: BOARDIO_ERROR',
    event: message('BOARDIO_ERROR: uSeq: line 3: unknown register "X"'),
    weight: 1,
  },
  { name: 'unit_info', event: unitInfo, weight: 1 },
];
