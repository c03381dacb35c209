import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { filter, lastValueFrom, map, merge, type Observable, toArray } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import {
  createCoordinator,
  runSequence,
  type Coordinator,
  type SequenceProgress,
  type SequenceRunner,
} from '../../src/coordinator';
import { untagCommand } from '../../src/protocol/tagged';
import { closedAfterEach } from '../helpers/units';
import { all4Canon, ledFan, modelLight } from '../../src/sequence/builders';
import { render } from '../../src/sequence/csv';
import { preset } from '../../src/sequence/presets';
import { simulateUnits } from '../../src/simulator';
import { memoryNetwork, memoryTransport, memoryUnit } from '../../src/testing';

// This file's loopback range: 127.42.0.0/22 and 127.42.9.0/24 (spec/helpers/addresses.ts).
// Coordinators listen and send from 127.42.0.1.
const COORDINATOR_HOST = '127.42.0.1';

const { coordinatorAt, unitAt, units } = closedAfterEach(COORDINATOR_HOST);

/**
 * The unit's boot-time report on its (absent) standalone file: a unit whose hardware is ready at
 * once reports it to the coordinator that first heartbeats it, which may be while the sequence's
 * upload goes (runSequence passes it on as a `message`, as documented), so when it comes is a race.
 */
const isBootReport = (p: SequenceProgress) => p.step === 'message' && /standalone/i.test(p.message);
/** Every progress item of a run, without the unit's boot-time report (see `isBootReport`). */
const progressOf = (progress$: Observable<SequenceProgress>) =>
  lastValueFrom(
    progress$.pipe(
      filter((p) => !isBootReport(p)),
      toArray(),
    ),
  );
/** The steps of a run's progress, without the unit's boot-time report. */
const steps = (progress: SequenceProgress[]) => progress.filter((p) => !isBootReport(p)).map((p) => p.step);

/** A runner that sends the coordinator's commands with one row changed on the way: a stricter firmware. */
function corrupting(coordinator: Coordinator, from: string, to: string): SequenceRunner {
  return {
    command: (target, shellCommand, { timeoutMs }) =>
      coordinator.command(target, shellCommand.replace(from, to), { outputTimeoutMs: timeoutMs }),
    eventsFrom: (target) => coordinator.eventsFrom(target),
  };
}

