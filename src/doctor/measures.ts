import { checked, type Probe, runOn, why } from './probe';
import { cutAt, tail, trailerHead } from './rawOutput';
import { DOCTOR_DEFAULTS, type DoctorCheck } from './types';

/** 1024 lines of 64 bytes (63 digits and a newline): 64 KiB, with builtins only. */
const LARGE_COMMAND = `i=0; while [ $i -lt 1024 ]; do printf '%063d\\n' $i; i=$((i+1)); done`;

/** What {@link LARGE_COMMAND} prints. */
function largeText(): string {
  let text = '';
  for (let i = 0; i < 1024; i += 1) text += `${String(i).padStart(63, '0')}\n`;
  return text;
}

/**
 * `large-output`: a 64 KiB output must come back whole; when it was cut, the check says at how
 * many bytes (pycom's cap, to give the coordinator as `outputCapBytes`).
 * @internal
 * @param probe The unit.
 */
export async function checkLargeOutput(probe: Probe): Promise<DoctorCheck> {
  const expectedBytes = DOCTOR_DEFAULTS.largeOutputBytes;
  const ran = await runOn(probe, LARGE_COMMAND, true, (raw) => trailerHead(raw) === undefined);
  const raw = ran.raw[ran.raw.length - 1];
  if (raw === undefined)
    return checked('large-output', 'fail', `no output came back: ${why(ran.error)}`, { expectedBytes });
  const head = trailerHead(raw);
  const body = (head === undefined ? raw : raw.slice(0, head.at)).replace(/\r\n/g, '\n');
  const receivedBytes = Buffer.byteLength(raw, 'utf8');
  if (head !== undefined && body === largeText() && ran.output !== undefined)
    return checked('large-output', 'pass', `${expectedBytes} bytes came back whole`, {
      expectedBytes,
      receivedBytes,
    });
  const expected = `${largeText()}\x1epycom-rx ${'0'.repeat(32)} 0\x1e`;
  const cut = head === undefined ? (cutAt(raw, expected) ?? receivedBytes) : undefined;
  if (cut !== undefined)
    return checked(
      'large-output',
      'fail',
      `cut at ${cut} bytes of ${expectedBytes}, the trailer lost: pycom caps an output at ${cut} bytes ` +
        `(give the coordinator outputCapBytes: ${cut}); the library said: ${why(ran.error)}`,
      { expectedBytes, receivedBytes, capBytes: cut },
    );
  return checked(
    'large-output',
    'fail',
    `came back as ${receivedBytes} bytes, not the ${expectedBytes} printed: ${tail(raw)}` +
      (ran.error === undefined ? '' : `; the library said: ${why(ran.error)}`),
    { expectedBytes, receivedBytes },
  );
}

/**
 * `latency`: the round trip of `samples` tagged `true` commands, one after the other: min, median, max.
 * @internal
 * @param probe The unit.
 * @param samples How many.
 */
export async function checkLatency(probe: Probe, samples: number): Promise<DoctorCheck> {
  const times: number[] = [];
  for (let i = 0; i < samples; i += 1) {
    const ran = await runOn(probe, 'true');
    if (ran.output === undefined)
      return checked('latency', 'fail', `command ${i + 1} of ${samples}: ${why(ran.error)}`, { ms: times });
    times.push(ran.ms);
  }
  const sorted = [...times].sort((a, b) => a - b);
  const minMs = sorted[0]!;
  const maxMs = sorted[sorted.length - 1]!;
  const medianMs = sorted[Math.floor(sorted.length / 2)]!;
  return checked(
    'latency',
    'pass',
    `${samples} commands: min ${minMs} ms, median ${medianMs} ms, max ${maxMs} ms`,
    {
      minMs,
      medianMs,
      maxMs,
      ms: times,
    },
  );
}

/**
 * `boardiocli`: `command -v boardiocli` must find it on the PATH of the unit's commands.
 * @internal
 * @param probe The unit.
 */
export async function checkBoardiocli(probe: Probe): Promise<DoctorCheck> {
  const ran = await runOn(probe, 'command -v boardiocli');
  if (ran.output === undefined) return checked('boardiocli', 'fail', `no output: ${why(ran.error)}`);
  const path = ran.output.output.trim();
  if (ran.output.exitCode === 0 && path !== '')
    return checked('boardiocli', 'pass', `found at ${path}`, { path });
  return checked(
    'boardiocli',
    'fail',
    `not on the PATH of pycom's commands (command -v exited ${ran.output.exitCode ?? '?'})`,
    { exitCode: ran.output.exitCode ?? null, output: ran.output.output },
  );
}

/**
 * `clock`: the unit's `date +%s.%N` against this machine's clock at the middle of the round trip.
 * Nothing in the library depends on it: `warn` from 1 s apart, or when the date cannot be read.
 * @internal
 * @param probe The unit.
 */
export async function checkClock(probe: Probe): Promise<DoctorCheck> {
  const sent = probe.scheduler.now();
  const ran = await runOn(probe, 'date +%s.%N');
  const received = probe.scheduler.now();
  const text = ran.output?.output.trim() ?? '';
  const match = /^(\d+)(?:\.(\d+))?/.exec(text);
  if (ran.output === undefined || match === null)
    return checked(
      'clock',
      'warn',
      `could not read the unit's date: ${ran.output === undefined ? why(ran.error) : JSON.stringify(text)}`,
    );
  const unitMs = Number(match[1]) * 1000 + (match[2] === undefined ? 0 : Number(`0.${match[2]}`) * 1000);
  const oursMs = (sent + received) / 2;
  const offsetMs = Math.round(unitMs - oursMs);
  const uncertaintyMs = Math.round((received - sent) / 2) + (match[2] === undefined ? 1000 : 0);
  const data = { offsetMs, uncertaintyMs, unitDate: text };
  const saw = `the unit is ${Math.abs(offsetMs)} ms ${offsetMs >= 0 ? 'ahead of' : 'behind'} this machine (±${uncertaintyMs} ms)`;
  return checked('clock', Math.abs(offsetMs) >= 1000 ? 'warn' : 'pass', saw, data);
}
