import { either as E } from 'fp-ts';
import * as t from 'io-ts';
import { parseSequence, preset, PRESET_NAMES, type Sequence, SequenceError } from '../sequence';
import type { ConsoleUnit } from './address';
import { LOG_TYPES, type LogFilter } from './log';

/** The limits on what the page may send. */
export const REQUEST_LIMITS = {
  /** Units named in one request. */
  units: 1000,
  /** Characters of a shell command. */
  commandLength: 8192,
  /** Characters of an uploaded CSV. */
  csvLength: 65_536,
  /** Bytes of a request body. */
  bodyBytes: 262_144,
} as const;

const literals = <T extends string>(values: ReadonlyArray<T>, name: string) =>
  t.keyof(Object.fromEntries(values.map((v) => [v, null])) as Record<T, null>, name);

const Units = t.array(t.string, 'units');
const CommandBody = t.type({ units: Units, command: t.string }, 'CommandBody');
// `t.exact`: what a check lets through holds the fields it checked and nothing else, so an
// unchecked value (another key, or `preset` beside a valid `csv`) never reaches `preset()`
const PresetBody = t.exact(
  t.intersection([
    t.type({ mode: literals(PRESET_NAMES, 'mode'), camera: literals(['nikon', 'canon'] as const, 'camera') }),
    t.partial({
      power: t.number,
      shutterMs: t.number,
      trigger: literals(['single', 'continuous'] as const, 'trigger'),
      fans: t.boolean,
      polarizer: t.union([t.literal('current'), t.boolean, t.literal(0), t.literal(1)], 'polarizer'),
    }),
  ]),
  'PresetBody',
);
const SequenceBody = t.union(
  [t.exact(t.type({ units: Units, preset: PresetBody })), t.exact(t.type({ units: Units, csv: t.string }))],
  'SequenceBody',
);

/**
 * A request from the page that passed every check, or the list of what is wrong with it.
 *
 * ## Example
 * ```ts
 * const r: Checked<string> = { ok: false, issues: ['command: empty'] };
 * ```
 */
export type Checked<T> =
  | {
      /** Valid. */ readonly ok: true;
      /** The request, as the console uses it. */ readonly value: T;
    }
  | {
      /** Invalid. */ readonly ok: false;
      /** What is wrong, one line each. */ readonly issues: ReadonlyArray<string>;
    };

const invalid = (...issues: string[]): Checked<never> => ({ ok: false, issues });

/** The characters of a string shown in a message; the rest is counted, not shown. */
const PREVIEW_CHARS = 40;

/** A string as JSON, cut to {@link PREVIEW_CHARS} characters (quotes and control characters escaped). */
const quote = (text: string): string =>
  text.length > PREVIEW_CHARS
    ? `${JSON.stringify(text.slice(0, PREVIEW_CHARS))}… (${text.length} characters)`
    : JSON.stringify(text);

/**
 * Names a value of a request body in one short line, without walking into it: a string or a
 * number as JSON (a long string cut), an array or an object by its kind and size. A body may nest
 * thousands of levels deep, which `JSON.stringify` cannot show (it recurses, and throws a
 * `RangeError`), and may hold strings of hundreds of kilobytes.
 */
function describe(value: unknown): string {
  try {
    if (value === undefined) return 'missing';
    if (value === null) return 'null';
    switch (typeof value) {
      case 'string':
        return quote(value);
      case 'number':
      case 'boolean':
        return String(value);
      case 'object':
        if (Array.isArray(value))
          return `an array of ${value.length} ${value.length === 1 ? 'item' : 'items'}`;
        return 'an object';
      default:
        return `a ${typeof value}`;
    }
  } catch {
    return 'a value that cannot be shown';
  }
}

function decode<A>(codec: t.Decoder<unknown, A>, body: unknown): Checked<A> {
  const result = codec.decode(body);
  if (E.isRight(result)) return { ok: true, value: result.right };
  const paths = result.left.map((error) => {
    const path = error.context
      .map((c) => c.key)
      .filter((k) => k !== '' && !/^\d+$/.test(k))
      .join('.');
    return `${path || 'body'}: ${describe(error.value)} is not valid`;
  });
  return invalid(...new Set(paths));
}

function checkUnits(
  names: ReadonlyArray<string>,
  find: (address: string) => ConsoleUnit | undefined,
): Checked<ReadonlyArray<ConsoleUnit>> {
  if (names.length === 0) return invalid('units: select at least one unit');
  if (names.length > REQUEST_LIMITS.units) return invalid(`units: at most ${REQUEST_LIMITS.units}`);
  const units: ConsoleUnit[] = [];
  const unknown: string[] = [];
  for (const name of new Set(names)) {
    const unit = find(name);
    if (unit === undefined) unknown.push(name);
    else units.push(unit);
  }
  if (unknown.length > 0)
    return invalid(`units: not units of this console: ${unknown.slice(0, 5).map(quote).join(', ')}`);
  return { ok: true, value: units };
}