describe('runSequence against simulated units, over real sockets', () => {
  it('loads with uSeq in the upload command, then starts with a separate runSeq only after BOARDIO_READY', async () => {
    const at = unitAt('127.42.1.2');
    await at.unit.ready;
    const seq = [ledFan(1), all4Canon({ power: 80, shutterMs: 105 }), modelLight(0)];
    const progress = await progressOf(coordinatorAt().runSequence('127.42.1.2', seq));
    expect(progress).toEqual([
      {
        unit: '127.42.1.2',
        step: 'uploaded',
        output: 'BOARDIO_CLI: Sent: "uSeq" to FIFO file\n',
        exitCode: 0,
      },
      { unit: '127.42.1.2', step: 'loaded', detail: '' },
      {
        unit: '127.42.1.2',
        step: 'started',
        output: 'BOARDIO_CLI: Sent: "runSeq" to FIFO file\n',
        exitCode: 0,
      },
      { unit: '127.42.1.2', step: 'completed' },
    ]);
    expect(readFileSync(join(at.unit.home, 'la4_sequence.csv'), 'utf8')).toBe(render(seq));
    // at the unit: the upload loads only; runSeq is a command of its own, sent after BOARDIO_READY
    // went to this coordinator (boardio's boot report goes to no one: `to` is empty)
    const [upload, start] = at.commands();
    expect(upload).toMatch(/ > "\$HOME"\/'la4_sequence\.csv' && boardiocli uSeq$/);
    expect(start).toBe('boardiocli runSeq');
    const order = at.all.flatMap((a) =>
      a.kind === 'command-started'
        ? [untagCommand(a.command)?.command === start ? 'runSeq command' : 'upload command']
        : a.kind === 'boardio-message' && a.to.length > 0
          ? [a.message]
          : [],
    );
    expect(order).toEqual(['upload command', 'BOARDIO_READY', 'runSeq command', 'Sequence complete']);
    expect(at.verbs()).toEqual(['uSeq', 'runSeq']);
  });

  it('never sends runSeq after a refused load, although the unit keeps the previous program (checked at the unit)', async () => {
    const at = unitAt('127.42.1.3');
    await at.unit.ready;
    const coordinator = coordinatorAt();
    const first = await progressOf(coordinator.runSequence('127.42.1.3', [ledFan(1), modelLight(5)]));
    expect(steps(first)).toEqual(['uploaded', 'loaded', 'started', 'completed']);

    // an empty file: boardio refuses it ("is empty")
    const empty = await progressOf(coordinator.runSequence('127.42.1.3', []));
    expect(steps(empty)).toEqual(['uploaded', 'failed']);
    expect(empty[1]).toEqual({
      unit: '127.42.1.3',
      step: 'failed',
      failedStep: 'load',
      reason: 'boardio',
      message: 'la4_sequence.csv is empty',
    });

    // a row this unit's firmware refuses (the runner changes it on the way)
    const strict = corrupting(coordinator, 'MODEL_LIGHT,7', 'MODEL_LIGHT,700');
    const refused = await progressOf(runSequence(strict, '127.42.1.3', [ledFan(1), modelLight(7)]));
    expect(refused.at(-1)).toEqual({
      unit: '127.42.1.3',
      step: 'failed',
      failedStep: 'load',
      reason: 'boardio',
      message: 'la4_sequence.csv line 2: MODEL_LIGHT power: 700 is out of range 0..100',
    });

    await at.sentinel(coordinator);
    expect(at.verbs()).toEqual(['uSeq', 'runSeq', 'uSeq', 'uSeq']);
    const rows = at.all.filter((a) => a.kind === 'sequence-row');
    expect(rows).toHaveLength(2); // the first run only: nothing played after the refused loads
  });

  it('writes a standalone sequence to the vendor path, loads it with uSeqStandalone and does not start it', async () => {
    const at = unitAt('127.42.1.4');
    await at.unit.ready;
    const seq = preset({ mode: 'OLAT', camera: 'nikon', power: 60 });
    const progress = await progressOf(coordinatorAt().runSequence('127.42.1.4', seq, { standalone: true }));
    expect(steps(progress)).toEqual(['uploaded', 'loaded']);
    expect(at.commands()).toHaveLength(1);
    expect(at.commands()[0]).toContain(
      `> '/home/rigsters/la4_sequence_standalone.csv' && boardiocli uSeqStandalone`,
    );
    // the simulated unit maps /home/rigsters to its home: the file boardio reads at boot
    expect(readFileSync(join(at.unit.home, 'la4_sequence_standalone.csv'), 'utf8')).toBe(render(seq));
    expect((await at.waitFor('sequence-loaded')).file).toBe('la4_sequence_standalone.csv');
    expect(at.verbs()).toEqual(['uSeqStandalone']);
  });

  it('writes where the path option says: the vendor absolute path of the normal sequence', async () => {
    const at = unitAt('127.42.1.5');
    await at.unit.ready;
    const progress = await progressOf(
      coordinatorAt().runSequence('127.42.1.5', [modelLight(9)], { path: '/home/rigsters/la4_sequence.csv' }),
    );
    expect(steps(progress)).toEqual(['uploaded', 'loaded', 'started', 'completed']);
    expect(at.commands()[0]).toContain(`> '/home/rigsters/la4_sequence.csv' && boardiocli uSeq`);
    expect(readFileSync(join(at.unit.home, 'la4_sequence.csv'), 'utf8')).toBe('MODEL_LIGHT,9\n');
  });

  it('completes when BOARDIO_READY arrives before the upload output', async () => {
    const at = unitAt('127.42.1.6', { boardioBeforeOutput: true });
    await at.unit.ready;
    const coordinator = coordinatorAt();
    const arrivals: string[] = [];
    const watch = coordinator
      .eventsFrom('127.42.1.6')
      .subscribe((e) => arrivals.push(e.type_ === 'message' ? e.message : e.type_));
    const progress = await progressOf(coordinator.runSequence('127.42.1.6', [ledFan(1), modelLight(20)]));
    watch.unsubscribe();
    expect(steps(progress)).toEqual(['uploaded', 'loaded', 'started', 'completed']);
    const ready = arrivals.indexOf('BOARDIO_READY');
    expect(ready).toBeGreaterThanOrEqual(0);
    expect(arrivals.indexOf('output')).toBeGreaterThan(ready); // READY came first
  });

  it('reports a refused load as failed at load, and sends no runSeq, when BOARDIO_ERROR comes first', async () => {
    const at = unitAt('127.42.1.7', { boardioBeforeOutput: true });
    await at.unit.ready;
    const coordinator = coordinatorAt();
    const progress = await progressOf(coordinator.runSequence('127.42.1.7', []));
    expect(progress).toEqual([
      {
        unit: '127.42.1.7',
        step: 'failed',
        failedStep: 'load',
        reason: 'boardio',
        message: 'la4_sequence.csv is empty',
      },
    ]);
    await at.sentinel(coordinator);
    expect(at.verbs()).toEqual(['uSeq']);
  });

  it('reports the unit booting meanwhile (a message about its standalone file) as a message step', async () => {
    const at = unitAt('127.42.1.8', { hardwareReadyDelayMs: 'manual' });
    await at.unit.ready;
    const coordinator = coordinatorAt({ heartbeatIntervalMs: 200 });
    const progress = coordinator.runSequence('127.42.1.8', [modelLight(3)]).pipe(toArray());
    const done = lastValueFrom(progress);
    // boardio has not booted: the uSeq waits; the coordinator is known; then boot
    await Promise.all([at.waitFor('boardio-verb'), at.waitFor('coordinator-added')]);
    at.unit.bootHardware();
    expect(await done).toEqual([
      expect.objectContaining({ step: 'uploaded' }),
      {
        unit: '127.42.1.8',
        step: 'message',
        message: 'BOARDIO_ERROR: la4_sequence_standalone.csv not found',
      },
      { unit: '127.42.1.8', step: 'loaded', detail: '' },
      expect.objectContaining({ step: 'started' }),
      { unit: '127.42.1.8', step: 'completed' },
    ]);
  });

  it('fails the upload when the unit has no boardiocli, with the exit status', async () => {
    const at = unitAt('127.42.1.9', {
      executor: () => ({ stdout: '', stderr: 'sh: 1: boardiocli: not found\n', exitCode: 127 }),
    });
    await at.unit.ready;
    const progress = await progressOf(coordinatorAt().runSequence('127.42.1.9', [modelLight(5)]));
    expect(progress).toEqual([
      {
        unit: '127.42.1.9',
        step: 'failed',
        failedStep: 'upload',
        reason: 'output',
        message: 'exit status 127: sh: 1: boardiocli: not found',
      },
    ]);
  });

  it('fails the upload with reason unreachable when nothing listens at the unit address', async () => {
    const progress = await progressOf(coordinatorAt().runSequence('127.42.9.250', [modelLight(1)]));
    expect(progress).toEqual([
      expect.objectContaining({
        unit: '127.42.9.250',
        step: 'failed',
        failedStep: 'upload',
        reason: 'unreachable',
      }),
    ]);
  });

  it('runs a preset on 5 units in parallel', async () => {
    const sim = simulateUnits(5, { base: '127.42.2.2', hardwareReadyDelayMs: 0, rowDurationMs: 30 });
    units.push(sim);
    await sim.ready;
    const coordinator = coordinatorAt();
    const seq = preset({ mode: 'OLAT+POLAT', camera: 'nikon', power: 60, trigger: 'continuous' });
    const progress = await progressOf(merge(...sim.units.map((u) => coordinator.runSequence(u.host, seq))));
    for (const u of sim.units)
      expect(steps(progress.filter((p) => p.unit === u.host))).toEqual([
        'uploaded',
        'loaded',
        'started',
        'completed',
      ]);
    // in parallel: every unit was started before any finished playing
    const lastStarted = steps(progress).lastIndexOf('started');
    expect(lastStarted).toBeLessThan(steps(progress).indexOf('completed'));
  });

  // The figures in virtual time: a sequence that plays 40 s against pycom's 15 s of memory
  // and a heartbeat every 5 s, with no real clock that a loaded machine could stretch
  it('keeps the unit heartbeated while a sequence plays longer than the unit remembers coordinators', () => {
    const ts = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
    ts.run(({ expectObservable }) => {
      const network = memoryNetwork({ scheduler: ts });
      const unit = memoryUnit(network, {
        host: '10.42.1.10',
        hardwareReadyDelayMs: 0,
        coordinatorTimeoutMs: 15_000,
        rowDurationMs: 1_000,
      });
      const coordinator = createCoordinator({
        scheduler: ts,
        transport: memoryTransport(network),
        heartbeatIntervalMs: 5_000,
      });
      const seq = Array.from({ length: 40 }, (_, i) => modelLight(i));
      const rows: number[] = [];
      unit.events$.pipe(filter((a) => a.kind === 'sequence-row')).subscribe(() => rows.push(ts.now()));
      const memory$ = unit.events$.pipe(
        filter((a) => a.kind === 'coordinator-added' || a.kind === 'coordinator-expired'),
        map((a) => a.kind),
      );
      const steps$ = coordinator
        .runSequence(unit.host, seq, { runTimeoutMs: 60_000 })
        .pipe(map((p) => p.step));
      // the unit learns the coordinator once, and never forgets it while the sequence plays
      expectObservable(memory$, '^ 45s !').toBe('a', { a: 'coordinator-added' });
      expectObservable(steps$.pipe(toArray())).toBe('40s (a|)', {
        a: ['uploaded', 'loaded', 'started', 'completed'],
      });
      ts.schedule(() => {
        expect(rows).toHaveLength(40);
        expect(unit.coordinators().map((c) => c.id)).toEqual([coordinator.id]);
      }, 41_000);
      ts.schedule(() => void coordinator.close(), 45_000);
    });
  });
});
