/**
 * Where a fact pycom-rx relies on comes from:
 * - `'vendor'`: the vendor's integration documentation says it;
 * - `'assumed'`: the documentation is silent, and pycom-rx made a choice (or inferred it from an
 *   example);
 * - `'truncated page'`: our copy of the vendor's page is cut off where it would say it.
 *
 * ## Example
 * ```ts
 * const source: AssumptionSource = 'truncated page';
 * ```
 * @category Protocol
 */
export type AssumptionSource = 'vendor' | 'assumed' | 'truncated page';

/**
 * One thing pycom-rx assumes about a real unit: what it says, where that comes from, and which
 * check of `pycom-rx doctor` verifies it on a unit.
 *
 * ## Example
 * ```ts
 * const a: Assumption = {
 *   id: 'output.not-trimmed',
 *   says: 'pycom sends an output as the command wrote it, not trimmed',
 *   source: 'assumed',
 *   where: 'assumed',
 *   check: 'trailer',
 * };
 * ```
 * @category Protocol
 */
export interface Assumption {
  /** A stable id, `<area>.<name>`, e.g. `'heartbeat.offline-after-15s'`. */
  readonly id: string;
  /** What pycom-rx takes for true, in one sentence. */
  readonly says: string;
  /** Whether the vendor documents it, pycom-rx assumes it, or the vendor page is cut off there. */
  readonly source: AssumptionSource;
  /**
   * Where the vendor documentation says it (the page's section and the line, as
   * docs/protocol.md restates it), or `'assumed'`.
   */
  readonly where: string;
  /** The id of the doctor check that verifies it on a unit; absent when the doctor cannot. */
  readonly check?: string;
}

/** A fact the vendor documents, at `where`. */
function vendor(id: string, says: string, where: string, check?: string): Assumption {
  return { id, says, source: 'vendor', where, ...(check === undefined ? {} : { check }) };
}

/** A choice of pycom-rx where the vendor is silent. */
function assumed(id: string, says: string, check?: string): Assumption {
  return { id, says, source: 'assumed', where: 'assumed', ...(check === undefined ? {} : { check }) };
}

/**
 * Every assumption pycom-rx makes about a real unit, in the order of docs/protocol.md's section
 * "What pycom-rx assumes about a unit, and how to check it", which prints this table. Run
 * `pycom-rx doctor <unit>` to check those with a `check` against a unit before trusting the
 * library with it.
 *
 * ## Example
 * ```ts
 * for (const a of ASSUMPTIONS.filter((a) => a.source !== 'vendor'))
 *   console.log(`${a.id}: ${a.says} (${a.check ?? 'no check'})`);
 * ```
 * @category Protocol
 */
