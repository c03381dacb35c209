import { filter, map } from 'rxjs';
import { MAX_COMMAND_BYTES } from '../../src/protocol/commandSize';
import { readTrailer, tagCommand } from '../../src/protocol/tagged';
import { memoryNetwork, memoryTransport, memoryUnit } from '../../src/testing';
import type { Inbound } from '../../src/transport';
import { command, MEMORY_PC, testScheduler } from '../helpers/events';

const UNIT = '192.168.0.23';
const NONCE = '0123456789abcdef0123456789abcdef';

/** Sends each command to a memory unit and collects the outputs and what its executor was asked. */
function outputsOf(commands: ReadonlyArray<string>) {
  const ts = testScheduler();
  const outputs: string[] = [];
  const seen: string[] = [];
  const finished: number[] = [];
  ts.run(() => {
    const network = memoryNetwork({ scheduler: ts });
    const transport = memoryTransport(network);
    const unit = memoryUnit(network, {
      host: UNIT,
      executor: (text) => {
        seen.push(text);
        return { stdout: `ran ${text.length}\n` };
      },
    });
    unit.events$.subscribe((a) => {
      if (a.kind === 'command-finished') finished.push(a.exitCode);
    });
    transport
      .listen({})
      .pipe(
        filter((i: Inbound) => 'type_' in i && i.type_ === 'output'),
        map((i) => ('type_' in i && i.type_ === 'output' ? i.output : '')),
      )
      .subscribe((output) => outputs.push(output));
    for (const text of commands) transport.send(UNIT, command(5000, text, MEMORY_PC)).subscribe();
  });
  return { outputs, seen, finished };
}

describe('memoryUnit and commands over MAX_COMMAND_BYTES', () => {
  const huge = `:${' '.repeat(MAX_COMMAND_BYTES)}`;

  it('answers as Linux refuses them, without running any of it, and goes on', () => {
    const { outputs, seen, finished } = outputsOf([huge, 'uptime']);
    expect(outputs).toEqual(['/bin/sh: Argument list too long\n', 'ran 6\n']);
    expect(finished).toEqual([126, 0]);
    expect(seen).toEqual(['uptime']);
  });

  it('ends the answer to a tagged one with a trailer carrying exit status 126', () => {
    // fits untagged, not once tagged
    const tagged = tagCommand(huge.slice(50), NONCE).text;
    expect(Buffer.byteLength(tagged)).toBeGreaterThan(MAX_COMMAND_BYTES);
    const { outputs, seen } = outputsOf([tagged]);
    expect(outputs.map(readTrailer)).toEqual([
      { nonce: NONCE, exitCode: 126, output: '/bin/sh: Argument list too long\n' },
    ]);
    expect(seen).toEqual([]);
  });

  it('runs the largest command that fits', () => {
    const { outputs } = outputsOf(['x'.repeat(MAX_COMMAND_BYTES)]);
    expect(outputs).toEqual([`ran ${MAX_COMMAND_BYTES}\n`]);
  });
});
