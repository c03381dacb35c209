import * as diagnosticsChannel from 'node:diagnostics_channel';
import { debugFromEnvironment } from './debug';
import { CHANNEL_NAMES, type CommandDiagnostic } from './names';

/**
 * The channels themselves. Publishing costs nothing but a property read while nobody listens:
 * call sites test `hasSubscribers` first, the way Node's own modules do. Loading this module
 * turns on the `DEBUG` writer when the environment asks for it (see {@link debugFromEnvironment}).
 *
 * ## Example
 * ```ts
 * if (channels.inbound.hasSubscribers) channels.inbound.publish(item);
 * ```
 */
export const channels = {
  inbound: diagnosticsChannel.channel(CHANNEL_NAMES.inbound),
  heartbeat: diagnosticsChannel.channel(CHANNEL_NAMES.heartbeat),
  command: diagnosticsChannel.channel(CHANNEL_NAMES.command),
  presence: diagnosticsChannel.channel(CHANNEL_NAMES.presence),
  console: diagnosticsChannel.channel(CHANNEL_NAMES.console),
} as const;

debugFromEnvironment();

/**
 * Publishes `message` on `channel` when someone listens, and returns it: for call sites that
 * hand the message on (`subscriber.next(published(channels.presence, presence))`). While nobody
 * listens it costs a call and a property read.
 *
 * ## Example
 * ```ts
 * source.pipe(tap((item) => published(channels.inbound, item)));
 * ```
 * @param channel One of {@link channels}.
 * @param message What to publish.
 */
export function published<T>(channel: diagnosticsChannel.Channel, message: T): T {
  if (channel.hasSubscribers) channel.publish(message);
  return message;
}

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * Publishes one step of a command's life on `pycom-rx:command`, when someone listens: a
 * one-line call for the coordinator.
 *
 * ## Example
 * ```ts
 * publishCommand(unit.host, shellCommand, 'output', { ms: 41, exitCode: 0 });
 * ```
 * @param unit The unit's host.
 * @param command The shell command, as the caller gave it.
 * @param phase `sent`, `output`, `timeout`, `failed` or `cancelled`.
 * @param detail The round trip, the exit status, the error.
 */
export function publishCommand(
  unit: string,
  command: string,
  phase: CommandDiagnostic['phase'],
  detail: { readonly ms?: number; readonly exitCode?: number; readonly error?: unknown } = {},
): void {
  if (!channels.command.hasSubscribers) return;
  const message: CommandDiagnostic = {
    unit,
    command,
    phase,
    ...(detail.ms === undefined ? {} : { ms: detail.ms }),
    ...(detail.exitCode === undefined ? {} : { exitCode: detail.exitCode }),
    ...(detail.error === undefined ? {} : { error: messageOf(detail.error) }),
  };
  channels.command.publish(message);
}

/**
 * Publishes the outcome of one heartbeat on `pycom-rx:heartbeat`, when someone listens: a
 * one-line call for the coordinator.
 *
 * ## Example
 * ```ts
 * publishHeartbeat(unit, outcome);
 * ```
 * @param unit The unit (`host`, `port`).
 * @param outcome `delivered`, or `failed` with its error.
 */
export function publishHeartbeat(
  unit: { readonly host: string; readonly port: number },
  outcome: { readonly kind: 'delivered' } | { readonly kind: 'failed'; readonly error: unknown },
): void {
  if (!channels.heartbeat.hasSubscribers) return;
  channels.heartbeat.publish({
    unit: unit.host,
    port: unit.port,
    outcome: outcome.kind,
    ...(outcome.kind === 'failed' ? { error: messageOf(outcome.error) } : {}),
  });
}
