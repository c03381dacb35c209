import * as diagnosticsChannel from 'node:diagnostics_channel';
import { CHANNEL_NAMES, type ChannelName } from './names';
import { formatDiagnostic } from './format';

/**
 * Which of the library's namespaces a `DEBUG`-style list turns on: comma- or space-separated
 * patterns, `*` matching anything, a leading `-` excluding (`pycom-rx:*,-pycom-rx:heartbeat`).
 *
 * ## Example
 * ```ts
 * debugNamespaces('pycom-rx:*,-pycom-rx:heartbeat'); // ['pycom-rx:inbound', 'pycom-rx:command', ...] (not heartbeat)
 * debugNamespaces('express:*'); // []
 * ```
 * @param patterns The list, as in the `DEBUG` environment variable.
 */
export function debugNamespaces(patterns: string): ChannelName[] {
  const include: RegExp[] = [];
  const exclude: RegExp[] = [];
  for (const pattern of patterns.split(/[\s,]+/).filter((p) => p !== '')) {
    const negative = pattern.startsWith('-');
    const body = negative ? pattern.slice(1) : pattern;
    const regexp = new RegExp(`^${body.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`);
    (negative ? exclude : include).push(regexp);
  }
  return Object.values(CHANNEL_NAMES).filter(
    (name) => include.some((r) => r.test(name)) && !exclude.some((r) => r.test(name)),
  );
}

const clock = (date: Date) => date.toISOString().slice(11, 23);

/**
 * Writes the messages of the library's diagnostic channels as lines of text, the way the
 * `debug` package does: `12:03:04.120 pycom-rx:inbound output from 81639cd4 from 192.168.0.22:40112 "ok"`.
 * Returns the function that stops it. Nothing is subscribed, and nothing costs, for the
 * namespaces not asked for.
 *
 * ## Example
 * ```ts
 * const stop = enableDebug('pycom-rx:*'); // to stderr
 * const stopHeartbeats = enableDebug('pycom-rx:heartbeat', (line) => log.push(line));
 * stop();
 * ```
 * @param patterns Namespaces, as in `DEBUG` (see {@link debugNamespaces}).
 * @param write Where each line goes (with its `\n`). Default: `process.stderr`.
 * @param now The clock. Default: the system's.
 */
export function enableDebug(
  patterns: string,
  write: (line: string) => void = (line) => void process.stderr.write(line),
  now: () => Date = () => new Date(),
): () => void {
  const stops = debugNamespaces(patterns).map((name) => {
    const onMessage = (message: unknown) =>
      write(`${clock(now())} ${name} ${formatDiagnostic(name, message)}\n`);
    diagnosticsChannel.subscribe(name, onMessage);
    return () => diagnosticsChannel.unsubscribe(name, onMessage);
  });
  return () => stops.forEach((stop) => stop());
}

let fromEnvironment: (() => void) | undefined;

/**
 * Turns on {@link enableDebug} for the namespaces named in `DEBUG` (`DEBUG=pycom-rx:*`), once;
 * does nothing when `DEBUG` names none of the library's. The library calls it when loaded, so
 * the environment variable is all a user needs.
 *
 * ## Example
 * ```ts
 * // DEBUG=pycom-rx:inbound,pycom-rx:command node app.js
 * debugFromEnvironment();
 * ```
 * @param env The environment. Default: `process.env`.
 * @return The function that stops it, when this call turned it on.
 */
export function debugFromEnvironment(env: NodeJS.ProcessEnv = process.env): (() => void) | undefined {
  const patterns = env.DEBUG;
  if (fromEnvironment !== undefined || patterns === undefined || debugNamespaces(patterns).length === 0)
    return undefined;
  const stop = enableDebug(patterns);
  fromEnvironment = stop;
  return () => {
    stop();
    fromEnvironment = undefined;
  };
}
