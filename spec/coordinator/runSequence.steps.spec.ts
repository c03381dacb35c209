import { Observable, type Subscription } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import {
  runSequence,
  type RunSequenceOptions,
  type SequenceProgress,
  type SequenceRunner,
} from '../../src/coordinator/runSequence';
import type { Output, PycomEvent } from '../../src/protocol';
import { modelLight } from '../../src/sequence/builders';
import type { Sequence } from '../../src/sequence/registers';
import { RUN_COMMAND } from '../../src/sequence/shell';
import { SendError } from '../../src/transport/errors';
import { message, output, unitA } from '../helpers/events';

type CommandOutput = Output & { readonly exitCode?: number };

const SENT_USEQ = 'BOARDIO_CLI: Sent: "uSeq" to FIFO file\n';
const SENT_RUNSEQ = 'BOARDIO_CLI: Sent: "runSeq" to FIFO file\n';

/** The outputs a scripted unit may answer with. */
const outputs: Record<string, CommandOutput> = {
  u: { ...output(unitA, SENT_USEQ), exitCode: 0 },
  s: { ...output(unitA, 'BOARDIO_CLI: Sent: "uSeqStandalone" to FIFO file\n'), exitCode: 0 },
  r: { ...output(unitA, SENT_RUNSEQ), exitCode: 0 },
  q: output(unitA, ''), // a boardiocli that prints nothing, exit status unknown (untagged)
  x: { ...output(unitA, 'disk full\n'), exitCode: 1 },
};

/** The messages a scripted unit may send. */
const messages: Record<string, PycomEvent> = {
  R: message(unitA, 'BOARDIO_READY'),
  E: message(unitA, 'BOARDIO_ERROR: la4_sequence.csv line 1: MODEL_LIGHT power: 500 is out of range 0..100'),
  B: message(unitA, 'BOARDIO_ERROR: la4_sequence_standalone.csv not found'),
  C: message(unitA, 'Sequence complete'),
  H: message(unitA, 'hello from boardio'),
};

interface Script {
  /** The unit's messages (hot, from frame 0). */
  readonly events: string;
  /** The upload command's answer (cold, from when it is sent), or an error. */
  readonly upload: string | Error;
  /** The runSeq command's answer (cold, from when it is sent), or an error. */
  readonly run?: string | Error;
  readonly options?: RunSequenceOptions;
  readonly sequence?: Sequence;
  /** Unsubscribe at this frame. */
  readonly unsubscribeAt?: number;
}

/** What happened, in virtual time: each progress item (and the end), each command sent. */
interface Played {
  readonly progress: Array<[number, string]>;
  readonly sent: Array<[number, string]>;
  readonly error?: unknown;
}

const stepOf = (p: SequenceProgress): string =>
  p.step === 'failed'
    ? `failed ${p.failedStep} ${p.reason}: ${p.message}`
    : p.step === 'message'
      ? `message ${p.message}`
      : p.step;

/** Plays a script against runSequence in virtual time (a TestScheduler passed as `scheduler`). */
function play(script: Script): Played {
  const scheduler = new TestScheduler((a, b) => expect(a).toEqual(b));
  const progress: Array<[number, string]> = [];
  const sent: Array<[number, string]> = [];
  let error: unknown;
  scheduler.run(({ cold, hot }) => {
    const events$ = hot<PycomEvent>(script.events, messages);
    const answer = (a: string | Error | undefined): Observable<CommandOutput> =>
      a === undefined
        ? new Observable<CommandOutput>()
        : typeof a === 'string'
          ? cold(a, outputs)
          : cold<CommandOutput>('-#', undefined, a);
    const runner: SequenceRunner = {
      command: (_target, shellCommand) => {
        const isRun = shellCommand === RUN_COMMAND;
        sent.push([scheduler.now(), isRun ? 'runSeq' : (shellCommand.split(' && ').at(-1) ?? '')]);
        return answer(isRun ? script.run : script.upload);
      },
      eventsFrom: () => events$,
    };
    let subscription: Subscription | undefined;
    scheduler.schedule(() => {
      subscription = runSequence(runner, 'unit-a', script.sequence ?? [modelLight(5)], {
        scheduler,
        stepTimeoutMs: 50,
        runTimeoutMs: 100,
        ...script.options,
      }).subscribe({
        next: (p) => progress.push([scheduler.now(), stepOf(p)]),
        error: (e: unknown) => (error = e),
        complete: () => progress.push([scheduler.now(), 'end']),
      });
    });
    if (script.unsubscribeAt !== undefined)
      scheduler.schedule(() => subscription?.unsubscribe(), script.unsubscribeAt);
  });
  return { progress, sent, error };
}

