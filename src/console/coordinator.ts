import type { Coordinator } from '../coordinator';

/**
 * What the console uses of a coordinator: its public API, nothing more.
 *
 * ## Example
 * ```ts
 * const coordinator: ConsoleCoordinator = createCoordinator({ listen: { host: '127.0.0.1', port: 0 } });
 * ```
 */
export type ConsoleCoordinator = Pick<
  Coordinator,
  | 'id'
  | 'events$'
  | 'listening$'
  | 'stats$'
  | 'connect'
  | 'unitInfo'
  | 'eventsFrom'
  | 'command'
  | 'runSequence'
  | 'shoot'
>;
