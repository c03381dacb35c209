import { tap, toArray } from 'rxjs';
import type { SequenceProgress } from '../coordinator/sequenceProgress';
import { ofType } from '../operators';
import { modelLight } from '../sequence/builders';
import { checked, type Probe, runOn, settle, why } from './probe';
import type { DoctorCheck } from './types';

/** Where the unit's own sequence file waits while the doctor's runs (in the unit's home). */
const BACKUP = '"$HOME"/.la4_sequence.csv.pycom-rx-doctor';
const FILE = '"$HOME"/la4_sequence.csv';

/**
 * `sequence` (`withSequence`): uploads and runs `MODEL_LIGHT,0` (the model light off) with
 * `runSequence`, and records every boardio message from the upload to the end, in order, with its
 * time from the upload. The unit's `~/la4_sequence.csv` is kept aside first and put back after
 * (removed when there was none).
 * @internal
 * @param probe The unit.
 * @param runTimeoutMs Time allowed from `runSeq` to `Sequence complete`.
 */
export async function checkSequence(probe: Probe, runTimeoutMs: number): Promise<DoctorCheck> {
  const kept = await runOn(
    probe,
    `if [ -e ${FILE} ]; then cp -p ${FILE} ${BACKUP} && echo kept; else rm -f ${BACKUP}; fi`,
  );
  if (kept.output === undefined || kept.output.exitCode !== 0)
    return checked(
      'sequence',
      'fail',
      `could not keep ~/la4_sequence.csv aside: ${kept.output?.output ?? why(kept.error)}`,
    );
  const started = probe.scheduler.now();
  const messages: Array<{ ms: number; message: string }> = [];
  const watch = probe.coordinator
    .eventsFrom(probe.target)
    .pipe(ofType('message'))
    .subscribe((m) => messages.push({ ms: probe.scheduler.now() - started, message: m.message }));
  const steps: string[] = [];
  const { value: progress, error } = await settle(
    probe.coordinator
      .runSequence(probe.target, [modelLight(0)], { stepTimeoutMs: probe.timeoutMs, runTimeoutMs })
      .pipe(
        tap((p: SequenceProgress) => steps.push(p.step)),
        toArray(),
      ),
  );
  watch.unsubscribe();
  const restored = await runOn(
    probe,
    `if [ -e ${BACKUP} ]; then mv -f ${BACKUP} ${FILE}; else rm -f ${FILE}; fi`,
  );
  const last = progress?.[progress.length - 1];
  const heard =
    messages.length === 0 ? 'no messages' : messages.map((m) => JSON.stringify(m.message)).join(', ');
  const data = { messages, steps, restored: restored.output?.exitCode === 0 };
  const note = data.restored ? '' : '; ~/la4_sequence.csv could NOT be put back';
  if (last?.step === 'completed')
    return checked(
      'sequence',
      note === '' ? 'pass' : 'warn',
      `completed; boardio said: ${heard}${note}`,
      data,
    );
  const failure =
    last?.step === 'failed'
      ? `failed at ${last.failedStep} (${last.reason}): ${last.message}`
      : why(error ?? undefined);
  return checked('sequence', 'fail', `${failure}; boardio said: ${heard}${note}`, data);
}
