import { catchError, concatMap, filter, map, NEVER, of, timer, type Observable } from 'rxjs';
import type { TestScheduler } from 'rxjs/testing';
import { SendError, type Inbound } from '../../src/transport';
import { ledFan, modelLight, uploadCommand } from '../../src/sequence';
import type { UnitActivity } from '../../src/simulator';
import {
  memoryNetwork,
  memoryTransport,
  memoryUnit,
  type MemoryNetwork,
  type MemoryUnitOptions,
  type MemoryUnit,
} from '../../src/testing';
import { command as cmd, heartbeat as beat, MEMORY_PC, testScheduler } from '../helpers/events';

const UNIT = '192.168.0.23';

/** What the coordinator's listener got, one short string per item. */
const shown = (item: Inbound): string => {
  if (!('type_' in item)) return `rejected ${item.reason}`;
  const e = item;
  return e.type_ === 'output' ? `out ${e.output}` : e.type_ === 'message' ? `msg ${e.message}` : 'unit_info';
};

/** A network, a coordinator-side transport listening on 5000, and one unit, in virtual time. */
function rig(ts: TestScheduler, options: MemoryUnitOptions = {}) {
  const network: MemoryNetwork = memoryNetwork({ scheduler: ts });
  const transport = memoryTransport(network);
  const unit: MemoryUnit = memoryUnit(network, { host: UNIT, ...options });
  const inbound$: Observable<string> = transport.listen({ port: 5000 }).pipe(map(shown));
  const at = (frame: number, act: () => void) => ts.schedule(act, frame);
  const heartbeat = (frame: number) =>
    at(frame, () => transport.send(UNIT, beat(5000, MEMORY_PC)).subscribe());
  const command = (frame: number, text: string) =>
    at(frame, () => transport.send(UNIT, cmd(5000, text, MEMORY_PC)).subscribe());
  return { network, transport, unit, inbound$, at, heartbeat, command };
}

/** The unit's activity of the given kinds, as their kind. */
const only = (events$: Observable<UnitActivity>, ...keep: ReadonlyArray<UnitActivity['kind']>) =>
  events$.pipe(
    filter((a) => keep.includes(a.kind)),
    map((a) => a.kind),
  );

describe('memoryUnit: heartbeats and unit_info', () => {
  it('sends unit_info once per coordinator, across repeated heartbeats and a reconnection', () => {
    const ts = testScheduler();
    ts.run(({ expectObservable }) => {
      const { unit, inbound$, heartbeat } = rig(ts, { coordinatorTimeoutMs: 100 });
      for (const frame of [0, 10, 20, 200]) heartbeat(frame);
      expectObservable(inbound$).toBe('a', { a: 'unit_info' });
      expectObservable(only(unit.events$, 'coordinator-added', 'coordinator-expired')).toBe(
        'a 119ms x 79ms a 99ms x',
        { a: 'coordinator-added', x: 'coordinator-expired' },
      );
    });
  });

  it('forgets a coordinator coordinatorTimeoutMs after its last heartbeat', () => {
    const ts = testScheduler();
    ts.run(({ expectObservable }) => {
      const { unit, heartbeat } = rig(ts, { coordinatorTimeoutMs: 100 });
      heartbeat(0);
      heartbeat(60);
      heartbeat(200);
      expectObservable(only(unit.events$, 'coordinator-added', 'coordinator-expired')).toBe(
        'a 159ms x 39ms a 99ms x',
        { a: 'coordinator-added', x: 'coordinator-expired' },
      );
    });
  });

  it('holds unit_info until the hardware is ready: manual boot', () => {
    const ts = testScheduler();
    ts.run(({ expectObservable }) => {
      const { unit, inbound$, heartbeat, at } = rig(ts, { hardwareReadyDelayMs: 'manual' });
      heartbeat(0);
      at(50, () => unit.bootHardware());
      expectObservable(inbound$).toBe('50ms (ab)', {
        a: 'unit_info',
        b: 'msg BOARDIO_ERROR: la4_sequence_standalone.csv not found',
      });
    });
  });

  it('holds unit_info until the hardware is ready: a boot delay, then the heartbeat that came first', () => {
    const ts = testScheduler();
    ts.run(({ expectObservable }) => {
      const { inbound$, heartbeat } = rig(ts, {
        hardwareReadyDelayMs: 30,
        rowDurationMs: 5,
        files: { 'la4_sequence_standalone.csv': 'LED_FAN,1\nMODEL_LIGHT,10\n' },
      });
      heartbeat(10);
      expectObservable(inbound$).toBe('30ms (ab) 6ms c', {
        a: 'unit_info',
        b: 'msg BOARDIO_READY',
        c: 'msg Sequence complete',
      });
    });
  });

  it('ignores heartbeats with coordinator: false, and reports malformed requests', () => {
    const ts = testScheduler();
    ts.run(({ expectObservable }) => {
      const { unit, transport, at, heartbeat } = rig(ts);
      at(0, () => transport.send(UNIT, beat(5000, { ...MEMORY_PC, coordinator: false })).subscribe());
      at(5, () => transport.send(UNIT, { ...beat(5000, MEMORY_PC), port: 0 } as never).subscribe());
      heartbeat(9); // the sentinel: the next heartbeat, the only one that counts
      const seen$ = unit.events$.pipe(
        filter((a) => a.kind === 'request-rejected' || a.kind === 'coordinator-added'),
        map((a) => (a.kind === 'request-rejected' ? a.reason : a.kind)),
      );
      expectObservable(seen$).toBe('5ms f 3ms c', { f: 'field', c: 'coordinator-added' });
    });
  });
});

