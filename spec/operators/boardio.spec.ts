import { TestScheduler } from 'rxjs/testing';
import type { PycomEvent } from '../../src/protocol';
import { parseBoardioMessage, toBoardioResult, type BoardioResult } from '../../src/operators/boardio';
import { message, output, unitA, unitInfo } from '../helpers/events';

describe('parseBoardioMessage', () => {
  it('reads the texts the simulated unit sends', () => {
    expect(parseBoardioMessage('BOARDIO_READY')).toEqual({ status: 'ready', detail: '' });
    expect(parseBoardioMessage('BOARDIO_ERROR: sequence file is empty')).toEqual({
      status: 'error',
      reason: 'sequence file is empty',
    });
    expect(parseBoardioMessage('Sequence complete')).toEqual({ status: 'complete' });
  });

  it('takes the text after the keyword, an optional colon and spaces as the detail or reason', () => {
    expect(parseBoardioMessage('  BOARDIO_READY: uSeq loaded \n')).toEqual({
      status: 'ready',
      detail: 'uSeq loaded',
    });
    expect(parseBoardioMessage('BOARDIO_READY runSeq')).toEqual({ status: 'ready', detail: 'runSeq' });
    expect(parseBoardioMessage('BOARDIO_ERROR bad row 3: x')).toEqual({
      status: 'error',
      reason: 'bad row 3: x',
    });
  });

  it('gives an error without a reason the reason "unspecified"', () => {
    expect(parseBoardioMessage('BOARDIO_ERROR')).toEqual({ status: 'error', reason: 'unspecified' });
    expect(parseBoardioMessage('BOARDIO_ERROR:  ')).toEqual({ status: 'error', reason: 'unspecified' });
  });

  it('recognises "Sequence complete" whatever its case, spacing and trailing punctuation', () => {
    for (const text of [
      'sequence complete',
      'SEQUENCE COMPLETE.',
      ' Sequence  complete!\n',
      'Sequence complete...',
    ])
      expect(parseBoardioMessage(text)).toEqual({ status: 'complete' });
  });

  it('finds the keywords anywhere in the text, with the text around them', () => {
    expect(parseBoardioMessage('boardio: BOARDIO_READY')).toEqual({ status: 'ready', detail: '' });
    expect(parseBoardioMessage('[12:00:01] BOARDIO_READY: loaded 3 rows')).toEqual({
      status: 'ready',
      detail: 'loaded 3 rows',
    });
    expect(parseBoardioMessage('uSeq -> BOARDIO_ERROR: row 2 out of range')).toEqual({
      status: 'error',
      reason: 'row 2 out of range',
    });
    expect(parseBoardioMessage('could not read la4_sequence.csv: BOARDIO_ERROR')).toEqual({
      status: 'error',
      reason: 'could not read la4_sequence.csv',
    });
    expect(parseBoardioMessage('note: BOARDIO_ERROR')).toEqual({ status: 'error', reason: 'note' });
  });

  it('never takes a text that names both keywords as a success', () => {
    expect(parseBoardioMessage('BOARDIO_READY expected, got BOARDIO_ERROR: busy')).toEqual({
      status: 'error',
      reason: 'busy',
    });
    expect(parseBoardioMessage('BOARDIO_ERROR: not BOARDIO_READY')).toEqual({
      status: 'error',
      reason: 'not BOARDIO_READY',
    });
  });

  it('ignores any other text, including words that merely contain a keyword', () => {
    for (const text of [
      '',
      'hello',
      'Sequence completed',
      'Sequence complete: 3 rows',
      'BOARDIO_READYNESS',
      'MY_BOARDIO_READY',
      'BOARDIO_ERROR_COUNT: 0',
      'X_BOARDIO_ERROR',
      'boardio_ready',
    ])
      expect(parseBoardioMessage(text)).toBeUndefined();
  });
});

describe('toBoardioResult', () => {
  let scheduler: TestScheduler;
  beforeEach(() => {
    scheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
  });

  const events: Record<string, PycomEvent> = {
    r: message(unitA, 'BOARDIO_READY'),
    e: message(unitA, 'BOARDIO_ERROR: no file'),
    c: message(unitA, 'Sequence complete'),
    h: message(unitA, 'hello'),
    o: output(unitA, 'BOARDIO_READY'),
    i: unitInfo(unitA),
  };

  it('turns boardio reports into results carrying their event, and skips everything else', () => {
    scheduler.run(({ hot, expectObservable }) => {
      const events$ = hot<PycomEvent>('-o-r-h-i-e-c-|', events);
      const results: Record<string, BoardioResult> = {
        R: { status: 'ready', detail: '', event: message(unitA, 'BOARDIO_READY') },
        E: { status: 'error', reason: 'no file', event: message(unitA, 'BOARDIO_ERROR: no file') },
        C: { status: 'complete', event: message(unitA, 'Sequence complete') },
      };
      expectObservable(events$.pipe(toBoardioResult())).toBe('---R-----E-C-|', results);
    });
  });

  it('passes errors through', () => {
    scheduler.run(({ cold, expectObservable }) => {
      const events$ = cold<PycomEvent>('-c-#', events);
      const C: BoardioResult = { status: 'complete', event: message(unitA, 'Sequence complete') };
      expectObservable(events$.pipe(toBoardioResult())).toBe('-C-#', { C });
    });
  });
});
