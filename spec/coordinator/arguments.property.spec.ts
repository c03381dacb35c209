import fc from 'fast-check';
import { type Observable, of, type Subscription } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { CommandTooLargeError, createCoordinator, OptionError } from '../../src';
import { memoryNetwork, memoryTransport, memoryUnit } from '../../src/testing';

/**
 * Every public call of a coordinator fed random targets, commands and options: it either throws
 * a typed error when called (OptionError, CommandTooLargeError, RangeError for a NUL), or its
 * Observable emits and ends with values or one of the library's typed errors; nothing throws
 * later from a timer or a callback. In virtual time on a memory network, so no random address
 * is ever sent real traffic.
 */

const UNIT = '192.168.0.23';
/** Errors a call may end with: the library's own classes, by name. */
const TYPED = new Set([
  'OptionError',
  'CommandTooLargeError',
  'SendError',
  'ListenError',
  'OutputTimeoutError',
  'OutputRejectedError',
  'UnitInfoTimeoutError',
  'CoordinatorClosedError',
]);

const host = fc.oneof(
  fc.constantFrom(
    UNIT,
    'la4-07.rig',
    'localhost',
    '127.1',
    '::1',
    '[::1]',
    '::ffff:192.168.0.23',
    '',
    ' ',
    'a\nb',
  ),
  fc.ipV4(),
  fc.ipV6(),
  fc.domain(),
  fc.string({ maxLength: 20 }),
);
const anything = fc.oneof(
  fc.constantFrom(
    undefined,
    null,
    NaN,
    Infinity,
    -Infinity,
    -0,
    0,
    -1,
    2 ** 31,
    2 ** 53,
    1e-9,
    '100',
    true,
    [],
    {},
  ),
  fc.integer(),
  fc.double(),
  fc.string({ maxLength: 5 }),
);
const port = fc.oneof(fc.constantFrom(undefined, 5000, 0, 65535, 65536, 70000, -1, 5000.5, NaN), anything);
const target = fc.oneof(
  host,
  fc.record({ host, port }, { requiredKeys: ['host'] }),
  fc.record({ host: anything, port }),
  anything,
);
const command = fc.oneof(
  fc.constantFrom('echo hi', 'exit 3', '', "it's", 'a\0b', 'x'.repeat(131_072), 'é'.repeat(50_000)),
  fc.string({ maxLength: 40 }),
  anything,
);
const timeoutOption = fc.oneof(fc.constantFrom(1, 100, 10_000, Infinity), anything);
const commandOptions = fc.oneof(
  fc.record(
    { outputTimeoutMs: timeoutOption, tagged: fc.oneof(fc.boolean(), anything) },
    { requiredKeys: [] },
  ),
  anything,
);
const call = fc.oneof(
  fc.record({ kind: fc.constant('command' as const), target, command, options: commandOptions }),
  fc.record({
    kind: fc.constant('unitInfo' as const),
    target,
    options: fc.oneof(fc.record({ timeoutMs: timeoutOption }), anything),
  }),
  fc.record({ kind: fc.constant('connect' as const), target }),
  fc.record({ kind: fc.constant('eventsFrom' as const), target }),
  fc.record({
    kind: fc.constant('runSequence' as const),
    target,
    options: fc.oneof(
      fc.record(
        { stepTimeoutMs: timeoutOption, runTimeoutMs: timeoutOption, run: anything },
        { requiredKeys: [] },
      ),
      anything,
    ),
  }),
  fc.record({ kind: fc.constant('run' as const), target, command, timeout: timeoutOption }),
);

describe('every coordinator call, fed random targets and options', () => {
  it('throws a typed error when called, or ends with values or a typed error; nothing throws later', () => {
    fc.assert(
      fc.property(fc.array(call, { minLength: 1, maxLength: 6 }), (calls) => {
        const ts = new TestScheduler(() => undefined);
        ts.run(() => {
          const network = memoryNetwork({ scheduler: ts });
          memoryUnit(network, { host: UNIT, executor: () => ({ stdout: 'ok\n' }) });
          const coordinator = createCoordinator({
            scheduler: ts,
            transport: memoryTransport(network, { hosts: { 'la4-07.rig': UNIT } }),
          });
          const ends: unknown[] = [];
          const subscriptions: Subscription[] = [];
          for (const c of calls) {
            let source: Observable<unknown>;
            try {
              source = start(coordinator, c);
            } catch (e) {
              expect(
                e instanceof OptionError || e instanceof CommandTooLargeError || e instanceof RangeError,
              ).toBe(true);
              continue;
            }
            subscriptions.push(
              source.subscribe({
                // run() reports failures as values
                next: (v) => {
                  const r = v as { kind?: string; error?: unknown };
                  if (c.kind === 'run' && r.kind === 'failed') ends.push(r.error);
                },
                error: (e: unknown) => ends.push(e),
              }),
            );
          }
          // a minute of virtual time, then close: every timer of the library runs meanwhile
          ts.schedule(() => {
            for (const s of subscriptions) s.unsubscribe();
            void coordinator.close();
          }, 60_000);
          ts.flush();
          for (const e of ends) expect(TYPED.has((e as Error).name)).toBe(true);
        });
      }),
      { numRuns: 150 },
    );
  });
});

type Call = typeof call extends fc.Arbitrary<infer C> ? C : never;

function start(coordinator: ReturnType<typeof createCoordinator>, c: Call): Observable<unknown> {
  switch (c.kind) {
    case 'command':
      return coordinator.command(c.target as never, c.command as never, c.options as never);
    case 'unitInfo':
      return coordinator.unitInfo(c.target as never, c.options as never);
    case 'connect':
      return coordinator.connect(c.target as never);
    case 'eventsFrom':
      return coordinator.eventsFrom(c.target as never);
    case 'runSequence':
      return coordinator.runSequence(c.target as never, [], c.options as never);
    case 'run':
      return coordinator.run(of({ unit: c.target, command: c.command, outputTimeoutMs: c.timeout }) as never);
  }
}
