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
 * A commander argument parser for an integer written in digits (an optional `-`), of any value:
 * for options whose range is checked where the value is used (a preset's power and shutter are
 * checked by the register table, an invalid sequence: exit 5, not 2).
 *
 * ## Example
 * ```ts
 * new Option('--power <percent>').argParser(integerArgument);
 * ```
 * @param value The argument.
 */
export function integerArgument(value: string): number {
  if (!/^-?[0-9]+$/.test(value.trim())) throw new InvalidArgumentError('expected an integer.');
  return Number(value);
}

/** The longest host name (DNS: 253 characters). */
const MAX_HOST_LENGTH = 253;

/** What a unit argument may be, for the usage errors. */
const TARGET_SYNTAX = 'host, host:port, IPv6 or [IPv6]:port';

/**
 * Reads a unit on the command line: `host`, `host:port`, `1.2.3.4`, `1.2.3.4:port`, `[v6]`,
 * `[v6]:port`, or an IPv6 address without brackets (`::1`, `fe80::1`: no port then). Without a
 * port, 5000. The port is an integer 1..65535 written in digits; the host of an IPv6 address
 * comes back without its brackets.
 *
 * ## Example
 * ```ts
 * parseTarget('127.0.0.2'); // { host: '127.0.0.2', port: 5000 }
 * parseTarget('127.0.0.2:5001'); // { host: '127.0.0.2', port: 5001 }
 * parseTarget('[::1]:5001'); // { host: '::1', port: 5001 }
 * parseTarget('fe80::1'); // { host: 'fe80::1', port: 5000 }
 * parseTarget('127.0.0.2:abc'); // throws CliError (exit code 2): port is not a number
 * ```
 * @param text The argument.
 * @throws `CliError` with {@link EXIT.usage} for an empty or malformed host, something other
 * than an IPv6 address in brackets, or a port that is not an integer 1..65535.
 */
export function parseTarget(text: string): { host: string; port: number } {
  const shown = JSON.stringify(text);
  const usage = (why: string) => new CliError(EXIT.usage, `${why} in ${shown} (expected ${TARGET_SYNTAX})`);
  const trimmed = text.trim();
  let host: string;
  let portText: string | undefined;
  if (trimmed.startsWith('[')) {
    const match = /^\[([^\]]*)\](?::(.*))?$/s.exec(trimmed);
    if (match === null) throw usage('not a unit address');
    host = match[1]!;
    portText = match[2];
    if (!net.isIPv6(host)) throw usage('not an IPv6 address in brackets');
  } else if (net.isIPv6(trimmed)) {
    // several colons, no brackets: the whole of it is the address, with the default port
    host = trimmed;
  } else {
    const colon = trimmed.indexOf(':');
    host = colon === -1 ? trimmed : trimmed.slice(0, colon);
    portText = colon === -1 ? undefined : trimmed.slice(colon + 1);
    if (portText?.includes(':')) throw usage('not an IPv6 address (with a port, write [IPv6]:port)');
    if (host === '' || host.length > MAX_HOST_LENGTH || !/^[\p{L}\p{N}._-]+$/u.test(host))
      throw usage('not a host name or address');
  }
  if (portText === undefined) return { host, port: PYCOM_PORT };
  if (!/^[0-9]+$/.test(portText)) throw usage(`port ${JSON.stringify(portText)} is not a number 1..65535`);
  const port = Number(portText);
  if (port < 1 || port > 65535) throw usage('port out of range 1..65535');
  return { host, port };
}

/**
 * {@link parseTarget} as a commander argument parser (a bad value is a usage error).
 *
 * ## Example
 * ```ts
 * new Argument('<unit>').argParser(targetArgument);
 * ```
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
 * Shows a target as `host` (port 5000) or `host:port`, an IPv6 address in brackets when a port
 * follows it (`[::1]:5001`), so that {@link parseTarget} reads back what it shows.
 *
 * ## Example
 * ```ts
 * showTarget({ host: '127.0.0.2', port: 5000 }); // '127.0.0.2'
 * showTarget({ host: '127.0.0.2', port: 5001 }); // '127.0.0.2:5001'
 * showTarget({ host: '::1', port: 5001 }); // '[::1]:5001'
 * showTarget({ host: '::1', port: 5000 }); // '::1'
 * ```
 * @param target The unit.
 */
export function showTarget(target: Target): string {
  if (typeof target === 'string') return target;
  if (target.port === undefined || target.port === PYCOM_PORT) return target.host;
  const host = net.isIPv6(target.host) ? `[${target.host}]` : target.host;
  return `${host}:${target.port}`;
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
