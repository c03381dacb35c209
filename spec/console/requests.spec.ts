import fc from 'fast-check';
import { consoleUnit, type ConsoleUnit } from '../../src/console/address';
import { checkCommandRequest, checkSequenceRequest, type Checked } from '../../src/console/requests';
import { PRESET_NAMES } from '../../src/sequence';

/** The console's units in these properties (no network: `find` is a lookup). */
const UNITS = ['127.4.0.2', '127.4.0.3:5001'].map((a) =>
  a.includes(':') ? consoleUnit({ host: a.split(':')[0]!, port: 5001 }) : consoleUnit({ host: a }),
);
const find = (address: string): ConsoleUnit | undefined => UNITS.find((u) => u.address === address);

/** `leaf` inside `depth` arrays or objects, built without recursion (as JSON.parse builds it). */
function nest(depth: number, leaf: unknown, kind: 'array' | 'object'): unknown {
  let value = leaf;
  for (let i = 0; i < depth; i += 1) value = kind === 'array' ? [value] : { a: value };
  return value;
}

/** An object with an own `__proto__` key, as `JSON.parse('{"__proto__": ...}')` makes it. */
function withProtoKey(target: Record<string, unknown>, value: unknown): Record<string, unknown> {
  const copy = { ...target };
  Object.defineProperty(copy, '__proto__', { value, enumerable: true, writable: true, configurable: true });
  return copy;
}

/** Any value a JSON body may hold, the hostile ones often. */
const hostile: fc.Arbitrary<unknown> = fc.oneof(
  fc.jsonValue({ maxDepth: 4 }),
  fc
    .tuple(
      fc.integer({ min: 100, max: 6_000 }),
      fc.jsonValue({ maxDepth: 1 }),
      fc.constantFrom('array', 'object'),
    )
    .map(([depth, leaf, kind]) => nest(depth, leaf, kind as 'array' | 'object')),
  fc
    .tuple(fc.string({ maxLength: 3 }), fc.integer({ min: 1_000, max: 300_000 }))
    .map(([s, n]) => (s === '' ? 'x' : s).repeat(Math.ceil(n / Math.max(1, s.length)))),
  fc.constant(JSON.parse('{"__proto__": {"units": ["127.4.0.2"], "command": "uptime"}}') as unknown),
  fc.constantFrom(...UNITS.map((u) => [u.address]), ['127.4.0.9'], [], {}, [{}], [[]], 'ALL', 'nikon'),
);

/** A unit list: right, wrong, or not a list at all. */
const units = fc.oneof(
  fc.subarray(UNITS.map((u) => u.address)),
  fc.array(fc.oneof(fc.constantFrom(...UNITS.map((u) => u.address)), fc.string()), { maxLength: 5 }),
  hostile,
);
const preset = fc.oneof(
  fc.record(
    {
      mode: fc.oneof(fc.constantFrom(...PRESET_NAMES), hostile),
      camera: fc.oneof(fc.constantFrom('nikon', 'canon'), hostile),
      power: fc.oneof(fc.double(), fc.integer({ min: -10, max: 110 }), hostile),
      shutterMs: fc.oneof(fc.double(), fc.nat(), hostile),
      trigger: fc.oneof(fc.constantFrom('single', 'continuous'), hostile),
      fans: fc.oneof(fc.boolean(), hostile),
    },
    { requiredKeys: [] },
  ),
  hostile,
);
const csv = fc.oneof(
  fc.constantFrom('LED_FAN,1\n', 'ALL_4_NIKON,80,100\n', '\n', 'NOPE'),
  fc.string({ maxLength: 200 }),
  hostile,
);

/** A body: the expected shape with hostile parts, an own `__proto__` key, or any value at all. */
const body = fc.oneof(
  fc
    .tuple(
      fc.record(
        { units, command: fc.oneof(fc.string({ maxLength: 50 }), hostile), preset, csv },
        { requiredKeys: [] },
      ),
      fc.option(hostile, { nil: undefined }),
    )
    .map(([b, proto]) => (proto === undefined ? b : withProtoKey(b, proto))),
  fc.array(hostile, { maxLength: 3 }),
  hostile,
);

/** A valid answer (units of the console), or issues: short lines, never a throw. */
function expectAnswer<T extends { units: ReadonlyArray<ConsoleUnit> }>(checked: Checked<T>): void {
  if (checked.ok) {
    expect(checked.value.units.length).toBeGreaterThan(0);
    for (const unit of checked.value.units) expect(UNITS).toContain(unit);
    return;
  }
  expect(checked.issues.length).toBeGreaterThan(0);
  for (const issue of checked.issues) {
    expect(typeof issue).toBe('string');
    // a value is shown cut short: a 300 KB string or 6,000 levels never fill a message
    expect(issue.length).toBeLessThan(400);
  }
}

