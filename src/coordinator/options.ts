import type { CoordinatorOptions } from './types';

/** The numeric settings of a coordinator, checked. */
export interface CoordinatorSettings {
  readonly heartbeatIntervalMs: number;
  readonly lostAfterMs: number;
  readonly commandTimeoutMs: number;
  readonly concurrency: number;
  readonly minGapMs: number;
  readonly tagged: boolean;
}

const MAX_MS = 2_147_483_647;

type Rule = (value: unknown) => string | undefined;
const isNumber = (v: unknown): v is number => typeof v === 'number' && !Number.isNaN(v);
const positiveMs: Rule = (v) =>
  isNumber(v) && v > 0 && v <= MAX_MS ? undefined : `a number of ms > 0 and <= ${MAX_MS}`;
const timeoutMs: Rule = (v) =>
  isNumber(v) && v > 0 && (v <= MAX_MS || v === Infinity) ? undefined : `a number of ms > 0 (or Infinity)`;
const gapMs: Rule = (v) =>
  isNumber(v) && v >= 0 && v <= MAX_MS ? undefined : `a number of ms >= 0 and <= ${MAX_MS}`;
const count: Rule = (v) =>
  isNumber(v) && v >= 1 && (Number.isInteger(v) || v === Infinity)
    ? undefined
    : 'an integer >= 1 (or Infinity)';
const port: Rule = (v) =>
  v === undefined || (Number.isInteger(v) && (v as number) >= 0 && (v as number) <= 65535)
    ? undefined
    : 'an integer 0..65535';
const flag: Rule = (v) => (typeof v === 'boolean' ? undefined : 'true or false');

const RULES: Record<string, Rule> = {
  heartbeatIntervalMs: positiveMs,
  lostAfterMs: positiveMs,
  commandTimeoutMs: timeoutMs,
  concurrency: count,
  minGapMs: gapMs,
  tagged: flag,
};

/**
 * Checks a coordinator's options at once, so a bad value fails at `createCoordinator`, never later.
 *
 * @internal
 */
export function checkCoordinatorOptions(
  options: CoordinatorOptions & CoordinatorSettings,
): CoordinatorSettings {
  const fail = (name: string, expected: string, value: unknown) => {
    throw new RangeError(`createCoordinator: option ${name} must be ${expected}, got ${String(value)}`);
  };
  for (const [name, rule] of Object.entries(RULES)) {
    const value = (options as unknown as Record<string, unknown>)[name];
    const problem = rule(value);
    if (problem !== undefined) fail(name, problem, value);
  }
  const listenPort = options.listen?.port;
  const problem = port(listenPort);
  if (problem !== undefined) fail('listen.port', problem, listenPort);
  return options;
}
