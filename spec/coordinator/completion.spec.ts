import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TestScheduler } from 'rxjs/testing';
import {
  COMPLETION_RULES,
  createCoordinator,
  type CompletionRules,
  type RunSequenceOptions,
  type SequenceProgress,
} from '../../src/coordinator';
import { OptionError } from '../../src/validation';
import { modelLight } from '../../src/sequence/builders';
import { memoryNetwork, memoryTransport, memoryUnit, type MemoryUnitOptions } from '../../src/testing';

const UNIT = '192.168.0.23';
/** Two harmless rows (model light off): each plays 100 ms on the memory unit. */
const SEQ = [modelLight(0), modelLight(0)];

const shown = (p: SequenceProgress): string => {
  switch (p.step) {
    case 'failed':
      return `failed ${p.failedStep} ${p.reason}: ${p.message}`;
    case 'message':
      return `message ${p.message}`;
    case 'completed':
      return p.by === undefined ? 'completed' : `completed by ${p.by}`;
    default:
      return p.step;
  }
};

interface Rig {
  readonly unit?: MemoryUnitOptions;
  readonly completion?: Partial<CompletionRules>;
  readonly call?: RunSequenceOptions;
}

/** Runs SEQ on one memory unit in virtual time: each step with its frame, and the end. */
function play(rig: Rig): Array<[number, string]> {
  const ts = new TestScheduler((a, b) => expect(a).toEqual(b));
  const seen: Array<[number, string]> = [];
  ts.run(() => {
    const network = memoryNetwork({ scheduler: ts });
    memoryUnit(network, { host: UNIT, rowDurationMs: 100, ...rig.unit });
    const coordinator = createCoordinator({
      scheduler: ts,
      transport: memoryTransport(network),
      ...(rig.completion === undefined ? {} : { completion: rig.completion }),
    });
    coordinator.runSequence(UNIT, SEQ, { runTimeoutMs: 1_000, ...rig.call }).subscribe({
      next: (p) => seen.push([ts.now(), shown(p)]),
      complete: () => {
        seen.push([ts.now(), 'end']);
        void coordinator.close();
      },
    });
  });
  return seen;
}

const steps = (seen: Array<[number, string]>) => seen.map(([, s]) => s);

