import * as diagnosticsChannel from 'node:diagnostics_channel';
import { debugFromEnvironment } from './debug';
import { CHANNEL_NAMES } from './names';

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
  send: diagnosticsChannel.channel(CHANNEL_NAMES.send),
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
