import { lastValueFrom, toArray } from 'rxjs';
import { ASSUMPTIONS } from '../../src/protocol/assumptions';
import {
  doctor,
  type DoctorCheck,
  type DoctorCheckId,
  type DoctorOptions,
  type DoctorReport,
} from '../../src';
import { simulateUnit, type SimulatedUnit, type SimulateUnitOptions } from '../../src/simulator';
import { withoutBoardiocli } from '../helpers/units';

// this file's loopback addresses: 127.22.1.0/24

const units: SimulatedUnit[] = [];
function unit(last: number, options: Omit<SimulateUnitOptions, 'host'> = {}): string {
  const host = `127.22.1.${last}`;
  units.push(simulateUnit({ host, hardwareReadyDelayMs: 0, rowDurationMs: 1, ...options }));
  return host;
}

const LISTENER: DoctorOptions = { coordinator: { listen: { host: '127.0.0.1', port: 0 } }, timeoutMs: 5_000 };

function examine(target: string, options: DoctorOptions = {}): Promise<DoctorReport> {
  return lastValueFrom(doctor(target, { ...LISTENER, ...options }));
}

function check(report: DoctorReport, id: DoctorCheckId): DoctorCheck {
  const found = report.checks.find((c) => c.id === id);
  if (found === undefined) throw new Error(`no check ${id}`);
  return found;
}

const statuses = (report: DoctorReport) => Object.fromEntries(report.checks.map((c) => [c.id, c.status]));

afterAll(async () => {
  await Promise.all(units.map((u) => u.close()));
});

describe('doctor()', () => {
  const conforming = unit(2);
  const stripped = unit(3, { pycomQuirks: { stripOutput: true } });
  const crlf = unit(4, { pycomQuirks: { crlf: true } });
  const newline = unit(5, { pycomQuirks: { appendNewline: true } });
  const capped = unit(6, { pycomQuirks: { outputCapBytes: 4096 } });
  const noBoardio = unit(7, { executor: withoutBoardiocli });
  const unreachable = '127.22.1.9';
  beforeAll(() => Promise.all(units.map((u) => u.ready)));

  it('passes every check on a unit that behaves as the vendor pages say', async () => {
    const report = await examine(conforming, { withSequence: true });
    expect(report.unit).toBe(conforming);
    expect(statuses(report)).toEqual({
      heartbeat: 'pass',
      'unit-info': 'pass',
      trailer: 'pass',
      'exit-status': 'pass',
      'stderr-merged': 'pass',
      'large-output': 'pass',
      latency: 'pass',
      boardiocli: 'pass',
      clock: 'pass',
      sequence: 'pass',
      'heartbeat-needed': 'skip',
    });
    expect(report.ok).toBe(true);
    expect(check(report, 'sequence').data?.['messages']).toEqual([
      { ms: expect.any(Number), message: 'BOARDIO_READY' },
      { ms: expect.any(Number), message: 'Sequence complete' },
    ]);
    expect(check(report, 'trailer').assumptions).toContain('output.not-trimmed');
  });

  it.each([
    [stripped, ['stripped']],
    [crlf, ['crlf']],
    [newline, ['newline-appended']],
  ] as const)(
    'names what pycom did to the output of %s, as a warning the library copes with',
    async (host, changes) => {
      const report = await examine(host);
      const trailer = check(report, 'trailer');
      expect(trailer.status).toBe('warn');
      expect(trailer.data?.['changes']).toEqual(changes);
      expect(report.ok).toBe(true);
    },
  );

  it('fails large-output with the cap where pycom cut the output', async () => {
    const report = await examine(capped);
    const large = check(report, 'large-output');
    expect(large.status).toBe('fail');
    expect(large.data?.['capBytes']).toBe(4096);
    expect(large.saw).toContain('outputCapBytes: 4096');
    expect(report.ok).toBe(false);
  });

  it('fails boardiocli on a unit whose PATH has none', async () => {
    const report = await examine(noBoardio);
    expect(check(report, 'boardiocli').status).toBe('fail');
    expect(check(report, 'trailer').status).toBe('pass');
    expect(report.ok).toBe(false);
  });

  it('fails heartbeat on an unreachable unit and skips the rest', async () => {
    const report = await examine(unreachable);
    expect(check(report, 'heartbeat').status).toBe('fail');
    expect(check(report, 'heartbeat').saw).toMatch(/refused/i);
    expect(report.checks.slice(1).every((c) => c.status === 'skip')).toBe(true);
    expect(report.ok).toBe(false);
  });

  it('emits one report per unit, in the order given', async () => {
    const reports = await lastValueFrom(doctor([unreachable, conforming], LISTENER).pipe(toArray()));
    expect(reports.map((r) => [r.unit, r.ok])).toEqual([
      [unreachable, false],
      [conforming, true],
    ]);
  });

  it('throws an OptionError at once for a bad option', () => {
    expect(() => doctor(conforming, { timeoutMs: -1 })).toThrow(/timeoutMs/);
    expect(() => doctor(conforming, { slow: 'yes' as unknown as boolean })).toThrow(/slow/);
  });
});

