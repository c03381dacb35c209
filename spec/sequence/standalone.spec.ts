import {
  all4Canon,
  all4Nikon,
  digitalPolarizer,
  ledFan,
  modelLight,
  olat4Nikon,
} from '../../src/sequence/builders';
import { preset } from '../../src/sequence/presets';
import { standalone, standaloneWarnings } from '../../src/sequence/standalone';

describe('standaloneWarnings', () => {
  it('warns about an empty sequence', () => {
    expect(standaloneWarnings([])).toEqual([
      { kind: 'empty', message: expect.stringContaining('empty: boardio reports a (non-fatal) error') },
    ]);
  });

  it('warns when flashes fire without LED_FAN,1 as the first row, naming the row', () => {
    expect(standaloneWarnings([digitalPolarizer(0), all4Nikon(80)])).toEqual([
      {
        kind: 'fans-off',
        message: expect.stringMatching(
          /fires flashes \(row 2: ALL_4_NIKON\) but LED_FAN,1 is not its first row/,
        ),
      },
    ]);
    expect(standaloneWarnings([olat4Nikon({ power: 0, driveMode: 0 })])).toHaveLength(1);
    expect(standaloneWarnings([all4Canon({ power: 80, shutterMs: 100 }), ledFan(1)])).toHaveLength(1);
    expect(standaloneWarnings([ledFan(0), all4Canon({ power: 80, shutterMs: 100 })])).toHaveLength(1);
  });

  it('warns when the model light is turned on without the fans', () => {
    expect(standaloneWarnings([modelLight(30)])).toEqual([
      { kind: 'fans-off', message: expect.stringContaining('turns the model light on (row 1: MODEL_LIGHT)') },
    ]);
  });

  it('accepts LED_FAN,1 first, and sequences that light nothing', () => {
    expect(standaloneWarnings([ledFan(1), all4Nikon(80), modelLight(50)])).toEqual([]);
    expect(standaloneWarnings([digitalPolarizer(1), modelLight(0)])).toEqual([]);
  });
});

describe('standalone', () => {
  it('puts LED_FAN,1 first by default, once', () => {
    const sequence = preset({ mode: 'OLAT', camera: 'nikon', fans: false });
    const boot = standalone(sequence);
    expect(boot).toEqual([ledFan(1), ...sequence]);
    expect(standalone(boot)).toEqual(boot);
    expect(standaloneWarnings(boot)).toEqual([]);
    expect(standaloneWarnings(sequence)).toHaveLength(1);
  });

  it('leaves the sequence unchanged with fans: false', () => {
    const sequence = [all4Nikon(80)];
    expect(standalone(sequence, { fans: false })).toBe(sequence);
  });

  it('turns an empty sequence into one that switches the fans on', () => {
    expect(standalone([])).toEqual([ledFan(1)]);
  });
});
