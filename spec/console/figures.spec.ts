import { addFigures, figuresOf, NO_FIGURES } from '../../src/console/figures';
import type { Job } from '../../src/console/types';

const header = { id: 1, title: 'exit 2', startedAt: 0, done: true };

describe('the console figures', () => {
  it('counts a command as ok only when it exited 0, and as failed when it exited non-zero or got no output', () => {
    const job: Job = {
      ...header,
      kind: 'command',
      units: {
        a: { status: 'done', output: '', exitCode: 0, ms: 5 },
        b: { status: 'done', output: '', exitCode: 2, ms: 5 },
        c: { status: 'failed', error: 'no output in time', ms: 5 },
        d: { status: 'running' },
      },
    };
    expect(figuresOf(job)).toEqual({ ...NO_FIGURES, commands: { ok: 1, failed: 2, running: 1 } });
  });

  it('counts a sequence as its row shows it: completed, failed at a step, or running', () => {
    const job: Job = {
      ...header,
      kind: 'sequence',
      units: {
        a: { steps: ['uploaded', 'loaded', 'started', 'completed'], ms: 300 },
        b: {
          steps: ['uploaded'],
          ms: 80,
          failed: { failedStep: 'load', reason: 'boardio', message: 'BOARDIO_ERROR' },
        },
        c: { steps: ['uploaded', 'loaded'] },
      },
    };
    expect(figuresOf(job)).toEqual({ ...NO_FIGURES, sequences: { completed: 1, failed: 1, running: 1 } });
  });

  it("replaces a job's old outcomes by its new ones", () => {
    const running: Job = { ...header, kind: 'command', units: { a: { status: 'running' } } };
    const done: Job = { ...running, units: { a: { status: 'done', output: '', exitCode: 2 } } };
    const total = addFigures(addFigures(figuresOf(running), figuresOf(done)), figuresOf(running), -1);
    expect(total.commands).toEqual({ ok: 0, failed: 1, running: 0 });
  });
});
