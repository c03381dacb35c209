import { CLEANUP_GRACE_MS, StageTracker, untilDoneOrInterrupted } from '../../src/cli/interrupt';
import { type CliIO, OUTPUT_CLOSED, stage } from '../../src/cli/io';
import { sequenceStage } from '../../src/cli/sequenceStage';

function fakeIO() {
  const controller = new AbortController();
  const err: string[] = [];
  const io: CliIO = {
    stdout: { write: () => true },
    stderr: { write: (t: string) => err.push(t) },
    signal: controller.signal,
    cwd: '/',
    now: () => 0,
  };
  return { io, controller, err };
}

/** A command that resolves `code` only when told to. */
function command() {
  let finish!: (code: number) => void;
  const done = new Promise<number>((resolve) => (finish = resolve));
  return { start: () => done, finish };
}

describe('untilDoneOrInterrupted', () => {
  it("returns the command's own code when nothing interrupts it", async () => {
    const { io } = fakeIO();
    const c = command();
    const result = untilDoneOrInterrupted(c.start, io, new StageTracker(io));
    c.finish(3);
    expect(await result).toBe(3);
  });

  it('says at once what was interrupted, as it was at that moment, then returns 130 whatever the command returns', async () => {
    const { io, controller, err } = fakeIO();
    const tracker = new StageTracker(io);
    const c = command();
    const result = untilDoneOrInterrupted(c.start, io, tracker);
    tracker.started('listen');
    let events = 2;
    stage(tracker.io, () => `listening (${events} events)`);
    // the command reacts to the signal by changing its stage: the line keeps the earlier one
    controller.signal.addEventListener('abort', () => stage(tracker.io, 'stopping'));
    controller.abort('SIGINT');
    events = 3;
    await Promise.resolve();
    await Promise.resolve();
    expect(err).toEqual(['pycom-rx: listen interrupted by Ctrl-C while listening (2 events)\n']);
    c.finish(0);
    expect(await result).toBe(130);
  });

  it('gives up waiting for the clean-up after the grace period', async () => {
    jest.useFakeTimers();
    try {
      const { io, controller, err } = fakeIO();
      const tracker = new StageTracker(io);
      tracker.started('send');
      const result = untilDoneOrInterrupted(() => new Promise<number>(() => undefined), io, tracker);
      controller.abort('SIGTERM');
      await jest.advanceTimersByTimeAsync(CLEANUP_GRACE_MS);
      expect(await result).toBe(130);
      expect(err).toEqual([
        'pycom-rx: send interrupted by SIGTERM while starting send\n',
        'pycom-rx: still cleaning up after 5 s; exiting anyway\n',
      ]);
    } finally {
      jest.useRealTimers();
    }
  });

  it('is no interruption when stdout went away: the command ends with its own code', async () => {
    const { io, controller, err } = fakeIO();
    const c = command();
    const result = untilDoneOrInterrupted(c.start, io, new StageTracker(io));
    controller.abort(OUTPUT_CLOSED);
    c.finish(0);
    expect(await result).toBe(0);
    expect(err).toEqual([]);
  });

  it('says so when interrupted before any command started, and survives a stage that throws', () => {
    const { io, controller } = fakeIO();
    const tracker = new StageTracker(io);
    controller.abort();
    expect(tracker.describe(controller.signal)).toBe('interrupted by Ctrl-C before a command started');
    tracker.started('heartbeat');
    stage(tracker.io, () => {
      throw new Error('boom');
    });
    expect(tracker.describe(controller.signal)).toBe(
      'heartbeat interrupted by Ctrl-C while running heartbeat',
    );
  });
});

describe('sequenceStage', () => {
  it('says where each unit is, and that a started sequence keeps playing on its unit', () => {
    expect(sequenceStage(['a', 'b'], [[], [{ unit: 'b', step: 'uploaded', output: '' }]], true)).toBe(
      'running the sequence on a (uploading), b (loading)',
    );
    expect(sequenceStage(['a'], [[{ unit: 'a', step: 'started', output: '' }]], true)).toBe(
      'running the sequence on a (playing); a sequence already started keeps playing on its unit ' +
        '(pycom has no stop verb) and its end is not awaited',
    );
    const many = ['a', 'b', 'c', 'd', 'e'];
    expect(sequenceStage(many, [[{ unit: 'a', step: 'completed' }], [], [], [], []], true)).toBe(
      'running the sequence on 5 units (1 completed, 4 uploading)',
    );
  });
});
