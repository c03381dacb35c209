import { filter, map } from 'rxjs';
import { readTrailer, tagCommand } from '../../src/protocol';
import type { Inbound } from '../../src/transport';
import { memoryNetwork, memoryTransport, memoryUnit, type MemoryExecutor } from '../../src/testing';
import { command as cmd, MEMORY_PC, testScheduler } from '../helpers/events';

const UNIT = '192.168.0.23';
const NONCE = '0123456789abcdef0123456789abcdef';

/** Sends `command` tagged to a memory unit running `executor`, and reads the trailer of its output. */
function answer(command: string, executor: MemoryExecutor) {
  const ts = testScheduler();
  let seen: string | undefined;
  let trailer: ReturnType<typeof readTrailer>;
  ts.run(() => {
    const network = memoryNetwork({ scheduler: ts });
    const transport = memoryTransport(network);
    memoryUnit(network, {
      host: UNIT,
      executor: (text, context) => {
        seen = text;
        expect(context.tagged).toBe(true);
        return executor(text, context);
      },
    });
    transport
      .listen({})
      .pipe(
        filter((i: Inbound) => 'type_' in i && i.type_ === 'output'),
        map((i) => ('type_' in i && i.type_ === 'output' ? i.output : '')),
      )
      .subscribe((output) => (trailer = readTrailer(output)));
    transport.send(UNIT, cmd(5000, tagCommand(command, NONCE).text, MEMORY_PC)).subscribe();
  });
  return { seen, trailer };
}

describe('memoryUnit and tagged commands', () => {
  it('hands the executor the command inside the wrapper, and answers with the trailer', () => {
    const { seen, trailer } = answer("echo 'it''s' (odd; exit 3", () => ({
      stdout: 'out\n',
      stderr: 'err\n',
      exitCode: 3,
    }));
    expect(seen).toBe("echo 'it''s' (odd; exit 3");
    expect(trailer).toEqual({ nonce: NONCE, exitCode: 3, output: 'out\nerr\n' });
  });

  it('reports exit status 0 and stdout alone for a command that succeeds', () => {
    const { trailer } = answer('uptime', () => ({ stdout: 'up\n' }));
    expect(trailer).toEqual({ nonce: NONCE, exitCode: 0, output: 'up\n' });
  });

  it('shows an exit status as the shell does, modulo 256', () => {
    const { trailer } = answer('big', () => ({ stderr: 'x', exitCode: 257 }));
    expect(trailer).toEqual({ nonce: NONCE, exitCode: 1, output: 'x' });
  });

  it('runs the built-in steps of a tagged upload without the executor', () => {
    const { seen, trailer } = answer(
      `printf '%s' 'LED_FAN,1\n' > "$HOME"/'la4_sequence.csv' && boardiocli uSeq`,
      () => {
        throw new Error('not for the executor');
      },
    );
    expect(seen).toBeUndefined();
    expect(trailer).toEqual({
      nonce: NONCE,
      exitCode: 0,
      output: 'BOARDIO_CLI: Sent: "uSeq" to FIFO file\n',
    });
  });
});
