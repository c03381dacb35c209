import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { render } from '../../src/sequence/csv';
import { SequenceError } from '../../src/sequence/error';
import { preset, PRESET_DEFAULTS, PRESET_NAMES, type PresetOptions } from '../../src/sequence/presets';

const csv = (options: PresetOptions) => render(preset(options));

describe('preset', () => {
  it('offers the four flash modes of the vendor app', () => {
    expect(PRESET_NAMES).toEqual(['ALL', 'ALL+PALL', 'OLAT', 'OLAT+POLAT']);
  });

  it('ALL: one shot with all LEDs, polarizer untouched (fans: false leaves the fans alone)', () => {
    expect(csv({ mode: 'ALL', camera: 'nikon', power: 80, fans: false })).toBe('ALL_4_NIKON,80\n');
    expect(csv({ mode: 'ALL', camera: 'canon', power: 80, fans: false })).toBe('ALL_4_CANON,80,100\n');
  });

  it('ALL with an explicit polarizer sets it first', () => {
    expect(csv({ mode: 'ALL', camera: 'nikon', power: 80, polarizer: false, fans: false })).toBe(
      'DIGITAL_POLARIZER,0\nALL_4_NIKON,80\n',
    );
    expect(csv({ mode: 'ALL', camera: 'canon', power: 80, polarizer: 1, fans: false })).toBe(
      'DIGITAL_POLARIZER,1\nALL_4_CANON,80,100\n',
    );
    expect(csv({ mode: 'ALL', camera: 'canon', power: 80, polarizer: 'current', fans: false })).toBe(
      'ALL_4_CANON,80,100\n',
    );
  });

  it('ALL+PALL: all LEDs twice, polarizer off then on', () => {
    expect(csv({ mode: 'ALL+PALL', camera: 'canon', power: 80, shutterMs: 105, fans: false })).toBe(
      'DIGITAL_POLARIZER,0\nALL_4_CANON,80,105\nDIGITAL_POLARIZER,1\nALL_4_CANON,80,105\n',
    );
  });

  it('OLAT: polarizer off, one light at a time, drive mode from the trigger', () => {
    expect(csv({ mode: 'OLAT', camera: 'nikon', power: 80, fans: false })).toBe(
      'DIGITAL_POLARIZER,0\nOLAT_4_NIKON,80,0\n',
    );
    expect(csv({ mode: 'OLAT', camera: 'canon', power: 80, trigger: 'continuous', fans: false })).toBe(
      'DIGITAL_POLARIZER,0\nOLAT_4_CANON,80,1\n',
    );
  });

  it('OLAT+POLAT: OLAT, then again with the polarizer on', () => {
    expect(csv({ mode: 'OLAT+POLAT', camera: 'nikon', power: 50, trigger: 'continuous', fans: false })).toBe(
      'DIGITAL_POLARIZER,0\nOLAT_4_NIKON,50,1\nDIGITAL_POLARIZER,1\nOLAT_4_NIKON,50,1\n',
    );
  });

  it('fans: true puts LED_FAN,1 first', () => {
    expect(csv({ mode: 'ALL+PALL', camera: 'canon', power: 80, trigger: 'single', fans: true })).toBe(
      'LED_FAN,1\nDIGITAL_POLARIZER,0\nALL_4_CANON,80,100\nDIGITAL_POLARIZER,1\nALL_4_CANON,80,100\n',
    );
  });

  it('continuous does not change ALL rows (they have no drive mode)', () => {
    for (const camera of ['nikon', 'canon'] as const)
      for (const mode of ['ALL', 'ALL+PALL'] as const)
        expect(csv({ mode, camera, trigger: 'continuous' })).toBe(csv({ mode, camera, trigger: 'single' }));
  });

  it('defaults to full power, 100 ms shutter, single trigger, fans on first', () => {
    expect(PRESET_DEFAULTS).toEqual({ power: 100, shutterMs: 100, trigger: 'single', fans: true });
    expect(csv({ mode: 'OLAT+POLAT', camera: 'canon' })).toBe(
      'LED_FAN,1\nDIGITAL_POLARIZER,0\nOLAT_4_CANON,100,0\nDIGITAL_POLARIZER,1\nOLAT_4_CANON,100,0\n',
    );
    expect(csv({ mode: 'ALL', camera: 'canon' })).toBe('LED_FAN,1\nALL_4_CANON,100,100\n');
    for (const mode of PRESET_NAMES)
      for (const camera of ['nikon', 'canon'] as const)
        expect(preset({ mode, camera })[0]).toEqual({ register: 'LED_FAN', state: 1 });
  });

  it('refuses out-of-range values, options that do not apply, and unknown names', () => {
    expect(() => preset({ mode: 'ALL', camera: 'canon', power: 101 })).toThrow(
      'ALL_4_CANON power: 101 is out of range 0..100',
    );
    expect(() => preset({ mode: 'ALL', camera: 'canon', shutterMs: 110 })).toThrow(
      'ALL_4_CANON shutterMs: 110 is out of range 0..109',
    );
    expect(() => preset({ mode: 'ALL', camera: 'nikon', shutterMs: 100 })).toThrow(SequenceError);
    expect(() => preset({ mode: 'OLAT', camera: 'nikon', polarizer: true })).toThrow(
      'preset polarizer: only for mode ALL',
    );
    expect(() => preset({ mode: 'ALL', camera: 'nikon', polarizer: 2 as never })).toThrow(
      'DIGITAL_POLARIZER state: 2 is out of range 0..1',
    );
    expect(() =>
      preset({ mode: 'PALL' as never, camera: 'sony' as never, trigger: 'burst' as never }),
    ).toThrow(/preset mode: "PALL" .*; preset camera: "sony" .*; preset trigger: "burst"/);
  });
});

