import { TestScheduler } from 'rxjs/testing';
import type { Command, Heartbeat } from '../../src/protocol';
import { coordinatorIdentity } from '../fixtures';

/** A TestScheduler that compares with `toEqual`. */
export function testScheduler(): TestScheduler {
  return new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
}

/** The heartbeat of the test coordinator at 192.168.0.100, listening on `port`. */
export function beat(port = 5000, overrides: Partial<Heartbeat> = {}): Heartbeat {
  return coordinatorIdentity({ ip: '192.168.0.100', port, ...overrides });
}

/** A command from the test coordinator listening on `port`. */
export function cmd(command: string, port = 5000): Command {
  return { ...beat(port), type_: 'cmd', command };
}
