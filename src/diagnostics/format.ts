import { CHANNEL_NAMES, type ChannelName } from './names';

type Fields = Record<string, unknown>;

const text = (value: unknown): string => (typeof value === 'string' ? value : JSON.stringify(value));
const short = (value: unknown, max = 60): string => {
  const s = text(value) ?? '';
  const line = s.trim().replace(/\s*\n\s*/g, ' | ');
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
};
const from = (m: Fields): string => {
  const remote = m.remote as Fields | undefined;
  return remote === undefined ? '' : ` from ${text(remote.address)}:${text(remote.port)}`;
};

/** One line per message, by channel; unknown shapes as JSON. */
const FORMATS: Readonly<Record<ChannelName, (m: Fields) => string>> = {
  [CHANNEL_NAMES.inbound]: (m) => {
    if (m.type_ === undefined) return `rejected${from(m)}: ${text(m.reason)} ${short(m.message)}`;
    const event = m;
    const body = event.output ?? event.message ?? '';
    return `${text(event.type_)} from ${text(event.id)}${from(m)}${body === '' ? '' : ` ${JSON.stringify(short(body))}`}`;
  },
  [CHANNEL_NAMES.heartbeat]: (m) =>
    `to ${text(m.unit)}:${text(m.port)} ${text(m.outcome)}${m.error === undefined ? '' : `: ${text(m.error)}`}`,
  [CHANNEL_NAMES.command]: (m) =>
    `${text(m.phase)} ${text(m.unit)} ${JSON.stringify(short(m.command, 40))}` +
    `${m.ms === undefined ? '' : ` in ${text(m.ms)} ms`}${m.exitCode === undefined ? '' : `, exit ${text(m.exitCode)}`}` +
    `${m.error === undefined ? '' : `: ${text(m.error)}`}`,
  [CHANNEL_NAMES.presence]: (m) =>
    `${text(m.unit)} ${text(m.state)}${m.id === undefined ? '' : ` (${text(m.id)})`}${m.message === undefined ? '' : `: ${text(m.message)}`}`,
  [CHANNEL_NAMES.console]: (m) =>
    m.kind === 'refused'
      ? `refused ${text(m.method)} ${text(m.path)}: ${text(m.status)} ${text(m.reason)}`
      : `job #${text(m.id)} ${text(m.job)} ${JSON.stringify(short(m.title, 40))} on ${text(m.units)} unit(s)`,
};

/**
 * One readable line for a message of a diagnostic channel (without the time and namespace).
 *
 * ## Example
 * ```ts
 * formatDiagnostic('pycom-rx:heartbeat', { unit: '127.0.0.2', port: 5000, outcome: 'delivered' });
 * // 'to 127.0.0.2:5000 delivered'
 * ```
 * @param name The channel.
 * @param message What was published.
 */
export function formatDiagnostic(name: ChannelName, message: unknown): string {
  if (message === null || typeof message !== 'object') return text(message);
  try {
    return FORMATS[name](message as Fields);
  } catch {
    return short(message, 200);
  }
}
