import * as fs from 'node:fs';
import * as path from 'node:path';
import { command, heartbeat } from '../helpers/events';
import { RawCollector, sendRequest } from '../helpers/sockets';
import { record, sentinel, simulatorFixture } from '../helpers/units';

const SEQUENCE = 'LED_FAN,1\nALL_4_CANON,80,105\nMODEL_LIGHT,0\n';
const write = (text: string, file = '~/la4_sequence.csv') =>
  `printf '%s' '${text}' > ${file.replace('~', '"$HOME"')}`;

describe('simulated unit: boardio stand-in', () => {
  const fx = simulatorFixture();

  it('uploads and runs a sequence: exact output lines, then BOARDIO_READY, then Sequence complete', async () => {
    const unit = fx.simulateUnit({ host: '127.0.1.50', hardwareReadyDelayMs: 0, rowDurationMs: 100 });
    const activity = record(unit.events$);
    await activity.waitFor('hardware-ready');
    await sendRequest(
      '127.0.1.50',
      5000,
      command(fx.collector.port, `${write(SEQUENCE)} && boardiocli uSeq && boardiocli runSeq`),
    );
    const [output, ready, complete] = await fx.collector.waitForCount(3);
    expect(output!.json).toMatchObject({
      type_: 'output',
      output: 'BOARDIO_CLI: Sent: "uSeq" to FIFO file\nBOARDIO_CLI: Sent: "runSeq" to FIFO file\n',
    });
    expect(ready!.json).toMatchObject({ type_: 'message', message: 'BOARDIO_READY', ip: '127.0.1.50' });
    expect(complete!.json).toMatchObject({ type_: 'message', message: 'Sequence complete' });

    const rows = activity.all.filter((a) => a.kind === 'sequence-row');
    expect(rows.map((a) => (a.kind === 'sequence-row' ? a.row : undefined))).toEqual([
      { register: 'LED_FAN', state: 1 },
      { register: 'ALL_4_CANON', power: 80, shutterMs: 105 },
      { register: 'MODEL_LIGHT', power: 0 },
    ]);
    // 3 rows x 100 ms, by the unit's own clock (arrival times also hold delivery delays)
    const said = activity.all.flatMap((a) => (a.kind === 'boardio-message' ? [a] : []));
    const [loaded, played] = [said.at(-2)!, said.at(-1)!];
    expect([loaded.message, played.message]).toEqual(['BOARDIO_READY', 'Sequence complete']);
    expect(played.at - loaded.at).toBeGreaterThanOrEqual(290);
  });

  it('answers BOARDIO_ERROR naming the invalid row, and runSeq then has nothing to run', async () => {
    const unit = fx.simulateUnit({ host: '127.0.1.51', hardwareReadyDelayMs: 0, rowDurationMs: 5 });
    await unit.ready;
    await sendRequest(
      '127.0.1.51',
      5000,
      command(
        fx.collector.port,
        `${write('LED_FAN,1\nALL_4_CANON,80,110\n')} && boardiocli uSeq && boardiocli runSeq`,
      ),
    );
    const [, error, noSequence] = await fx.collector.waitForCount(3);
    expect(error!.json?.['message']).toBe(
      'BOARDIO_ERROR: la4_sequence.csv line 2: ALL_4_CANON shutterMs: 110 is out of range 0..109',
    );
    expect(noSequence!.json?.['message']).toBe('BOARDIO_ERROR: no sequence loaded (send uSeq first)');
  });

  it('reports a missing or empty sequence file, and an unknown register', async () => {
    const unit = fx.simulateUnit({ host: '127.0.1.52', hardwareReadyDelayMs: 0 });
    await unit.ready;
    await sendRequest('127.0.1.52', 5000, command(fx.collector.port, 'boardiocli uSeq'));
    await sendRequest('127.0.1.52', 5000, command(fx.collector.port, `${write('\n\n')} && boardiocli uSeq`));
    await sendRequest(
      '127.0.1.52',
      5000,
      command(fx.collector.port, `${write('MODEL_LIGHT,5\nLASER,1\n')} && boardiocli uSeq`),
    );
    const items = await fx.collector.waitForCount(6);
    expect(items.filter((i) => i.json?.['type_'] === 'message').map((i) => i.json?.['message'])).toEqual([
      'BOARDIO_ERROR: la4_sequence.csv not found',
      'BOARDIO_ERROR: la4_sequence.csv is empty',
      expect.stringMatching(/^BOARDIO_ERROR: la4_sequence\.csv line 2: unknown register "LASER"/),
    ]);
  });

  it('boardiocli rejects an unknown verb on stderr with status 1, and boardio hears nothing', async () => {
    const unit = fx.simulateUnit({ host: '127.0.1.53', hardwareReadyDelayMs: 0 });
    const activity = record(unit.events$);
    await unit.ready;
    await sendRequest('127.0.1.53', 5000, command(fx.collector.port, 'boardiocli stopSeq'));
    const [item] = await fx.collector.waitForCount(1);
    expect(item!.json?.['output']).toMatch(/^BOARDIO_CLI: unknown command "stopSeq"/);
    expect((await activity.waitFor('command-finished')).exitCode).toBe(1);
    expect(await sentinel('127.0.1.53', fx.collector)).toHaveLength(1);
    expect(activity.kinds()).not.toContain('boardio-verb');
  });

  it('refuses a second runSeq while a sequence plays, and replays the loaded sequence later', async () => {
    const unit = fx.simulateUnit({ host: '127.0.1.54', hardwareReadyDelayMs: 0, rowDurationMs: 100 });
    await unit.ready;
    await sendRequest(
      '127.0.1.54',
      5000,
      command(fx.collector.port, `${write('LED_FAN,1\nLED_FAN,0\n')} && boardiocli uSeq`),
    );
    // boardio takes both verbs of one command at once: the second finds the first playing
    await sendRequest(
      '127.0.1.54',
      5000,
      command(fx.collector.port, 'boardiocli runSeq && boardiocli runSeq'),
    );
    await fx.collector.waitFor((i) => i.json?.['message'] === 'Sequence complete');
    await sendRequest('127.0.1.54', 5000, command(fx.collector.port, 'boardiocli runSeq'));
    await fx.collector.waitForCount(7);
    await sentinel('127.0.1.54', fx.collector);
    expect(fx.collector.events.filter((e) => e['type_'] === 'message').map((e) => e['message'])).toEqual([
      'BOARDIO_READY',
      'BOARDIO_ERROR: a sequence is already running',
      'Sequence complete',
      'Sequence complete',
    ]);
  });

  it('sends boardio answers only to the coordinator that issued the command', async () => {
    const other = await new RawCollector().start();
    try {
      const unit = fx.simulateUnit({ host: '127.0.1.55', hardwareReadyDelayMs: 0, rowDurationMs: 1 });
      const activity = record(unit.events$);
      await activity.waitFor('hardware-ready');
      await sendRequest('127.0.1.55', 5000, heartbeat(other.port, { id: 'other000' }));
      await other.waitFor((i) => i.json?.['type_'] === 'unit_info');
      await sendRequest(
        '127.0.1.55',
        5000,
        command(fx.collector.port, `${write('LED_FAN,1\n')} && boardiocli uSeq && boardiocli runSeq`),
      );
      await fx.collector.waitForCount(3);
      // what the unit queued for `other` before its sentinel: the unit_info alone
      expect((await sentinel('127.0.1.55', other)).map((i) => i.json?.['type_'])).toEqual(['unit_info']);
    } finally {
      await other.close();
    }
  });

  it('runs the standalone sequence at boot and tells the coordinators known then', async () => {
    const unit = fx.simulateUnit({
      host: '127.0.1.56',
      hardwareReadyDelayMs: 'manual',
      rowDurationMs: 20,
      homeFiles: { 'la4_sequence_standalone.csv': 'LED_FAN,1\nALL_4_NIKON,70\n' },
    });
    const activity = record(unit.events$);
    await unit.ready;
    await sendRequest('127.0.1.56', 5000, heartbeat(fx.collector.port));
    await activity.waitFor('coordinator-added');
    unit.bootHardware();
    const items = await fx.collector.waitForCount(3);
    expect(items.map((i) => i.json?.['type_'] === 'unit_info' || i.json?.['message'])).toEqual([
      true,
      'BOARDIO_READY',
      'Sequence complete',
    ]);
    const loaded = await activity.waitFor('sequence-loaded');
    expect(loaded.file).toBe('la4_sequence_standalone.csv');
  });

  it('reports a missing standalone file at boot as a non-fatal BOARDIO_ERROR', async () => {
    const unit = fx.simulateUnit({ host: '127.0.1.57', hardwareReadyDelayMs: 'manual' });
    const activity = record(unit.events$);
    await unit.ready;
    await sendRequest('127.0.1.57', 5000, heartbeat(fx.collector.port));
    await activity.waitFor('coordinator-added');
    unit.bootHardware();
    const [info, error] = await fx.collector.waitForCount(2);
    expect(info!.json?.['type_']).toBe('unit_info');
    expect(error!.json?.['message']).toBe('BOARDIO_ERROR: la4_sequence_standalone.csv not found');
    expect(unit.hardwareReady).toBe(true);
    await sendRequest('127.0.1.57', 5000, command(fx.collector.port, 'echo still working'));
    expect((await fx.collector.waitForCount(3))[2]!.json?.['output']).toBe('still working\n');
  });

  it('uSeqStandalone loads the standalone file, which runSeq then plays', async () => {
    const unit = fx.simulateUnit({ host: '127.0.1.58', hardwareReadyDelayMs: 0, rowDurationMs: 1 });
    await unit.ready;
    await sendRequest(
      '127.0.1.58',
      5000,
      command(
        fx.collector.port,
        `${write('LED_FAN,1\n', '~/la4_sequence_standalone.csv')} && boardiocli uSeqStandalone && boardiocli runSeq`,
      ),
    );
    const items = await fx.collector.waitForCount(3);
    expect(items.map((i) => i.json?.['output'] ?? i.json?.['message'])).toEqual([
      'BOARDIO_CLI: Sent: "uSeqStandalone" to FIFO file\nBOARDIO_CLI: Sent: "runSeq" to FIFO file\n',
      'BOARDIO_READY',
      'Sequence complete',
    ]);
    expect(fs.readFileSync(path.join(unit.home, 'la4_sequence_standalone.csv'), 'utf8')).toBe('LED_FAN,1\n');
  });

  it('lets a function executor hand verbs to boardio', async () => {
    const unit = fx.simulateUnit({
      host: '127.0.1.59',
      hardwareReadyDelayMs: 0,
      rowDurationMs: 1,
      homeFiles: { 'la4_sequence.csv': 'MODEL_LIGHT,50\n' },
      executor: (text, { boardio }) => {
        boardio('uSeq');
        boardio('runSeq');
        return { stdout: `ran ${text}\n` };
      },
    });
    await unit.ready;
    await sendRequest('127.0.1.59', 5000, command(fx.collector.port, 'anything'));
    const items = await fx.collector.waitForCount(3);
    expect(items.map((i) => i.json?.['output'] ?? i.json?.['message'])).toEqual([
      'ran anything\n',
      'BOARDIO_READY',
      'Sequence complete',
    ]);
  });
});