describe('completion rules: what counts as loaded, started and completed', () => {
  it('by default: BOARDIO_READY = loaded, the runSeq output = started, Sequence complete = completed', () => {
    const seen = play({});
    expect(steps(seen)).toEqual(['uploaded', 'loaded', 'started', 'completed', 'end']);
    // the two rows play 100 ms each after runSeq: completed only at the end
    const started = seen.find(([, s]) => s === 'started')?.[0] ?? NaN;
    expect(seen.find(([, s]) => s === 'completed')?.[0]).toBeGreaterThanOrEqual(started + 200);
  });

  it('a unit that answers runSeq with BOARDIO_READY only: not a second load; no-completion-message at runTimeoutMs', () => {
    const seen = play({ unit: { boardioQuirks: { runSeq: 'ready-only' } } });
    expect(steps(seen)).toEqual([
      'uploaded',
      'loaded',
      'started',
      'message BOARDIO_READY',
      expect.stringMatching(
        /^failed run no-completion-message: no Sequence complete within 1000 ms, though runSeq started/,
      ),
      'end',
    ]);
  });

  it('the same unit with rules for it: started on its BOARDIO_READY, completed by quiet', () => {
    const seen = play({
      unit: { boardioQuirks: { runSeq: 'ready-only' } },
      completion: { startedOn: ['ready'], completedBy: 'quiet', quietMs: 300 },
    });
    expect(steps(seen)).toEqual(['uploaded', 'loaded', 'started', 'completed by quiet', 'end']);
    const started = seen.find(([, s]) => s === 'started')?.[0] ?? NaN;
    expect(seen.find(([, s]) => s.startsWith('completed'))?.[0]).toBe(started + 300);
  });

  it('per-row messages are reported as messages, never taken for completion', () => {
    const seen = play({ unit: { boardioQuirks: { runSeq: 'per-row' } } });
    expect(steps(seen)).toEqual([
      'uploaded',
      'loaded',
      'started',
      'message BOARDIO_ROW 1/2',
      'message BOARDIO_ROW 2/2',
      'completed',
      'end',
    ]);
  });

  it('quiet waits for the unit to fall silent: each message starts the wait again', () => {
    // rows every 100 ms, quiet after 150 ms: the rows keep it waiting until Sequence complete
    const seen = play({
      unit: { boardioQuirks: { runSeq: 'per-row' } },
      completion: { completedBy: 'quiet', quietMs: 150 },
    });
    expect(steps(seen).slice(-2)).toEqual(['completed', 'end']);
  });

  it('a unit that says nothing after runSeq: no-completion-message by default, completed by quiet when told', () => {
    const silent: Rig['unit'] = { boardioQuirks: { runSeq: 'no-completion' } };
    expect(steps(play({ unit: silent })).slice(-2)).toEqual([
      expect.stringMatching(/^failed run no-completion-message: /),
      'end',
    ]);
    const quiet = play({ unit: silent, completion: { completedBy: 'quiet', quietMs: 500 } });
    expect(steps(quiet)).toEqual(['uploaded', 'loaded', 'started', 'completed by quiet', 'end']);
  });

  it('with quiet, a failure message still fails the run', () => {
    const seen = play({
      unit: { boardioQuirks: { runSeq: 'per-row' } },
      completion: { completedBy: 'quiet', quietMs: 500, failedOn: ['error', /^BOARDIO_ROW 2\//] },
    });
    expect(steps(seen).slice(-2)).toEqual(['failed run boardio: BOARDIO_ROW 2/2', 'end']);
  });

  it('takes a unit wording as regular expressions', () => {
    const seen = play({
      unit: { boardioQuirks: { runSeq: 'per-row' } },
      completion: { completedOn: [/^BOARDIO_ROW (\d+)\/\1$/] },
    });
    expect(steps(seen)).toEqual([
      'uploaded',
      'loaded',
      'started',
      'message BOARDIO_ROW 1/2',
      'completed',
      'end',
    ]);
  });

  it("a call's rules override the coordinator's, field by field; a call's runTimeoutMs too", () => {
    const silent: Rig['unit'] = { boardioQuirks: { runSeq: 'no-completion' } };
    const byMessage = play({
      unit: silent,
      completion: { completedBy: 'quiet', quietMs: 500 },
      call: { completion: { completedBy: 'message' } },
    });
    expect(steps(byMessage).at(-2)).toMatch(
      /^failed run no-completion-message: no Sequence complete within 1000 ms/,
    );
    const longer = play({
      unit: silent,
      completion: { runTimeoutMs: 100 },
      call: { runTimeoutMs: 2_000 },
    });
    expect(steps(longer).at(-2)).toMatch(/within 2000 ms/);
  });

  it('checks rules when they are given, naming the bad one', () => {
    const network = memoryNetwork({ scheduler: new TestScheduler(() => undefined) });
    const bad = (completion: unknown) => () =>
      createCoordinator({
        transport: memoryTransport(network),
        completion: completion as Partial<CompletionRules>,
      });
    expect(bad({ completedBy: 'silence' })).toThrow(OptionError);
    expect(bad({ completedBy: 'silence' })).toThrow(
      /option completion\.completedBy must be 'message' or 'quiet'/,
    );
    expect(bad({ quietMs: -1 })).toThrow(/option completion\.quietMs must be/);
    expect(bad({ loadedOn: ['BOARDIO_READY'] })).toThrow(/option completion\.loadedOn must be a list of/);
    expect(bad({ completeOn: ['complete'] })).toThrow(/option completion\.completeOn must be no such rule/);
    expect(bad([])).toThrow(/option completion must be an object/);
    const coordinator = createCoordinator({ transport: memoryTransport(network) });
    expect(() => coordinator.runSequence(UNIT, SEQ, { completion: { runTimeoutMs: 0 } })).toThrow(
      /option options\.completion\.runTimeoutMs must be/,
    );
    expect(() => memoryUnit(network, { boardioQuirks: { runSeq: 'sometimes' as 'vendor' } })).toThrow(
      /option boardioQuirks\.runSeq must be 'vendor', 'ready-only', 'per-row', 'no-completion'/,
    );
  });

  it('docs/sequences.md prints the default rules as they are', () => {
    const doc = readFileSync(join(__dirname, '..', '..', 'docs', 'sequences.md'), 'utf8');
    const section = doc.split('## When a sequence counts as loaded, started and complete')[1] ?? '';
    for (const [rule, value] of Object.entries(COMPLETION_RULES)) {
      const shownValue = Array.isArray(value)
        ? `[${value.map((v: unknown) => `'${String(v)}'`).join(', ')}]`
        : typeof value === 'number'
          ? value.toLocaleString('en').replace(/,/g, '_')
          : `'${String(value)}'`;
      const escaped = (t: string) => t.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      expect(section).toMatch(new RegExp(`\\| \`${escaped(rule)}\` +\\| \`${escaped(shownValue)}\` +\\|`));
    }
  });
});