/**
 * Checks the body of `POST /api/command`: `{ units: string[], command: string }`, the units
 * being the console's own, the command non-empty, short enough and free of NUL characters.
 *
 * ## Example
 * ```ts
 * checkCommandRequest({ units: ['127.0.0.2'], command: 'uptime' }, (a) => model.unit(a));
 * ```
 * @param body The parsed JSON body.
 * @param find Finds one of the console's units by its address.
 */
export function checkCommandRequest(
  body: unknown,
  find: (address: string) => ConsoleUnit | undefined,
): Checked<{ units: ReadonlyArray<ConsoleUnit>; command: string }> {
  const decoded = decode(CommandBody, body);
  if (!decoded.ok) return decoded;
  const units = checkUnits(decoded.value.units, find);
  if (!units.ok) return units;
  const { command } = decoded.value;
  if (command.trim() === '') return invalid('command: empty');
  if (command.length > REQUEST_LIMITS.commandLength)
    return invalid(`command: longer than ${REQUEST_LIMITS.commandLength} characters`);
  if (command.includes('\0')) return invalid('command: contains a NUL character');
  return { ok: true, value: { units: units.value, command } };
}

/**
 * Checks the body of `POST /api/sequence`: `{ units, preset: { mode, camera, power?, shutterMs?,
 * trigger?, fans? } }` (built with `preset()`, which checks every range) or `{ units, csv }`
 * (read with `parseSequence`, every row checked).
 *
 * ## Example
 * ```ts
 * checkSequenceRequest({ units: ['127.0.0.2'], preset: { mode: 'ALL', camera: 'nikon' } }, (a) => model.unit(a));
 * ```
 * @param body The parsed JSON body.
 * @param find Finds one of the console's units by its address.
 */
export function checkSequenceRequest(
  body: unknown,
  find: (address: string) => ConsoleUnit | undefined,
): Checked<{ units: ReadonlyArray<ConsoleUnit>; sequence: Sequence; title: string }> {
  if (
    typeof body === 'object' &&
    body !== null &&
    Object.prototype.hasOwnProperty.call(body, 'preset') &&
    Object.prototype.hasOwnProperty.call(body, 'csv')
  )
    return invalid('give either preset or csv, not both');
  const decoded = decode(SequenceBody, body);
  if (!decoded.ok) return decoded;
  const units = checkUnits(decoded.value.units, find);
  if (!units.ok) return units;
  const request = decoded.value;
  if ('preset' in request) {
    try {
      const sequence = preset(request.preset);
      const { mode, camera, power } = request.preset;
      return {
        ok: true,
        value: {
          units: units.value,
          sequence,
          title: `${mode} ${camera}${power === undefined ? '' : ` ${power}%`}`,
        },
      };
    } catch (e) {
      if (e instanceof SequenceError) return invalid(...e.issues);
      throw e;
    }
  }
  if (request.csv.length > REQUEST_LIMITS.csvLength)
    return invalid(`csv: longer than ${REQUEST_LIMITS.csvLength} characters`);
  const parsed = parseSequence(request.csv);
  if (E.isLeft(parsed))
    return invalid(...parsed.left.map((issue) => `csv line ${issue.line}: ${issue.message}`));
  if (parsed.right.length === 0) return invalid('csv: no rows');
  return {
    ok: true,
    value: { units: units.value, sequence: parsed.right, title: `CSV, ${parsed.right.length} rows` },
  };
}

/**
 * Reads the log filter of the event stream's query: `types` (comma-separated `output`,
 * `message`, `unit_info`; absent: all; empty: none) and `unit` (an id or an address; absent or
 * empty: all).
 *
 * ## Example
 * ```ts
 * checkLogFilter(new URLSearchParams('types=message,output&unit=81639cd4'));
 * ```
 * @param query The query string of the request.
 */
export function checkLogFilter(query: URLSearchParams): Checked<LogFilter> {
  const given = query.get('types');
  const types = (given ?? '').split(',').filter((s) => s !== '');
  const wrong = types.filter((s) => !(LOG_TYPES as ReadonlyArray<string>).includes(s));
  if (wrong.length > 0) return invalid(`types: not event types: ${wrong.slice(0, 5).join(', ')}`);
  const unit = query.get('unit') ?? '';
  if (unit.length > 253 || /[^\w.:-]/.test(unit)) return invalid('unit: not an id or address');
  return {
    ok: true,
    value: {
      ...(given === null ? {} : { types: types as NonNullable<LogFilter['types']> }),
      ...(unit === '' ? {} : { unit }),
    },
  };
}