describe('the console request checks never throw', () => {
  it('describe a value nested 5,000 levels deep by its kind, without recursing', () => {
    for (const kind of ['array', 'object'] as const) {
      const deep = nest(5_000, 1, kind);
      expect(() => JSON.stringify(deep)).toThrow(RangeError);
      const command = checkCommandRequest({ units: deep, command: deep }, find);
      expect(command).toEqual({
        ok: false,
        issues:
          kind === 'array'
            ? ['units: an array of 1 item is not valid', 'command: an array of 1 item is not valid']
            : ['units: an object is not valid', 'command: an object is not valid'],
      });
      const sequence = checkSequenceRequest({ units: ['127.4.0.2'], preset: deep }, find);
      expect(sequence.ok).toBe(false);
    }
  });

  it('show primitives as JSON, long strings cut, and missing fields as missing', () => {
    expect(checkCommandRequest({ units: ['127.4.0.2'], command: 7 }, find)).toEqual({
      ok: false,
      issues: ['command: 7 is not valid'],
    });
    expect(checkCommandRequest({ units: '\u0000\n"x"' }, find)).toEqual({
      ok: false,
      issues: ['units: "\\u0000\\n\\"x\\"" is not valid', 'command: missing is not valid'],
    });
    expect(checkCommandRequest({ units: ['127.4.0.2'], command: 'y'.repeat(50) + 'z' }, find)).toEqual({
      ok: true,
      value: { units: [UNITS[0]], command: 'y'.repeat(50) + 'z' },
    });
    expect(checkCommandRequest({ units: ['127.4.0.2'], command: null }, find)).toEqual({
      ok: false,
      issues: ['command: null is not valid'],
    });
    expect(checkCommandRequest({ units: 'u'.repeat(1_000), command: 'x' }, find)).toEqual({
      ok: false,
      issues: [`units: "${'u'.repeat(40)}"… (1000 characters) is not valid`],
    });
  });

  it('passes only checked fields to preset(): never a preset beside a csv, nor a key it did not check', () => {
    const deep = nest(5_000, 1, 'object');
    expect(checkSequenceRequest({ units: ['127.4.0.2'], preset: { camera: deep }, csv: '' }, find)).toEqual({
      ok: false,
      issues: ['give either preset or csv, not both'],
    });
    const fine = { mode: 'ALL', camera: 'nikon' };
    expect(checkSequenceRequest({ units: ['127.4.0.2'], preset: fine, csv: 'LED_FAN,1' }, find).ok).toBe(
      false,
    );
    const extra = checkSequenceRequest(
      { units: ['127.4.0.2'], preset: { ...fine, polarizer: true, colour: deep } },
      find,
    );
    expect(extra.ok && extra.value.title).toBe('ALL nikon');
    expect(extra.ok && extra.value.sequence.map((row) => row.register)).toEqual([
      'LED_FAN',
      'DIGITAL_POLARIZER',
      'ALL_4_NIKON',
    ]);
    expect(
      checkSequenceRequest({ units: ['127.4.0.2'], preset: { ...fine, polarizer: deep } }, find),
    ).toEqual({
      ok: false,
      issues: ['preset.polarizer: an object is not valid', 'csv: missing is not valid'],
    });
  });

  it('reads an own __proto__ key as data, never as the prototype', () => {
    const body = JSON.parse('{"__proto__": {"units": ["127.4.0.2"], "command": "uptime"}}') as unknown;
    expect(checkCommandRequest(body, find)).toEqual({
      ok: false,
      issues: ['units: missing is not valid', 'command: missing is not valid'],
    });
    const polluted = JSON.parse('{"units": ["127.4.0.2"], "command": "uptime", "__proto__": {"x": 1}}') as {
      x?: unknown;
    };
    expect(checkCommandRequest(polluted, find).ok).toBe(true);
    expect(({} as { x?: unknown }).x).toBeUndefined();
  });

  it('answer any body with a valid request or with short issues (fast-check)', () => {
    let valid = 0;
    fc.assert(
      fc.property(body, (value) => {
        const command = checkCommandRequest(value, find);
        const sequence = checkSequenceRequest(value, find);
        expectAnswer(command);
        expectAnswer(sequence);
        if (command.ok || sequence.ok) valid += 1;
      }),
      { numRuns: 1_000 },
    );
    // the property reached the valid side too, not only the refusals
    expect(valid).toBeGreaterThan(0);
  });
});
