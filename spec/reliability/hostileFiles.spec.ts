import { lastValueFrom } from 'rxjs';
import { encodeRequest } from '../../src/protocol';
import { sendPayload } from '../../src/transport';
import { simulateUnit, type SimulatedUnit } from '../../src/simulator';
import { coordinatorIdentity } from '../fixtures';
import { hostsOf, ListenerHarness } from './harness';

// This file's loopback range: 127.41.6.0/24 (spec/helpers/addresses.ts).
const AT = hostsOf(__filename);
/** The simulated unit's address, and the address this side listens on and sends from. */
const UNIT = '127.41.6.2';
const ME = AT.host;

describe('a simulated unit given a hostile sequence file', () => {
  let unit: SimulatedUnit;
  let harness: ListenerHarness;
  beforeAll(async () => {
    unit = simulateUnit({ host: UNIT, port: 0, hardwareReadyDelayMs: 0 });
    harness = await ListenerHarness.start(AT);
    await unit.ready;
  });
  afterAll(async () => {
    harness.stop();
    await unit.close();
  });

  const command = (text: string) =>
    lastValueFrom(
      sendPayload(
        { host: UNIT, port: unit.port },
        encodeRequest({
          ...coordinatorIdentity({ ip: ME, port: harness.port }),
          type_: 'cmd',
          command: text,
        }),
        { localAddress: ME },
      ),
    );
  const messages = () =>
    harness.items.flatMap((i) => ('type_' in i && i.type_ === 'message' ? [i.message] : []));
  const outputs = () =>
    harness.items.flatMap((i) => ('type_' in i && i.type_ === 'output' ? [i.output] : []));

  it('answers one line of 150,000 columns (300 KB) with BOARDIO_ERROR, and keeps running', async () => {
    await command(
      "{ printf LED_FAN; yes ,1 | head -n 150000 | tr -d '\\n'; echo; } > ~/la4_sequence.csv && boardiocli uSeq",
    );
    await harness.until(
      () => messages().some((m) => m.includes('la4_sequence.csv line 1')),
      'the BOARDIO_ERROR',
    );
    expect(messages().find((m) => m.includes('la4_sequence.csv line 1'))).toMatch(
      /^BOARDIO_ERROR: .*la4_sequence\.csv line 1: LED_FAN: extra parameter 1/,
    );
    await command('echo still alive');
    await harness.until(() => outputs().some((o) => o.includes('still alive')), 'the next output');
  });
});