describe('runSequence steps (a scripted unit, virtual time)', () => {
  it('sends runSeq as a separate command only once BOARDIO_READY came, then waits for Sequence complete', () => {
    const { progress, sent } = play({ events: '----R-------C', upload: '--u|', run: '-r|' });
    expect(sent).toEqual([
      [0, 'boardiocli uSeq'],
      [4, 'runSeq'],
    ]);
    expect(progress).toEqual([
      [2, 'uploaded'],
      [4, 'loaded'],
      [5, 'started'],
      [12, 'completed'],
      [12, 'end'],
    ]);
  });

  it('takes BOARDIO_READY that comes before the upload output, and still reports the steps in order', () => {
    const { progress, sent } = play({ events: '-R-----C', upload: '---u|', run: '--r|' });
    expect(sent).toEqual([
      [0, 'boardiocli uSeq'],
      [3, 'runSeq'],
    ]);
    expect(progress).toEqual([
      [3, 'uploaded'],
      [3, 'loaded'],
      [5, 'started'],
      [7, 'completed'],
      [7, 'end'],
    ]);
  });

  it('takes Sequence complete that comes before the runSeq output, and completes once that output is in', () => {
    const { progress } = play({ events: '-R-C', upload: '-u|', run: '-----r|' });
    expect(progress).toEqual([
      [1, 'uploaded'],
      [1, 'loaded'],
      [6, 'started'],
      [6, 'completed'],
      [6, 'end'],
    ]);
  });

  it('fails at load on BOARDIO_ERROR and never sends runSeq', () => {
    const { progress, sent } = play({ events: '---E---R', upload: '-u|', run: '-r|' });
    expect(sent).toEqual([[0, 'boardiocli uSeq']]);
    expect(progress).toEqual([
      [1, 'uploaded'],
      [3, `failed load boardio: ${(messages['E'] as { message: string }).message.slice(15)}`],
      [3, 'end'],
    ]);
  });

  it('fails at once on a BOARDIO_ERROR that comes before the upload output, and ends once that output is in', () => {
    const { progress, sent } = play({ events: '-E', upload: '----u|', run: '-r|' });
    expect(sent).toEqual([[0, 'boardiocli uSeq']]);
    expect(progress).toEqual([
      [1, expect.stringMatching(/^failed load boardio: la4_sequence.csv line 1/)],
      [4, 'end'],
    ]);
  });

  it('fails the upload when its exit status is not 0, even after BOARDIO_READY, and never sends runSeq', () => {
    const { progress, sent } = play({ events: '-R', upload: '---x|', run: '-r|' });
    expect(sent).toEqual([[0, 'boardiocli uSeq']]);
    expect(progress).toEqual([
      [3, 'failed upload output: exit status 1: disk full'],
      [3, 'end'],
    ]);
  });

  it("does not give up on an upload output without boardiocli's line when BOARDIO_READY comes", () => {
    const { progress } = play({ events: '----R----C', upload: '-q|', run: '-q|' });
    expect(progress.map(([, step]) => step)).toEqual(['uploaded', 'loaded', 'started', 'completed', 'end']);
  });

  it("fails the upload with reason output when no answer comes and the output lacks boardiocli's line", () => {
    const { progress } = play({ events: '', upload: '-q|' });
    expect(progress).toEqual([
      [1, 'uploaded'],
      [51, 'failed upload output: unexpected output: (empty)'],
      [51, 'end'],
    ]);
  });

  it('fails the load with a timeout stepTimeoutMs after the upload output when boardio says nothing', () => {
    const { progress, sent } = play({ events: '', upload: '--u|', run: '-r|' });
    expect(sent).toHaveLength(1);
    expect(progress).toEqual([
      [2, 'uploaded'],
      [52, 'failed load timeout: no answer from boardio within 50 ms'],
      [52, 'end'],
    ]);
  });

  it('fails the run with no-completion-message runTimeoutMs after runSeq was sent when Sequence complete never comes', () => {
    const { progress } = play({ events: '-R', upload: '--u|', run: '-r|' });
    expect(progress.slice(-2)).toEqual([
      [
        102,
        expect.stringMatching(
          /^failed run no-completion-message: no Sequence complete within 100 ms, though runSeq started/,
        ),
      ],
      [102, 'end'],
    ]);
  });

  it('fails the run on a BOARDIO_ERROR while it plays', () => {
    const { progress } = play({ events: '-R----E', upload: '--u|', run: '-r|' });
    expect(progress.slice(-2)).toEqual([
      [6, expect.stringMatching(/^failed run boardio: /)],
      [6, 'end'],
    ]);
  });

  it('reports the messages that answer nothing instead of dropping them', () => {
    // H: free text; C before loading: the end of an earlier run; B: a boot report on the standalone
    // file during a normal upload; R while running: not an answer to runSeq.
    const { progress } = play({ events: '-HCB-R--R-C', upload: '-u|', run: '-r|' });
    expect(progress.map(([, step]) => step)).toEqual([
      'message hello from boardio',
      'uploaded',
      'message Sequence complete',
      'message BOARDIO_ERROR: la4_sequence_standalone.csv not found',
      'loaded',
      'started',
      'message BOARDIO_READY',
      'completed',
      'end',
    ]);
  });

  it('stops after loaded without run', () => {
    const { progress, sent } = play({ events: '--R', upload: '-u|', options: { run: false } });
    expect(sent).toEqual([[0, 'boardiocli uSeq']]);
    expect(progress).toEqual([
      [1, 'uploaded'],
      [2, 'loaded'],
      [2, 'end'],
    ]);
  });

  it('loads a standalone sequence with uSeqStandalone and, by default, does not start it', () => {
    const { progress, sent } = play({ events: '--R', upload: '-s|', options: { standalone: true } });
    expect(sent).toEqual([[0, 'boardiocli uSeqStandalone']]);
    expect(progress.map(([, step]) => step)).toEqual(['uploaded', 'loaded', 'end']);
  });

  it('refuses an invalid sequence or path before sending anything', () => {
    const bad = [{ register: 'MODEL_LIGHT', power: 500 }] as unknown as Sequence;
    const invalid = play({ events: '', upload: '-u|', sequence: bad });
    expect(invalid.sent).toEqual([]);
    expect(invalid.progress).toEqual([
      [0, expect.stringMatching(/^failed upload invalid: .*MODEL_LIGHT power: 500 is out of range 0\.\.100/)],
      [0, 'end'],
    ]);
    const badPath = play({ events: '', upload: '-u|', options: { path: '/tmp/' } });
    expect(badPath.sent).toEqual([]);
    expect(badPath.progress).toEqual([
      [0, 'failed upload invalid: not a file path: "/tmp/"'],
      [0, 'end'],
    ]);
  });

  it('sends nothing more once unsubscribed, even when BOARDIO_READY comes later', () => {
    const { progress, sent } = play({ events: '-----R', upload: '-u|', run: '-r|', unsubscribeAt: 3 });
    expect(sent).toEqual([[0, 'boardiocli uSeq']]);
    expect(progress).toEqual([[1, 'uploaded']]);
  });

  it('turns a failed send into a failed step, and passes an unknown error on', () => {
    const refused = new SendError('unit-a', 5000, 'refused', 'ECONNREFUSED', 'connect ECONNREFUSED');
    const upload = play({ events: '', upload: refused });
    expect(upload.progress).toEqual([
      [1, 'failed upload unreachable: cannot send to unit-a:5000: connect ECONNREFUSED'],
      [1, 'end'],
    ]);
    const run = play({ events: '-R', upload: '-u|', run: refused });
    expect(run.progress.slice(-2)).toEqual([
      [2, 'failed run unreachable: cannot send to unit-a:5000: connect ECONNREFUSED'],
      [2, 'end'],
    ]);
    const closed = new Error('the coordinator was closed');
    closed.name = 'CoordinatorClosedError';
    const passed = play({ events: '', upload: closed });
    expect(passed.error).toBe(closed);
    expect(passed.progress).toEqual([]);
  });
});