describe('memoryUnit: commands', () => {
  it('answers with stdout, or stderr on failure, after the executor duration, one command at a time', () => {
    const ts = testScheduler();
    ts.run(({ expectObservable }) => {
      const { inbound$, command } = rig(ts, {
        executor: (text) => {
          if (text === 'slow') return { stdout: 'slow done\n', durationMs: 50 };
          if (text === 'fail') return { stdout: 'ignored', stderr: 'it failed\n', exitCode: 3 };
          if (text === 'throw') throw new Error('executor exploded');
          return { stdout: `${text}\n` };
        },
      });
      command(0, 'slow');
      command(1, 'fast');
      command(60, 'fail');
      command(70, 'throw');
      expectObservable(inbound$).toBe('50ms (ab) 6ms c 9ms d', {
        a: 'out slow done\n',
        b: 'out fast\n',
        c: 'out it failed\n',
        d: 'out executor exploded',
      });
    });
  });

  it('takes an Observable from the executor, and says "not found" without one', () => {
    const ts = testScheduler();
    ts.run(({ expectObservable }) => {
      const { network, transport, inbound$, command, at } = rig(ts, {
        executor: () => timer(20, ts).pipe(map(() => ({ stdout: 'late\n' }))),
      });
      memoryUnit(network, { host: '10.0.0.9' });
      command(0, 'anything');
      at(30, () => transport.send('10.0.0.9', cmd(5000, 'uptime -p', MEMORY_PC)).subscribe());
      expectObservable(inbound$).toBe('20ms a 9ms b', {
        a: 'out late\n',
        b: 'out sh: 1: uptime: not found\n',
      });
    });
  });

  it('gives up a command after commandTimeoutMs with status 124, and goes on with the next', () => {
    const ts = testScheduler();
    ts.run(({ expectObservable }) => {
      const { unit, inbound$, command } = rig(ts, {
        commandTimeoutMs: 100,
        executor: (text) => (text === 'hang' ? NEVER : { stdout: 'next\n' }),
      });
      command(0, 'hang');
      command(1, 'next');
      const codes$ = unit.events$.pipe(
        filter((a) => a.kind === 'command-finished'),
        map((a) => (a.kind === 'command-finished' ? a.exitCode : undefined)),
      );
      expectObservable(inbound$).toBe('100ms (ab)', {
        a: 'out pycom-sim: command timed out after 100 ms\n',
        b: 'out next\n',
      });
      expectObservable(codes$).toBe('100ms (yz)', { y: 124, z: 0 });
    });
  });
});

