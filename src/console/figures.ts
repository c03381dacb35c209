import type { CommandUnitResult, Job, JobFigures, SequenceUnitProgress, ShootUnitProgress } from './types';

/**
 * No job run yet.
 *
 * ## Example
 * ```ts
 * const figures = addFigures(NO_FIGURES, figuresOf(job));
 * ```
 */
export const NO_FIGURES: JobFigures = {
  commands: { ok: 0, failed: 0, running: 0 },
  sequences: { completed: 0, failed: 0, running: 0 },
};

/** What a command row shows: `ok` only for exit status 0 (an exit badge that is not red). */
const commandOutcome = (r: CommandUnitResult): keyof JobFigures['commands'] =>
  r.status === 'running' ? 'running' : r.status === 'done' && r.exitCode === 0 ? 'ok' : 'failed';

/** What a sequence row shows: its `data-status` on the page, `completed`, `failed` or running. */
const sequenceOutcome = (p: SequenceUnitProgress): keyof JobFigures['sequences'] =>
  p.failed !== undefined ? 'failed' : p.steps.includes('completed') ? 'completed' : 'running';

/** What a unit of a shot counts as: `completed`, `failed` (also when not fired), or running. */
const shootOutcome = (p: ShootUnitProgress): keyof JobFigures['sequences'] =>
  p.state === 'completed'
    ? 'completed'
    : p.state === 'failed' || p.state === 'not-fired'
      ? 'failed'
      : 'running';

/**
 * The outcomes of one job, one per unit, as its rows show them.
 *
 * ## Example
 * ```ts
 * figuresOf(job).commands.failed; // units whose command exited non-zero or failed
 * ```
 * @param job The job.
 */
export function figuresOf(job: Job): JobFigures {
  const commands = { ...NO_FIGURES.commands };
  const sequences = { ...NO_FIGURES.sequences };
  if (job.kind === 'command') for (const r of Object.values(job.units)) commands[commandOutcome(r)] += 1;
  else if (job.kind === 'shoot') for (const p of Object.values(job.units)) sequences[shootOutcome(p)] += 1;
  else for (const p of Object.values(job.units)) sequences[sequenceOutcome(p)] += 1;
  return { commands, sequences };
}

/**
 * The sum (`sign` 1) or difference (`sign` -1) of two sets of figures.
 *
 * ## Example
 * ```ts
 * const total = [...jobs].map(figuresOf).reduce((a, b) => addFigures(a, b), NO_FIGURES);
 * ```
 * @param a The figures so far.
 * @param b The figures to add or take away.
 * @param sign 1 adds, -1 takes away.
 */
export function addFigures(a: JobFigures, b: JobFigures, sign: 1 | -1 = 1): JobFigures {
  return {
    commands: {
      ok: a.commands.ok + sign * b.commands.ok,
      failed: a.commands.failed + sign * b.commands.failed,
      running: a.commands.running + sign * b.commands.running,
    },
    sequences: {
      completed: a.sequences.completed + sign * b.sequences.completed,
      failed: a.sequences.failed + sign * b.sequences.failed,
      running: a.sequences.running + sign * b.sequences.running,
    },
  };
}
