import { randomBytes } from 'node:crypto';
import { firstValueFrom, from, toArray } from 'rxjs';
import type { Coordinator } from '../../coordinator';
import { exitCodeOf, interrupted } from '../errors';
import { EXIT } from '../exitCodes';
import { indent, unitColumn } from '../format';
import { type CliIO, interruptible, writeLine } from '../io';

/**
 * Runs `uname -a` and `echo <random token>` on every unit through `coordinator.run` (one at a
 * time per unit, units in parallel), prints each output, and checks the tokens came back.
 *
 * ## Example
 * ```ts
 * const code = await runShellCommands(coordinator, ['127.0.0.2', '127.0.0.3'], io);
 * ```
 * @param coordinator A coordinator whose listener is bound.
 * @param hosts The units.
 * @param io Output and interrupt signal.
 * @return 0 when every command answered and every token came back.
 */
export async function runShellCommands(
  coordinator: Coordinator,
  hosts: ReadonlyArray<string>,
  io: CliIO,
): Promise<number> {
  const token = `pycom-rx-demo-${randomBytes(3).toString('hex')}`;
  const jobs = hosts.flatMap((unit) => [
    { unit, command: 'uname -a' },
    { unit, command: `echo ${token}` },
  ]);
  const results = await interruptible(
    io.signal,
    firstValueFrom(coordinator.run(from(jobs)).pipe(toArray())),
    interrupted,
  );
  let code: number = EXIT.ok;
  for (const host of hosts)
    for (const r of results.filter((x) => x.unit === host)) {
      writeLine(io.stdout, `${unitColumn(host)}  $ ${r.request.command}`);
      if (r.kind === 'output') writeLine(io.stdout, indent(r.output.output, '    '));
      else {
        writeLine(io.stdout, `    FAILED: ${r.error.message}`);
        if (code === EXIT.ok) code = exitCodeOf(r.error);
      }
    }
  const echoed = results.filter((r) => r.kind === 'output' && r.output.output.trim() === token).length;
  writeLine(io.stdout, `echo token came back from ${echoed} of ${hosts.length} units`);
  return code === EXIT.ok && echoed !== hosts.length ? EXIT.failure : code;
}