describe('docs/sequences.md presets tables', () => {
  const doc = readFileSync(join(__dirname, '../../docs/sequences.md'), 'utf8');
  const section = doc.slice(doc.indexOf('<!-- presets:begin -->'), doc.indexOf('<!-- presets:end -->'));
  const rows = section
    .split('\n')
    .filter((line) => /^\| `/.test(line))
    .map((line) => line.split('|').map((cell) => cell.trim()));

  function optionsOf(text: string): Record<string, unknown> {
    const options: Record<string, unknown> = {};
    for (const [, key, value] of text.matchAll(/(\w+): ('[^']*'|\d+|true|false)/g)) {
      options[key!] = value!.startsWith("'") ? value!.slice(1, -1) : JSON.parse(value!);
    }
    return options;
  }

  it('document every mode for both cameras', () => {
    const pairs = rows.map(([, mode, camera]) => `${mode} ${camera}`);
    for (const mode of PRESET_NAMES)
      for (const camera of ['nikon', 'canon']) expect(pairs).toContain(`\`${mode}\` \`${camera}\``);
    expect(rows.length).toBeGreaterThanOrEqual(14);
  });

  it.each(rows.map(([, mode, camera, options, cells]) => ({ mode, camera, options, cells })))(
    '$mode $camera $options renders the documented CSV',
    ({ mode, camera, options, cells }) => {
      const unquote = (s: string | undefined) => (s ?? '').replace(/`/g, '');
      const expected = `${(cells ?? '').split('<br>').map(unquote).join('\n')}\n`;
      const built = { mode: unquote(mode), camera: unquote(camera), ...optionsOf(unquote(options)) };
      expect(csv(built as unknown as PresetOptions)).toBe(expected);
    },
  );
});

describe('preset() with values it cannot use', () => {
  const deep = (n: number): unknown => {
    let v: unknown = 'x';
    for (let i = 0; i < n; i++) v = [v];
    return v;
  };
  it.each([
    ['a 5,000-level mode', { mode: deep(5_000), camera: 'nikon' }],
    ['a BigInt camera', { mode: 'ALL', camera: 10n }],
    ['a mode without a prototype', { mode: Object.create(null), camera: 'canon' }],
    ['a 100 KB trigger', { mode: 'OLAT', camera: 'canon', trigger: 'y'.repeat(100_000) }],
  ])('throws a SequenceError with a short message for %s', (_, options) => {
    let thrown: unknown;
    try {
      preset(options as never);
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(SequenceError);
    expect((thrown as Error).message.length).toBeLessThan(400);
  });
});
