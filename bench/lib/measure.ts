import { median } from './table';

/** How long one timed sample runs, and how many samples are taken (the median is reported). */
export interface MeasureOptions {
  readonly sampleMs: number;
  readonly samples: number;
}

/** Something to time: one pass applies an operation to every input once. */
export interface Contender {
  /** Runs one pass; returns a number to sum, so that the work cannot be elided. */
  readonly pass: () => number;
  /** Operations per pass. */
  readonly opsPerPass: number;
}

/** A {@link Contender} that applies `op` to each of `inputs`. */
export function contender<T>(op: (input: T) => number, inputs: readonly T[]): Contender {
  return {
    pass: () => {
      let sum = 0;
      for (const input of inputs) sum += op(input);
      return sum;
    },
    opsPerPass: inputs.length,
  };
}

/**
 * Operations per second of each contender: a warm-up sample each, then `samples` rounds in
 * which every contender runs one timed sample in turn (so that a noisy neighbour slows them
 * alike); the median of each contender's samples is returned, in order. Every loop is bounded
 * by time and by a cap on operations.
 */
export function opsPerSecond(contenders: readonly Contender[], options: MeasureOptions): number[] {
  let sink = 0;
  const limitNs = BigInt(options.sampleMs) * 1_000_000n;
  const sample = ({ pass, opsPerPass }: Contender): number => {
    const start = process.hrtime.bigint();
    let ops = 0;
    let elapsed = 0n;
    while (elapsed < limitNs && ops < 50_000_000) {
      sink += pass();
      ops += opsPerPass;
      elapsed = process.hrtime.bigint() - start;
    }
    return ops / (Number(elapsed) / 1e9);
  };
  contenders.forEach(sample);
  const rates = contenders.map((): number[] => []);
  for (let round = 0; round < options.samples; round += 1) {
    contenders.forEach((c, i) => rates[i]!.push(sample(c)));
  }
  if (sink === -1) console.log('unreachable');
  return rates.map(median);
}
