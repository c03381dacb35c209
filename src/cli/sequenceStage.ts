import type { SequenceProgress } from '../coordinator/runSequence';

function where(last: SequenceProgress | undefined, run: boolean): string {
  switch (last?.step) {
    case undefined:
      return 'uploading';
    case 'uploaded':
    case 'message':
      return 'loading';
    case 'loaded':
      return run ? 'starting' : 'loaded';
    case 'started':
      return 'playing';
    case 'completed':
      return 'completed';
    case 'failed':
      return 'failed';
  }
}

/**
 * What `run` is doing, for the line printed when it is interrupted: where each unit is, and
 * what becomes of a sequence already playing: it keeps playing on its unit (pycom has no stop
 * verb) and its end is no longer awaited.
 *
 * ## Example
 * ```ts
 * sequenceStage(['127.0.0.2'], [[{ unit: '127.0.0.2', step: 'started', output: '' }]], true);
 * // 'running the sequence on 127.0.0.2 (playing); a sequence already started keeps playing on its unit ...'
 * ```
 * @param names The units as shown.
 * @param steps The progress items of each unit so far.
 * @param run Whether the sequence is started after loading.
 */
export function sequenceStage(
  names: ReadonlyArray<string>,
  steps: ReadonlyArray<ReadonlyArray<SequenceProgress>>,
  run: boolean,
): string {
  const states = names.map((name, i) => {
    const own = (steps[i] ?? []).filter((p) => p.step !== 'message');
    return { name, state: where(own[own.length - 1], run) };
  });
  let list: string;
  if (states.length <= 4) list = states.map((s) => `${s.name} (${s.state})`).join(', ');
  else {
    const counts = new Map<string, number>();
    for (const s of states) counts.set(s.state, (counts.get(s.state) ?? 0) + 1);
    list = `${states.length} units (${[...counts].map(([state, n]) => `${n} ${state}`).join(', ')})`;
  }
  const playing = states.some((s) => s.state === 'playing' || s.state === 'starting');
  return (
    `running the sequence on ${list}` +
    (playing
      ? '; a sequence already started keeps playing on its unit (pycom has no stop verb) and its end is not awaited'
      : '')
  );
}
