import { filter, take, timeout } from 'rxjs';
import { checked, type Probe, runOn, settle, why } from './probe';
import { changesOf, describeChanges, tail, trailerHead } from './rawOutput';
import type { DoctorCheck } from './types';

/**
 * `heartbeat`: heartbeats the unit until it is `connected` (pass) or `lost` (fail), within the
 * probe's timeout.
 * @internal
 * @param probe The unit.
 */
export async function checkHeartbeat(probe: Probe): Promise<DoctorCheck> {
  const started = probe.scheduler.now();
  const { value, error } = await settle(
    probe.coordinator.connect(probe.target).pipe(
      filter((p) => p.state !== 'pending'),
      take(1),
      timeout({ first: probe.timeoutMs, scheduler: probe.scheduler }),
    ),
  );
  const ms = probe.scheduler.now() - started;
  if (value?.state === 'connected')
    return checked('heartbeat', 'pass', `took a heartbeat in ${ms} ms`, { ms, id: value.id });
  if (value !== undefined)
    return checked('heartbeat', 'fail', `lost: ${value.message ?? 'no answer'}`, { message: value.message });
  const message = error?.name === 'TimeoutError' ? `no answer within ${probe.timeoutMs} ms` : why(error);
  return checked('heartbeat', 'fail', message);
}

/**
 * `unit-info`: waits for the unit's `unit_info` (the doctor's coordinator id is new to the unit).
 * @internal
 * @param probe The unit.
 * @param timeoutMs How long to wait.
 */
export async function checkUnitInfo(probe: Probe, timeoutMs: number): Promise<DoctorCheck> {
  const { value, error } = await settle(probe.coordinator.unitInfo(probe.target, { timeoutMs }));
  if (value === undefined)
    return checked(
      'unit-info',
      'fail',
      `none within ${timeoutMs} ms (${why(error)}); a unit whose boardio has not started sends none, ` +
        'nor one that already sent it to a coordinator with this id',
    );
  const { wiringpi_version, boardio_version, firmware_version, unit_type, mcu_type, mac_address } = value;
  const info = { wiringpi_version, boardio_version, firmware_version, unit_type, mcu_type, mac_address };
  return checked(
    'unit-info',
    'pass',
    `${unit_type} ${mcu_type}, firmware ${firmware_version}, boardio ${boardio_version}, mac ${mac_address}`,
    info,
  );
}

/** What the `trailer` check prints: leading spaces and a final newline, so trimming shows. */
const ECHO_TEXT = '  pycom-rx doctor\n';

/**
 * `trailer`: runs a tagged `printf` with leading spaces and a final newline, and compares what
 * came (trailer on) with what a faithful pycom sends: identical (pass); changed in ways the
 * library recognises (warn, naming them); or not recognised by the library (fail).
 * @internal
 * @param probe The unit.
 */
export async function checkTrailer(probe: Probe): Promise<DoctorCheck> {
  const ran = await runOn(probe, `printf '  pycom-rx doctor\\n'`);
  const raw = ran.raw[ran.raw.length - 1];
  if (raw === undefined) return checked('trailer', 'fail', `no output came back: ${why(ran.error)}`);
  const head = trailerHead(raw);
  const data = { raw, ...(ran.error === undefined ? {} : { error: ran.error.message }) };
  if (head === undefined)
    return checked('trailer', 'fail', `the output came back without its trailer: ${tail(raw)}`, data);
  const expected = `${ECHO_TEXT}\x1epycom-rx ${head.nonce} ${head.exitCode}\x1e`;
  const changes = changesOf(raw, expected);
  const recognised = ran.output !== undefined;
  const changed =
    changes === undefined
      ? `pycom changed the output in a way the doctor does not know: ${tail(raw)}`
      : `pycom ${describeChanges(changes)}: ${tail(raw)}`;
  if (!recognised)
    return checked('trailer', 'fail', `${changed}; the library did not match it: ${why(ran.error)}`, data);
  if (changes !== undefined && changes.length === 0)
    return checked('trailer', 'pass', 'came back byte for byte, trailer intact', { ...data, changes });
  return checked('trailer', 'warn', `${changed} (the library copes)`, { ...data, changes: changes ?? null });
}

/**
 * `exit-status` and `stderr-merged`: `echo out; echo err >&2; exit 3` tagged (exit status 3, both
 * lines, in order) and untagged (the vendor says pycom then sends stderr alone: `err`).
 * @internal
 * @param probe The unit.
 */
export async function checkExitAndStderr(probe: Probe): Promise<[DoctorCheck, DoctorCheck]> {
  const command = 'echo out; echo err >&2; exit 3';
  const tagged = await runOn(probe, command);
  const untagged = await runOn(probe, command, false);
  const text = (s: string | undefined) => (s ?? '').replace(/\r\n/g, '\n').trim();
  const exit: DoctorCheck =
    tagged.output === undefined
      ? checked('exit-status', 'fail', `no output: ${why(tagged.error)}`)
      : tagged.output.exitCode === 3
        ? checked('exit-status', 'pass', 'exit 3 came back as 3', { exitCode: 3 })
        : checked('exit-status', 'fail', `exit 3 came back as ${tagged.output.exitCode ?? 'nothing'}`, {
            exitCode: tagged.output.exitCode ?? null,
          });
  const plain = untagged.output?.output;
  const pycomSays =
    plain === undefined
      ? `untagged: no output (${why(untagged.error)})`
      : `untagged (pycom's own): ${JSON.stringify(plain)}${text(plain) === 'err' ? ', stderr alone as the vendor says' : ', not stderr alone as the vendor says'}`;
  const data = { tagged: tagged.output?.output ?? null, untagged: plain ?? null };
  if (tagged.output === undefined)
    return [exit, checked('stderr-merged', 'fail', `no output: ${why(tagged.error)}`, data)];
  if (text(tagged.output.output) !== 'out\nerr')
    return [
      exit,
      checked(
        'stderr-merged',
        'fail',
        `tagged: ${JSON.stringify(tagged.output.output)}, not "out\\nerr\\n"; ${pycomSays}`,
        data,
      ),
    ];
  const status = plain !== undefined && text(plain) === 'err' ? 'pass' : 'warn';
  return [exit, checked('stderr-merged', status, `tagged: "out\\nerr\\n"; ${pycomSays}`, data)];
}
