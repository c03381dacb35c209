import { appendFileSync, readFileSync } from 'node:fs';

/**
 * One headline figure of a benchmark, set against its target (issues 14 and 26). Benchmarks print their
 * own tables; `bench/run.ts` gathers these lines into one summary at the end.
 */
export interface Figure {
  /** What it is, e.g. `round trip p50, coordinator / hand-written`. */
  readonly figure: string;
  /** The measured value, as a number (NaN when not measured). */
  readonly value: number;
  /** How to print the value, e.g. `1.12x`, `27.1 KiB`. */
  readonly shown: string;
  /** The target as text, e.g. `<= 1.10x`. */
  readonly target: string;
  /** Whether the target is met (`undefined` when there is none or nothing was measured). */
  readonly met: boolean | undefined;
}

/** The environment variable naming the file figures are appended to (set by bench/run.ts). */
export const SUMMARY_ENV = 'BENCH_SUMMARY_FILE';

/** Builds a {@link Figure} whose target is an upper (`<=` / `<`) or lower (`>=`) bound. */
export function figure(
  name: string,
  value: number,
  shown: string,
  bound?: { readonly op: '<=' | '<' | '>='; readonly limit: number; readonly text: string },
): Figure {
  const measured = Number.isFinite(value);
  const met =
    bound === undefined || !measured
      ? undefined
      : bound.op === '<='
        ? value <= bound.limit
        : bound.op === '<'
          ? value < bound.limit
          : value >= bound.limit;
  return { figure: name, value, shown: measured ? shown : '-', target: bound?.text ?? '', met };
}

/** Appends figures to the summary file when bench/run.ts asked for one; otherwise does nothing. */
export function reportFigures(figures: readonly Figure[]): void {
  const file = process.env[SUMMARY_ENV];
  if (file === undefined || file === '') return;
  appendFileSync(file, figures.map((f) => `${JSON.stringify(f)}\n`).join(''));
}

/** Reads the figures appended to `file` (missing file: none). */
export function readFigures(file: string): Figure[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return [];
  }
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as Figure);
}
