import { lastValueFrom, toArray } from 'rxjs';
import type { CompletionRules, SequenceProgress } from '../../src/coordinator';
import { modelLight } from '../../src/sequence/builders';
import { simulateUnit, type BoardioQuirks } from '../../src/simulator';
import { OptionError } from '../../src/validation';
import { closedAfterEach } from '../helpers/units';

// This file's loopback range: 127.94.0.0/16. The coordinator listens and sends from 127.94.0.1.
const COORDINATOR_HOST = '127.94.0.1';
/** Two harmless rows (model light off). */
const SEQ = [modelLight(0), modelLight(0)];

// closed after each test; commands wait the coordinator's own default
const { coordinatorAt, unitAt } = closedAfterEach(COORDINATOR_HOST, { commandTimeoutMs: undefined });

const shown = (p: SequenceProgress): string =>
  p.step === 'failed'
    ? `failed ${p.failedStep} ${p.reason}`
    : p.step === 'message'
      ? `message ${p.message}`
      : p.step === 'completed' && p.by !== undefined
        ? `completed by ${p.by}`
        : p.step;

/**
 * Runs SEQ on a simulated unit with the given quirk, through a coordinator with the given rules,
 * over real sockets: what runSequence reported, and what the unit said to the coordinator (its
 * own record), once runSequence ended.
 */
async function run(host: string, runSeq: BoardioQuirks['runSeq'], completion?: Partial<CompletionRules>) {
  const at = unitAt(host, { boardioQuirks: { runSeq } });
  await at.unit.ready;
  const coordinator = coordinatorAt(completion === undefined ? {} : { completion });
  const progress = await lastValueFrom(
    coordinator.runSequence(host, SEQ, { runTimeoutMs: 1_000 }).pipe(toArray()),
  );
  const said = at.all.flatMap((a) => (a.kind === 'boardio-message' && a.to.length > 0 ? [a.message] : []));
  return { steps: progress.map(shown), said };
}

describe('simulated unit: boardioQuirks.runSeq, and what runSequence makes of each', () => {
  it("'vendor' (the default): BOARDIO_READY to the load, Sequence complete at the end", async () => {
    const { steps, said } = await run('127.94.1.1', 'vendor');
    expect(said).toEqual(['BOARDIO_READY', 'Sequence complete']);
    expect(steps).toEqual(['uploaded', 'loaded', 'started', 'completed']);
  });

  it("'ready-only': BOARDIO_READY to runSeq too, then nothing; reported as a message, then no-completion-message", async () => {
    const { steps, said } = await run('127.94.1.2', 'ready-only');
    expect(said).toEqual(['BOARDIO_READY', 'BOARDIO_READY']);
    expect(steps).toEqual([
      'uploaded',
      'loaded',
      'started',
      'message BOARDIO_READY',
      'failed run no-completion-message',
    ]);
  });

  it("'ready-only' with rules for it: started on the READY, completed by quiet", async () => {
    const rules: Partial<CompletionRules> = { startedOn: ['ready'], completedBy: 'quiet', quietMs: 200 };
    const { steps } = await run('127.94.1.3', 'ready-only', rules);
    expect(steps).toEqual(['uploaded', 'loaded', 'started', 'completed by quiet']);
  });

  it("'per-row': one BOARDIO_ROW n/N per row, then Sequence complete; the rows are messages", async () => {
    const { steps, said } = await run('127.94.1.4', 'per-row');
    expect(said).toEqual(['BOARDIO_READY', 'BOARDIO_ROW 1/2', 'BOARDIO_ROW 2/2', 'Sequence complete']);
    expect(steps).toEqual([
      'uploaded',
      'loaded',
      'started',
      'message BOARDIO_ROW 1/2',
      'message BOARDIO_ROW 2/2',
      'completed',
    ]);
  });

  it("'no-completion': nothing after runSeq; no-completion-message, or completed by quiet when told", async () => {
    const silent = await run('127.94.1.5', 'no-completion');
    expect(silent.said).toEqual(['BOARDIO_READY']);
    expect(silent.steps.at(-1)).toBe('failed run no-completion-message');
    const quiet = await run('127.94.1.6', 'no-completion', { completedBy: 'quiet', quietMs: 200 });
    expect(quiet.steps).toEqual(['uploaded', 'loaded', 'started', 'completed by quiet']);
  });

  it('refuses an unknown quirk when the unit is created', () => {
    expect(() =>
      simulateUnit({ host: '127.94.1.7', boardioQuirks: { runSeq: 'never' as 'vendor' } }),
    ).toThrow(OptionError);
  });
});
