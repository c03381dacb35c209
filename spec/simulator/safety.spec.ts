import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { lastValueFrom } from 'rxjs';
import type { Coordinator } from '../../src/coordinator';
import { mapVendorHome } from '../../src/simulator/workspace';
import { VENDOR_HOME } from '../../src/unit/identity';
import { closedAfterEach } from '../helpers/units';

// This file's loopback range: 127.42.5.0/24 (units 127.42.5.2 .. .6, the coordinator 127.42.5.1).
const COORDINATOR_HOST = '127.42.5.1';

const { coordinatorAt, unitAt } = closedAfterEach(COORDINATOR_HOST);

/** A coordinator whose listener stays bound between commands: boardio's messages come later. */
function coordinator(): Coordinator {
  const c = coordinatorAt();
  c.events$.subscribe();
  return c;
}

const run = async (c: Coordinator, host: string, command: string) =>
  (await lastValueFrom(c.command(host, command))).output;

describe('the simulated unit, for safety tests', () => {
  it('keeps the previously loaded program when a load is refused: a runSeq then plays the old one', async () => {
    const at = unitAt('127.42.5.2');
    await at.unit.ready;
    const c = coordinator();
    await run(
      c,
      '127.42.5.2',
      `printf 'LED_FAN,1\\nMODEL_LIGHT,40\\n' > ~/la4_sequence.csv && boardiocli uSeq`,
    );
    await at.waitFor('boardio-message', (a) => a.message === 'BOARDIO_READY');
    await run(c, '127.42.5.2', `printf 'MODEL_LIGHT,400\\n' > ~/la4_sequence.csv && boardiocli uSeq`);
    const refused = await at.waitFor(
      'boardio-message',
      (a) => a.message.startsWith('BOARDIO_ERROR') && a.to.length > 0, // not the boot report
    );
    expect(refused.message).toBe(
      'BOARDIO_ERROR: la4_sequence.csv line 1: MODEL_LIGHT power: 400 is out of range 0..100',
    );
    await run(c, '127.42.5.2', 'boardiocli runSeq');
    await at.waitFor('boardio-message', (a) => a.message === 'Sequence complete');
    const played = at.all.flatMap((a) => (a.kind === 'sequence-row' ? [a.row] : []));
    expect(played).toEqual([
      { register: 'LED_FAN', state: 1 },
      { register: 'MODEL_LIGHT', power: 40 },
    ]);
  });

  it('reports every boardio verb it receives, with the coordinator it came from', async () => {
    const at = unitAt('127.42.5.3');
    await at.unit.ready;
    const c = coordinator();
    await run(c, '127.42.5.3', `printf 'LED_FAN,1\\n' > ~/la4_sequence.csv && boardiocli uSeq`);
    await run(c, '127.42.5.3', 'boardiocli runSeq; boardiocli uSeqStandalone');
    await at.waitFor('command-finished', (a) => a.command.includes('uSeqStandalone'));
    const verbs = at.all.flatMap((a) => (a.kind === 'boardio-verb' ? [[a.verb, a.from.host]] : []));
    expect(verbs).toEqual([
      ['uSeq', COORDINATOR_HOST],
      ['runSeq', COORDINATOR_HOST],
      ['uSeqStandalone', COORDINATOR_HOST],
    ]);
  });

  it.each([
    [false, ['output', 'BOARDIO_READY']],
    [true, ['BOARDIO_READY', 'output']],
  ])('with boardioBeforeOutput: %s, delivers in the order %j', async (boardioBeforeOutput, order) => {
    const host = boardioBeforeOutput ? '127.42.5.4' : '127.42.5.5';
    const at = unitAt(host, { boardioBeforeOutput });
    await at.unit.ready;
    const c = coordinator();
    await run(c, host, `printf 'LED_FAN,1\\n' > ~/la4_sequence.csv && boardiocli uSeq`);
    await Promise.all([
      at.waitFor('event-sent', (a) => a.event.type_ === 'message'),
      at.waitFor('event-sent', (a) => a.event.type_ === 'output'),
    ]);
    const sent = at.all.flatMap((a) =>
      a.kind === 'event-sent' && a.event.type_ !== 'unit_info'
        ? [a.event.type_ === 'message' ? a.event.message : a.event.type_]
        : [],
    );
    expect(sent).toEqual(order);
  });

  it("maps the vendor's /home/rigsters paths to the unit's home, and reports the command as received", async () => {
    const at = unitAt('127.42.5.6');
    await at.unit.ready;
    const c = coordinator();
    const command = `printf 'LED_FAN,1\\n' > '/home/rigsters/la4_sequence_standalone.csv' && cat /home/rigsters/la4_sequence_standalone.csv`;
    expect(await run(c, '127.42.5.6', command)).toBe('LED_FAN,1\n');
    expect(readFileSync(join(at.unit.home, 'la4_sequence_standalone.csv'), 'utf8')).toBe('LED_FAN,1\n');
    expect(existsSync('/home/rigsters/la4_sequence_standalone.csv')).toBe(false);
    const started = await at.waitFor('command-started');
    expect(started.command).toContain("'/home/rigsters/la4_sequence_standalone.csv'");
  });

  it('rewrites only whole /home/rigsters path prefixes', () => {
    expect(VENDOR_HOME).toBe('/home/rigsters');
    const home = '/tmp/pycom-sim-x/home';
    expect(mapVendorHome(`cat '/home/rigsters/a b.csv' /home/rigsters`, home)).toBe(
      `cat '/tmp/pycom-sim-x/home/a b.csv' /tmp/pycom-sim-x/home`,
    );
    for (const untouched of [
      'ls /x/home/rigsters/a',
      'ls /home/rigstersX',
      'ls ~/home/rigsters',
      'echo home/rigsters',
    ])
      expect(mapVendorHome(untouched, home)).toBe(untouched);
  });
});