export const ASSUMPTIONS: ReadonlyArray<Assumption> = [
  vendor(
    'transport.port-5000',
    'pycom accepts TCP connections on port 5000 of the unit',
    'Transport: "pycom accepts TCP connections on port 5000"',
    'heartbeat',
  ),
  vendor(
    'transport.one-request-per-connection',
    'a request is one UTF-8 JSON object on a fresh connection; pycom closes it once it has the request and never answers on it',
    'Transport: "A request is one JSON object, UTF-8, written on a fresh connection"',
    'heartbeat',
  ),
  assumed(
    'transport.half-close',
    'pycom reads a request until the sender half-closes, so a request is sent as connect, write, end',
    'heartbeat',
  ),
  vendor(
    'transport.events-on-new-connections',
    'every event comes on a new connection from the unit to the source IP of the request, at the port named in its payload: one JSON object, then close',
    'Transport: "a new, short-lived connection that pycom opens to the coordinator"',
    'trailer',
  ),
  vendor(
    'transport.no-request-id',
    'nothing in an event names the request that caused it',
    'Events: "Nothing in an event names the request that caused it"',
  ),
  assumed(
    'transport.request-size',
    'pycom takes a request as large as an upload command of up to 128 KiB (the largest pycom accepts is not documented)',
  ),
  vendor(
    'heartbeat.accepted',
    'a heartbeat is the six identity fields and no `type_`; pycom takes it and closes the connection',
    'Requests: "Heartbeat = the identity fields alone, no type_"',
    'heartbeat',
  ),
  vendor(
    'heartbeat.every-5s',
    'a heartbeat every 5 s keeps the unit from forgetting its coordinator',
    'Requests: "Send one every 5 s"',
    'heartbeat-needed',
  ),
  vendor(
    'heartbeat.offline-after-15s',
    'after 15 s without a heartbeat the unit treats the coordinator as offline and rescans its subnet',
    'Requests: "If pycom hears no heartbeat for 15 s it considers the coordinator offline"',
    'heartbeat-needed',
  ),
  assumed(
    'heartbeat.before-command',
    'a unit takes requests in the order they arrive, so a heartbeat sent before a command re-introduces the coordinator before the command runs',
    'heartbeat-needed',
  ),
  assumed(
    'discovery.coordinator-false',
    'a probe heartbeat with `coordinator: false` is taken and closed like any request, and makes the unit adopt no coordinator',
  ),
  vendor(
    'discovery.static-ip',
    'on a point-to-point cable the unit falls back to the static IP 192.168.0.23',
    'Network: "the unit falls back to the static IP 192.168.0.23"',
  ),
  vendor(
    'unit-info.once-per-coordinator',
    '`unit_info` comes once per coordinator, when it has sent `coordinator: true` and the hardware is ready, whichever comes last',
    'Events: unit_info, "sent once to a coordinator, when both hold"',
    'unit-info',
  ),
  assumed(
    'unit-info.same-coordinator',
    'a coordinator is "the same" when its `id` is: a coordinator with a fresh id gets `unit_info` again (what `unitInfo(unit, { refresh: true })` relies on)',
    'unit-info',
  ),
  vendor(
    'unit-info.fields',
    '`unit_info` carries wiringpi_version, boardio_version, firmware_version, unit_type, mcu_type and mac_address, all strings',
    'Events: unit_info, extra fields',
    'unit-info',
  ),
  vendor(
    'output.stdout-or-stderr',
    "an `output` is the command's stdout, or its stderr if it failed, and carries no exit code",
    'Events: output, "its stdout, or its stderr if it failed (no exit code is sent)"',
    'stderr-merged',
  ),
  assumed(
    'output.exit-status',
    "a tagged command's trailer reports the shell's exit status of the command (`$?`)",
    'exit-status',
  ),
  assumed(
    'output.not-trimmed',
    "pycom sends an output as the command wrote it: not trimmed, so the trailer's closing mark and final newline survive",
    'trailer',
  ),
  assumed('output.line-ends', 'pycom does not convert line ends in an output (`\\n` stays `\\n`)', 'trailer'),
  assumed(
    'output.no-size-cap',
    'pycom sends an output whole, whatever its size (64 KiB checked)',
    'large-output',
  ),
  assumed(
    'output.once-command-exits',
    'pycom sends one output per command, once the command has exited; what a background job it started prints later is not part of it',
  ),
  assumed(
    'output.latency',
    "a command's output comes back well within the library's timeouts (10 s a command)",
    'latency',
  ),
  assumed(
    'shell.sh',
    'pycom runs `command` with a POSIX `/bin/sh` (dash), where `printf` writes bytes as given and `echo` is not relied on',
  ),
  assumed(
    'shell.argument-size',
    'a command of up to 128 KiB runs (Linux refuses one `sh -c` argument of 128 KiB or more)',
  ),
  assumed(
    'unit.clock',
    "nothing in the library depends on the unit's clock: every time is the coordinator's",
    'clock',
  ),
  vendor(
    'boardio.cli-on-path',
    '`boardiocli` is on the PATH of the commands pycom runs',
    'Sequences: "then boardiocli uSeq loads it into the firmware"',
    'boardiocli',
  ),
  vendor(
    'boardio.cli-output',
    '`boardiocli <verb>` prints `BOARDIO_CLI: Sent: "<verb>" to FIFO file` and exits 0 once the verb is handed to boardio',
    `Sequences: the example output 'BOARDIO_CLI: Sent: "uSeq" to FIFO file'`,
    'boardiocli',
  ),
  assumed(
    'boardio.ready-means-loaded',
    'the first `BOARDIO_READY` message after an upload means boardio loaded that file; `BOARDIO_ERROR` means it refused it',
    'sequence',
  ),
  assumed(
    'boardio.complete-message',
    'a started sequence ends with the message `Sequence complete`, within 60 s',
    'sequence',
  ),
  assumed(
    'boardio.keeps-previous-program',
    'a unit may keep its previous program loaded when it refuses a file, so `runSeq` is sent only after `BOARDIO_READY`',
  ),
  assumed('boardio.no-stop-verb', 'no verb stops a running sequence: once started, it plays to its end'),
  vendor(
    'sequence.csv',
    'a sequence file is CSV, one `REGISTER,param,param...` row per line of integers, no header',
    'Sequences: "one command per row: REGISTER,param,param..., no header"',
    'sequence',
  ),
  vendor(
    'sequence.paths',
    '`boardiocli uSeq` loads `~/la4_sequence.csv`, `uSeqStandalone` loads `/home/rigsters/la4_sequence_standalone.csv`',
    'Sequences: "Normal file: ~/la4_sequence.csv"; Standalone mode',
    'sequence',
  ),
  vendor(
    'sequence.standalone-fans-off',
    'the fans are off at boot: a standalone sequence that needs them starts with `LED_FAN,1`',
    'Sequences: "Fans are not on at boot: LED_FAN,1 must be the first row"',
  ),
  vendor(
    'registers.ranges',
    'MODEL_LIGHT, ALL_4_NIKON, ALL_4_CANON, OLAT_4_NIKON and OLAT_4_CANON take power 0..100; ALL_4_CANON a shutter 0..109 ms; the OLAT registers a drive mode 0 / 1',
    'Sequences: "Registers known" table',
  ),
  {
    id: 'registers.olat-4-canon-parameters',
    says: 'OLAT_4_CANON takes power and drive mode; whether it takes further parameters is unknown (pycom-rx writes these two)',
    source: 'truncated page',
    where: 'Sequences: "Registers known" table, row OLAT_4_CANON (our copy of the page is cut off inside it)',
  },
  assumed('registers.led-fan-off', '`LED_FAN,0` turns the fans off (only 1 = on is documented)'),
  assumed(
    'registers.polarizer-meaning',
    '`DIGITAL_POLARIZER,0` is polarizer off and `1` on (the values 0 / 1 are documented, not their meaning)',
  ),
  assumed(
    'registers.out-of-range',
    'what a unit does with an out-of-range value is unknown, so pycom-rx never sends one',
  ),
  assumed(
    'presets.defaults',
    "the presets' power 100, shutter 100 ms and fans turned on first are pycom-rx's own defaults, not the vendor's",
  ),
];