describe('memoryUnit: boardio', () => {
  it('loads an upload, plays it row by row on runSeq, and answers the sender', () => {
    const ts = testScheduler();
    ts.run(({ expectObservable }) => {
      const { inbound$, command } = rig(ts, { rowDurationMs: 100 });
      command(0, uploadCommand([ledFan(1), modelLight(20), ledFan(0)]));
      command(10, 'boardiocli runSeq');
      command(20, 'boardiocli runSeq');
      expectObservable(inbound$).toBe('(ab) 6ms c 9ms (de) 286ms f', {
        a: 'out BOARDIO_CLI: Sent: "uSeq" to FIFO file\n',
        b: 'msg BOARDIO_READY',
        c: 'out BOARDIO_CLI: Sent: "runSeq" to FIFO file\n',
        d: 'out BOARDIO_CLI: Sent: "runSeq" to FIFO file\n',
        e: 'msg BOARDIO_ERROR: a sequence is already running',
        f: 'msg Sequence complete',
      });
    });
  });

  it('answers BOARDIO_ERROR for an invalid file, and for runSeq with nothing loaded', () => {
    const ts = testScheduler();
    ts.run(({ expectObservable }) => {
      const { unit, inbound$, command } = rig(ts);
      command(
        0,
        `printf '%s' 'LED_FAN,1\nALL_4_CANON,80,110\n' > "$HOME"/'la4_sequence.csv' && boardiocli uSeq`,
      );
      command(5, 'boardiocli runSeq');
      command(9, 'boardiocli stopSeq');
      expectObservable(inbound$).toBe('(ab) 1ms (cd) e', {
        a: 'out BOARDIO_CLI: Sent: "uSeq" to FIFO file\n',
        b: 'msg BOARDIO_ERROR: la4_sequence.csv line 2: ALL_4_CANON shutterMs: 110 is out of range 0..109',
        c: 'out BOARDIO_CLI: Sent: "runSeq" to FIFO file\n',
        d: 'msg BOARDIO_ERROR: no sequence loaded (send uSeq first)',
        e: 'out BOARDIO_CLI: unknown command "stopSeq" (expected uSeq, uSeqStandalone or runSeq)\n',
      });
      ts.schedule(
        () => expect(unit.files.get('la4_sequence.csv')).toBe('LED_FAN,1\nALL_4_CANON,80,110\n'),
        10,
      );
    });
  });

  it('keeps the previous program after a refused load, and answers before the output when asked', () => {
    const ts = testScheduler();
    ts.run(({ expectObservable }) => {
      const { inbound$, command } = rig(ts, { rowDurationMs: 10, boardioBeforeOutput: true });
      command(0, uploadCommand([ledFan(1)]));
      command(5, `printf '%s' 'LASER,1\n' > "$HOME"/'la4_sequence.csv' && boardiocli uSeq`);
      command(9, 'boardiocli runSeq');
      expectObservable(inbound$).toBe('(ab) 1ms (cd) e 9ms f', {
        a: 'msg BOARDIO_READY',
        b: 'out BOARDIO_CLI: Sent: "uSeq" to FIFO file\n',
        c: expect.stringMatching(/^msg BOARDIO_ERROR: la4_sequence\.csv line 1: unknown register "LASER"/),
        d: 'out BOARDIO_CLI: Sent: "uSeq" to FIFO file\n',
        e: 'out BOARDIO_CLI: Sent: "runSeq" to FIFO file\n',
        f: 'msg Sequence complete',
      });
    });
  });

  it('lets an executor hand verbs to boardio, after its output', () => {
    const ts = testScheduler();
    ts.run(({ expectObservable }) => {
      const { inbound$, command } = rig(ts, {
        rowDurationMs: 7,
        files: { 'la4_sequence.csv': 'MODEL_LIGHT,50\n' },
        executor: (text, { boardio }) => {
          boardio('uSeq');
          boardio('runSeq');
          return { stdout: `ran ${text}\n` };
        },
      });
      command(0, 'flash');
      expectObservable(inbound$).toBe('(ab) 3ms c', {
        a: 'out ran flash\n',
        b: 'msg BOARDIO_READY',
        c: 'msg Sequence complete',
      });
    });
  });
});

