import type { BoardioResult } from '../../operators';
import { indent, unitColumn } from '../format';
import { type CliIO, writeLine } from '../io';
import type { UnitOutcome } from '../runSequences';

/**
 * Prints, per unit, the output of the upload command, any failure, and the boardio results
 * (BOARDIO_READY, BOARDIO_ERROR, Sequence complete) that unit sent.
 *
 * ## Example
 * ```ts
 * printOutcomes(outcomes, new Map([['127.0.0.2', results]]), io);
 * ```
 * @param outcomes The outcome of each unit.
 * @param boardio The boardio results received, by unit.
 * @param io Output.
 */
export function printOutcomes(
  outcomes: ReadonlyArray<UnitOutcome>,
  boardio: ReadonlyMap<string, ReadonlyArray<BoardioResult>>,
  io: CliIO,
): void {
  for (const outcome of outcomes) {
    const unit = unitColumn(outcome.unit);
    for (const step of outcome.steps) {
      if (step.step === 'uploaded')
        writeLine(io.stdout, `${unit}  output of the upload command:\n${indent(step.output, '    ')}`);
      if (step.step === 'failed')
        writeLine(io.stdout, `${unit}  FAILED at ${step.failedStep}: ${step.message}`);
    }
    for (const result of boardio.get(outcome.unit) ?? [])
      writeLine(io.stdout, `${unit}  ${result.status.padEnd(8)}  ${result.event.message}`);
  }
}
