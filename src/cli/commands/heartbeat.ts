import type { Command } from 'commander';
import type { Presence } from '../../coordinator';
import type { UnitInfo } from '../../protocol';
import { examples, globalsOf, type CommandContext } from '../context';
import { EXIT } from '../exitCodes';
import { clock, formatUnitInfo, unitColumn } from '../format';
import { isInterruption } from '../interrupt';
import { printable, safeJson } from '../safeOutput';
import { type CliIO, stage, whenAborted, writeLine } from '../io';
import { type GlobalOptions, integerIn, parseTarget, showTarget } from '../options';
import { openSession } from '../session';

/**
 * Options of {@link runHeartbeat}.
 */
export interface HeartbeatCommandOptions extends GlobalOptions {
  /** The unit: `host` or `host:port`. */
  readonly unit: string;
  /** Time between heartbeats, in ms (pycom's rule: 5 000). */
  readonly interval: number;
  /** One JSON object per line instead of text. */
  readonly json: boolean;
}

/**
 * `pycom-rx heartbeat`: keeps a presence session with one unit (a heartbeat every `interval`)
 * and prints each change of presence and the unit's `unit_info`, until Ctrl-C.
 *
 * ## Example
 * ```ts
 * const code = await runHeartbeat({ host: '0.0.0.0', port: 5000, unit: '192.168.0.23', interval: 5000, json: false }, io);
 * ```
 * @param options The unit, the listener, the interval, the format.
 * @param io Streams and the interrupt signal.
 * @return 130 after Ctrl-C; rejects with a `ListenError` when the listener cannot bind.
 */
export async function runHeartbeat(options: HeartbeatCommandOptions, io: CliIO): Promise<number> {
  const target = parseTarget(options.unit);
  const unit = showTarget(target);
  stage(io, `binding ${options.host}:${options.port}`);
  const session = await openSession(options, {
    heartbeatIntervalMs: options.interval,
    ...(options.timeout === undefined ? {} : { lostAfterMs: options.timeout }),
  });
  writeLine(
    io.stderr,
    `heartbeats to ${unit} every ${options.interval} ms as coordinator ${session.coordinator.id}, ` +
      `listening on ${session.address.address}:${session.address.port} (Ctrl-C to stop)`,
  );
  const print = (human: string, json: object) =>
    writeLine(
      io.stdout,
      options.json
        ? safeJson(json)
        : printable(`${clock(io.now())}  ${unitColumn(unit)}  ${human.trimEnd()}`),
    );
  let state = 'pending';
  stage(io, () => `heartbeating ${unit} (${state})`);
  const onPresence = (p: Presence) => {
    state = p.state;
    print(
      `${p.state.padEnd(9)}${p.id === undefined ? '' : `  id ${p.id}`}${p.message === undefined ? '' : `  (${p.message})`}`,
      { kind: 'presence', ...p, unit },
    );
  };
  const onInfo = (info: UnitInfo) =>
    print(`${'unit_info'.padEnd(9)}  ${formatUnitInfo(info)}`, { unit, kind: 'unit_info', info });
  const subscription = session.coordinator.connect(target).subscribe({ next: onPresence });
  subscription.add(session.coordinator.unitInfo(target, { timeoutMs: Infinity }).subscribe({ next: onInfo }));
  try {
    await whenAborted(io.signal);
    return isInterruption(io.signal) ? EXIT.interrupted : EXIT.ok;
  } finally {
    subscription.unsubscribe();
    session.close();
  }
}

/**
 * Adds `heartbeat` to the program.
 *
 * @param program The `pycom-rx` program.
 * @param ctx IO and exit code.
 */
export function defineHeartbeat(program: Command, ctx: CommandContext): void {
  program
    .command('heartbeat')
    .description(
      'keep a presence session with a unit (heartbeats as coordinator) and print its state changes and unit_info, until Ctrl-C',
    )
    .argument('<unit>', 'the unit: address[:port], port 5000 by default')
    .option('--interval <ms>', 'time between heartbeats', integerIn(100, 60_000), 5_000)
    .option('--json', 'one JSON object per line: {"kind":"presence",...} or {"kind":"unit_info",...}', false)
    .addHelpText(
      'after',
      examples([
        'pycom-rx heartbeat 192.168.0.23',
        'pycom-rx heartbeat 192.168.0.23 --json --timeout 20000',
      ]) +
        '\nStates: pending (no answer yet), connected (the unit spoke), lost (no heartbeat delivered for\n' +
        '--timeout ms, default 15000). The unit sends unit_info once per coordinator, when its hardware is ready.\n',
    )
    .action(async (unitArg: string, options: { interval: number; json: boolean }, command: Command) => {
      ctx.exit(await runHeartbeat({ ...globalsOf(command), unit: unitArg, ...options }, ctx.io));
    });
}
