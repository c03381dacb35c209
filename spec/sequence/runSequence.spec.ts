import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { filter, firstValueFrom, lastValueFrom, map, merge, toArray } from 'rxjs';
import { createCoordinator, ofType, type Coordinator } from '../../src';
import {
  all4Canon,
  ledFan,
  modelLight,
  preset,
  runSequence,
  type SequenceProgress,
} from '../../src/sequence';
import { simulateUnit, simulateUnits, type Executor, type SimulatedUnit } from '../../src/simulator';

const coordinatorAt = (): Coordinator =>
  createCoordinator({ listen: { host: '127.0.0.1', port: 0 }, commandTimeoutMs: 5_000 });
const nextMessage = (coordinator: Coordinator, pattern: RegExp): Promise<string> =>
  firstValueFrom(
    coordinator.events$.pipe(
      ofType('message'),
      map((m) => m.message),
      filter((m) => pattern.test(m)),
    ),
  );
const steps = (progress: SequenceProgress[]) => progress.map((p) => p.step);

describe('runSequence against the simulated unit', () => {
  let unit: SimulatedUnit | undefined;
  afterEach(async () => unit?.close());

  it('uploads, loads and runs a sequence: uploaded, loaded, completed', async () => {
    unit = simulateUnit({ host: '127.0.13.2', hardwareReadyDelayMs: 10, rowDurationMs: 20 });
    await unit.ready;
    const seq = [ledFan(1), all4Canon({ power: 80, shutterMs: 105 }), modelLight(0)];
    const progress = await lastValueFrom(runSequence(coordinatorAt(), '127.0.13.2', seq).pipe(toArray()));
    expect(steps(progress)).toEqual(['uploaded', 'loaded', 'completed']);
    expect(progress[0]).toEqual({
      unit: '127.0.13.2',
      step: 'uploaded',
      output: 'BOARDIO_CLI: Sent: "uSeq" to FIFO file\nBOARDIO_CLI: Sent: "runSeq" to FIFO file\n',
    });
  });

  it('stops after loaded when asked not to run', async () => {
    unit = simulateUnit({ host: '127.0.13.3', hardwareReadyDelayMs: 10 });
    await unit.ready;
    const progress = await lastValueFrom(
      runSequence(coordinatorAt(), '127.0.13.3', [modelLight(30)], { run: false }).pipe(toArray()),
    );
    expect(steps(progress)).toEqual(['uploaded', 'loaded']);
  });

  it('reports BOARDIO_ERROR at load with its reason', async () => {
    // a unit whose file write silently fails: boardio finds no file
    const brokenDisk: Executor = (_command, { boardio }) => {
      boardio('uSeq');
      boardio('runSeq');
      return { stdout: 'BOARDIO_CLI: Sent: "uSeq" to FIFO file\nBOARDIO_CLI: Sent: "runSeq" to FIFO file\n' };
    };
    unit = simulateUnit({ host: '127.0.13.4', hardwareReadyDelayMs: 10, executor: brokenDisk });
    await unit.ready;
    const progress = await lastValueFrom(
      runSequence(coordinatorAt(), '127.0.13.4', [modelLight(30)]).pipe(toArray()),
    );
    expect(progress).toEqual([
      expect.objectContaining({ step: 'uploaded' }),
      {
        unit: '127.0.13.4',
        step: 'failed',
        stage: 'load',
        cause: 'boardio',
        reason: 'la4_sequence.csv not found',
      },
    ]);
  });

  it('reports BOARDIO_ERROR while running, with its reason', async () => {
    // a unit that starts the sequence twice: boardio refuses the second runSeq
    const doubleRun: Executor = (_command, { home, boardio }) => {
      writeFileSync(join(home, 'la4_sequence.csv'), 'MODEL_LIGHT,10\n');
      boardio('uSeq');
      boardio('runSeq');
      boardio('runSeq');
      return { stdout: 'BOARDIO_CLI: Sent: "uSeq" to FIFO file\nBOARDIO_CLI: Sent: "runSeq" to FIFO file\n' };
    };
    unit = simulateUnit({
      host: '127.0.13.5',
      hardwareReadyDelayMs: 10,
      rowDurationMs: 200,
      executor: doubleRun,
    });
    await unit.ready;
    const progress = await lastValueFrom(
      runSequence(coordinatorAt(), '127.0.13.5', [modelLight(10)]).pipe(toArray()),
    );
    expect(progress.at(-1)).toEqual({
      unit: '127.0.13.5',
      step: 'failed',
      stage: 'run',
      cause: 'boardio',
      reason: 'a sequence is already running',
    });
  });

  it("does not take a freshly booted unit's report on its standalone file as the answer", async () => {
    unit = simulateUnit({ host: '127.0.13.8', hardwareReadyDelayMs: 300, rowDurationMs: 10 });
    await unit.ready;
    const coordinator = coordinatorAt();
    const session = coordinator.connect('127.0.13.8').subscribe(); // known before boot: gets the boot report
    const boot = nextMessage(coordinator, /standalone/);
    const progress = await lastValueFrom(
      runSequence(coordinator, '127.0.13.8', [modelLight(5)]).pipe(toArray()),
    );
    expect(await boot).toMatch(/^BOARDIO_ERROR: la4_sequence_standalone.csv/);
    session.unsubscribe();
    expect(steps(progress)).toEqual(['uploaded', 'loaded', 'completed']);
  });

  it('fails the upload with cause "output" when the unit has no boardiocli', async () => {
    const notAnLa4: Executor = () => ({
      stdout: '',
      stderr: 'sh: 1: boardiocli: not found\n',
      exitCode: 127,
    });
    unit = simulateUnit({ host: '127.0.13.9', hardwareReadyDelayMs: 10, executor: notAnLa4 });
    await unit.ready;
    const progress = await lastValueFrom(
      runSequence(coordinatorAt(), '127.0.13.9', [modelLight(5)]).pipe(toArray()),
    );
    expect(progress).toEqual([
      {
        unit: '127.0.13.9',
        step: 'failed',
        stage: 'upload',
        cause: 'output',
        reason: 'unexpected output: sh: 1: boardiocli: not found',
      },
    ]);
  });

  it('queues sequences on the same unit: the second starts after the first completed', async () => {
    unit = simulateUnit({ host: '127.0.13.7', hardwareReadyDelayMs: 10, rowDurationMs: 50 });
    await unit.ready;
    const coordinator = coordinatorAt();
    const tagged = (tag: string, seq: Parameters<typeof runSequence>[2]) =>
      runSequence(coordinator, '127.0.13.7', seq).pipe(map((p) => `${tag} ${p.step}`));
    const log = await lastValueFrom(
      merge(tagged('first', [modelLight(10), modelLight(0)]), tagged('second', [modelLight(20)])).pipe(
        toArray(),
      ),
    );
    expect(log).toEqual([
      'first uploaded',
      'first loaded',
      'first completed',
      'second uploaded',
      'second loaded',
      'second completed',
    ]);
  });

  it('fails the upload step with a clear reason when the unit is unreachable', async () => {
    const progress = await lastValueFrom(
      runSequence(coordinatorAt(), '127.0.13.250', [modelLight(1)]).pipe(toArray()),
    );
    expect(progress).toEqual([
      {
        unit: '127.0.13.250',
        step: 'failed',
        stage: 'upload',
        cause: 'unreachable',
        reason: expect.stringMatching(/ECONNREFUSED/),
      },
    ]);
  });

  it('fails the load step after its timeout when boardio never answers', async () => {
    const silent: Executor = () => ({ stdout: 'BOARDIO_CLI: Sent: "uSeq" to FIFO file\n' });
    unit = simulateUnit({ host: '127.0.13.6', hardwareReadyDelayMs: 10, executor: silent });
    await unit.ready;
    const progress = await lastValueFrom(
      runSequence(coordinatorAt(), '127.0.13.6', [modelLight(1)], { stepTimeoutMs: 300 }).pipe(toArray()),
    );
    expect(progress.at(-1)).toEqual({
      unit: '127.0.13.6',
      step: 'failed',
      stage: 'load',
      cause: 'timeout',
      reason: 'no answer from boardio within 300 ms',
    });
  });

  it('runs a preset on 5 units in parallel', async () => {
    const sim = simulateUnits(5, { base: '127.0.13.20', hardwareReadyDelayMs: 10, rowDurationMs: 30 });
    await sim.ready;
    try {
      const coordinator = coordinatorAt();
      const seq = preset({
        mode: 'OLAT+POLAT',
        camera: 'nikon',
        power: 60,
        trigger: 'continuous',
        fans: true,
      });
      const progress = await lastValueFrom(
        merge(...sim.units.map((u) => runSequence(coordinator, u.host, seq))).pipe(toArray()),
      );
      for (const u of sim.units) {
        expect(steps(progress.filter((p) => p.unit === u.host))).toEqual(['uploaded', 'loaded', 'completed']);
      }
      // in parallel: every unit was loaded before any finished playing
      const lastLoaded = progress.map((p) => p.step).lastIndexOf('loaded');
      const firstCompleted = progress.map((p) => p.step).indexOf('completed');
      expect(lastLoaded).toBeLessThan(firstCompleted);
    } finally {
      await sim.close();
    }
  });
});
