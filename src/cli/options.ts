import * as net from 'node:net';
import { InvalidArgumentError } from 'commander';
import { PYCOM_PORT, type Target } from '../transport';
import { CliError } from './errors';
import { EXIT } from './exitCodes';

/**
 * A commander argument parser for an integer in `min..max`.
 *
 * ## Example
 * ```ts
 * new Option('--power <n>').argParser(integerIn(0, 100));
 * ```
 * @param min The smallest allowed value.
 * @param max The largest allowed value.
 */
export function integerIn(min: number, max: number): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!/^-?[0-9]+$/.test(value.trim()) || n < min || n > max)
      throw new InvalidArgumentError(`expected an integer ${min}..${max}.`);
    return n;
  };
}

/**
 * Reads a unit on the command line: `host` (port 5000) or `host:port` (IPv4 or a name).
 *
 * ## Example
 * ```ts
 * parseTarget('127.0.0.2'); // { host: '127.0.0.2', port: 5000 }
 * parseTarget('127.0.0.2:5001'); // { host: '127.0.0.2', port: 5001 }
 * ```
 * @param text The argument.
 * @throws `CliError` (usage) for an empty host or a bad port.
 */
export function parseTarget(text: string): { host: string; port: number } {
  const trimmed = text.trim();
  const colon = trimmed.lastIndexOf(':');
  const withPort = colon > 0 && !net.isIPv6(trimmed) && /^[0-9]+$/.test(trimmed.slice(colon + 1));
  const host = withPort ? trimmed.slice(0, colon) : trimmed;
  const port = withPort ? Number(trimmed.slice(colon + 1)) : PYCOM_PORT;
  if (host === '' || /[\s/]/.test(host))
    throw new CliError(EXIT.usage, `not a unit address (host or host:port): ${JSON.stringify(text)}`);
  if (port < 1 || port > 65535)
    throw new CliError(EXIT.usage, `port out of range 1..65535 in ${JSON.stringify(text)}`);
  return { host, port };
}

/**
 * {@link parseTarget} as a commander argument parser (a bad value is a usage error).
 *
 * @param text The argument.
 */
export function targetArgument(text: string): { host: string; port: number } {
  try {
    return parseTarget(text);
  } catch (e) {
    throw new InvalidArgumentError(e instanceof Error ? `${e.message}.` : String(e));
  }
}

/**
 * Shows a target as `host` (port 5000) or `host:port`.
 *
 * ## Example
 * ```ts
 * showTarget({ host: '127.0.0.2', port: 5000 }); // '127.0.0.2'
 * ```
 * @param target The unit.
 */
export function showTarget(target: Target): string {
  if (typeof target === 'string') return target;
  return target.port === undefined || target.port === PYCOM_PORT
    ? target.host
    : `${target.host}:${target.port}`;
}

/**
 * The options every command accepts (given before or after the command name).
 */
export interface GlobalOptions {
  /** The address the coordinator's listener binds. */
  readonly host: string;
  /** The port the coordinator's listener binds (0: any free port). */
  readonly port: number;
  /** Time allowed for a unit's answer, in ms; each command has its own default. */
  readonly timeout?: number;
}