describe('memoryUnit: faults, reboots, close', () => {
  it('drops, breaks and delays events as told', () => {
    const ts = testScheduler();
    ts.run(({ expectObservable }) => {
      const { unit, inbound$, command, at } = rig(ts, { executor: (text) => ({ stdout: `${text}\n` }) });
      unit.faults.dropNext();
      unit.faults.malformNext();
      command(0, 'one');
      command(1, 'two');
      command(2, 'three');
      at(3, () => unit.faults.delay(40));
      command(4, 'four');
      command(5, 'five');
      expectObservable(inbound$).toBe('-ab 41ms c 39ms d', {
        a: 'rejected json',
        b: 'out three\n',
        c: 'out four\n',
        d: 'out five\n',
      });
    });
  });

  it('refuses requests while told to, and takes them again after', () => {
    const ts = testScheduler();
    ts.run(({ expectObservable, cold }) => {
      const { unit, transport, at } = rig(ts);
      unit.faults.refuseConnections();
      at(10, () => unit.faults.refuseConnections(false));
      const refused = new SendError(UNIT, 5000, 'refused', 'ECONNREFUSED', 'connect: ECONNREFUSED');
      const send$ = cold('a 9ms (b|)').pipe(
        concatMap(() =>
          transport.send(UNIT, beat(5000, MEMORY_PC)).pipe(
            map(() => 'ok'),
            catchError((e) => of(e)),
          ),
        ),
      );
      expectObservable(send$).toBe('a 9ms (b|)', { a: refused, b: 'ok' });
    });
  });

  it('reboots: refuses while down, forgets who got unit_info, drops the running command, boots again', () => {
    const ts = testScheduler();
    ts.run(({ expectObservable, cold }) => {
      const { unit, transport, inbound$, heartbeat, command, at } = rig(ts, {
        hardwareReadyDelayMs: 20,
        executor: () => ({ stdout: 'never\n', durationMs: 1000 }),
      });
      heartbeat(0);
      command(30, 'long');
      at(40, () => unit.reboot({ downtimeMs: 100 }));
      const refused$ = cold('50ms a').pipe(
        concatMap(() =>
          transport.send(UNIT, beat(5000, MEMORY_PC)).pipe(catchError((e: SendError) => of(e.reason))),
        ),
      );
      heartbeat(150);
      expectObservable(refused$).toBe('50ms a', { a: 'refused' });
      expectObservable(inbound$).toBe('20ms (ab) 136ms (ab)', {
        a: 'unit_info',
        b: 'msg BOARDIO_ERROR: la4_sequence_standalone.csv not found',
      });
      expectObservable(only(unit.events$, 'reboot', 'listening', 'command-started', 'command-finished')).toBe(
        '30ms s 9ms r 99ms l',
        { s: 'command-started', r: 'reboot', l: 'listening' },
      );
    });
  });

  it('close() leaves the network: requests then find nobody', () => {
    const ts = testScheduler();
    ts.run(({ expectObservable, cold }) => {
      const { unit, transport, at } = rig(ts);
      at(5, () => unit.close());
      const late$ = cold('10ms a').pipe(
        concatMap(() => transport.send(UNIT, beat(5000, MEMORY_PC), { connectTimeoutMs: 100 })),
        catchError((e: SendError) => of(e.reason)),
      );
      expectObservable(late$).toBe('110ms (a|)', { a: 'timeout' });
      expectObservable(unit.events$.pipe(map((a) => a.kind))).toBe('5ms (c|)', { c: 'closed' });
    });
  });
});