describe('doctor() --with-sequence records what boardio says', () => {
  const readyOnly = unit(10, { boardioQuirks: { runSeq: 'ready-only' } });
  const perRow = unit(11, { boardioQuirks: { runSeq: 'per-row' } });
  const silent = unit(12, { boardioQuirks: { runSeq: 'no-completion' } });
  beforeAll(() => Promise.all(units.map((u) => u.ready)));

  it('records per-row messages in order', async () => {
    const report = await examine(perRow, { withSequence: true });
    const messages = (check(report, 'sequence').data?.['messages'] as Array<{ message: string }>).map(
      (m) => m.message,
    );
    expect(messages).toEqual(['BOARDIO_READY', 'BOARDIO_ROW 1/1', 'Sequence complete']);
    expect(check(report, 'sequence').status).toBe('pass');
  });

  it('records a second BOARDIO_READY of a ready-only runSeq', async () => {
    const report = await examine(readyOnly, { withSequence: true, sequenceTimeoutMs: 1_000 });
    const messages = (check(report, 'sequence').data?.['messages'] as Array<{ message: string }>).map(
      (m) => m.message,
    );
    expect(messages).toEqual(['BOARDIO_READY', 'BOARDIO_READY']);
  });

  it('fails the sequence check when no completion message comes', async () => {
    const report = await examine(silent, { withSequence: true, sequenceTimeoutMs: 500 });
    const sequence = check(report, 'sequence');
    expect(sequence.status).toBe('fail');
    expect((sequence.data?.['messages'] as Array<{ message: string }>).map((m) => m.message)).toEqual([
      'BOARDIO_READY',
    ]);
    expect(sequence.data?.['restored']).toBe(true);
  });
});

describe('doctor() --slow', () => {
  const forgetful = unit(20, { coordinatorTimeoutMs: 100 });
  beforeAll(() => Promise.all(units.map((u) => u.ready)));

  it('sends a command after a silence with no heartbeat, and says whether it was answered', async () => {
    const report = await examine(forgetful, { slow: true, silenceMs: 300 });
    const needed = check(report, 'heartbeat-needed');
    expect(['pass', 'warn']).toContain(needed.status);
    expect(needed.data).toEqual({ silenceMs: 300, answered: needed.status === 'pass' });
  });
});

describe('the assumptions table and the doctor', () => {
  it('names only checks the doctor has', async () => {
    const report = await lastValueFrom(doctor('127.22.1.99', LISTENER));
    const ids = report.checks.map((c) => c.id as string);
    for (const a of ASSUMPTIONS) if (a.check !== undefined) expect(ids).toContain(a.check);
  });
});
