import { lastValueFrom, toArray } from 'rxjs';
import {
  createCoordinator,
  type Coordinator,
  type CompletionRules,
  type SequenceProgress,
} from '../../src/coordinator';
import { modelLight } from '../../src/sequence/builders';
import { simulateUnit, type BoardioQuirks, type UnitActivity } from '../../src/simulator';
import { OptionError } from '../../src/validation';

// This file's loopback range: 127.94.0.0/16. The coordinator listens and sends from 127.94.0.1.
const COORDINATOR_HOST = '127.94.0.1';
/** Two harmless rows (model light off). */
const SEQ = [modelLight(0), modelLight(0)];

const closing: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  await Promise.all(closing.splice(0).map((c) => c.close()));
});

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
  const unit = simulateUnit({ host, hardwareReadyDelayMs: 0, rowDurationMs: 10, boardioQuirks: { runSeq } });
  closing.push(unit);
  const said: string[] = [];
  unit.events$.subscribe((a: UnitActivity) => {
    if (a.kind === 'boardio-message' && a.to.length > 0) said.push(a.message);
  });
  await unit.ready;
  const coordinator: Coordinator = createCoordinator({
    listen: { host: COORDINATOR_HOST, port: 0 },
    send: { localAddress: COORDINATOR_HOST },
    ...(completion === undefined ? {} : { completion }),
  });
  closing.push(coordinator);
  const progress = await lastValueFrom(
    coordinator.runSequence(host, SEQ, { runTimeoutMs: 1_000 }).pipe(toArray()),
  );
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
