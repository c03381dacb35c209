import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CommandTooLargeError as ProtocolCommandTooLargeError,
  MAX_COMMAND_BYTES as PROTOCOL_MAX_COMMAND_BYTES,
  taggedCommandBytes,
} from '../../src/protocol/commandSize';
import { readTrailer, tagCommand } from '../../src/protocol/tagged';
import { ledFan, modelLight } from '../../src/sequence/builders';
import { render } from '../../src/sequence/csv';
import type { Row, Sequence } from '../../src/sequence/registers';
import { CommandTooLargeError, MAX_COMMAND_BYTES, uploadCommand } from '../../src/sequence';

/** Where these tests write the file (a path the same length in every run). */
const PATH = '~/a.csv';

/**
 * The longest sequence of MODEL_LIGHT rows (14, 15 or 16 bytes each) whose upload command is
 * exactly MAX_COMMAND_BYTES once tagged.
 */
function exactFit(): Row[] {
  const room = MAX_COMMAND_BYTES - taggedCommandBytes(uploadCommand([], { path: PATH }));
  const count = Math.floor(room / 14); // 'MODEL_LIGHT,5\n'
  let extra = room - count * 14; // 0..13 bytes to add by widening rows
  return Array.from({ length: count }, () => {
    const add = Math.min(extra, 2);
    extra -= add;
    return modelLight([5, 50, 100][add]!);
  });
}

function sizeError(run: () => unknown): CommandTooLargeError {
  try {
    run();
  } catch (e) {
    expect(e).toBeInstanceOf(CommandTooLargeError);
    return e as CommandTooLargeError;
  }
  throw new Error('no error thrown');
}

describe('uploadCommand and MAX_COMMAND_BYTES', () => {
  const fit = exactFit();
  const command = uploadCommand(fit, { path: PATH });

  it('is the protocol limit, re-exported with its error by pycom-rx/sequence', () => {
    expect(MAX_COMMAND_BYTES).toBe(131071);
    expect(MAX_COMMAND_BYTES).toBe(PROTOCOL_MAX_COMMAND_BYTES);
    expect(CommandTooLargeError).toBe(ProtocolCommandTooLargeError);
  });

  it('accepts a sequence whose command is exactly MAX_COMMAND_BYTES once tagged', () => {
    expect(taggedCommandBytes(command)).toBe(MAX_COMMAND_BYTES);
    expect(Buffer.byteLength(tagCommand(command).text)).toBe(MAX_COMMAND_BYTES);
  });

  it('refuses one more row, saying how large it is and how many rows it has', () => {
    const e = sizeError(() => uploadCommand([...fit, ledFan(1)], { path: PATH }));
    expect(e).toMatchObject({
      bytes: MAX_COMMAND_BYTES + 10,
      limit: MAX_COMMAND_BYTES,
      rows: fit.length + 1,
    });
    expect(e.tagged).toBe(true);
    expect(e.message).toBe(
      `the command is ${MAX_COMMAND_BYTES + 10} bytes once tagged (a sequence of ${fit.length + 1} rows); ` +
        'a unit runs at most 131071 (Linux MAX_ARG_STRLEN): split the sequence or shorten its rows',
    );
  });

  it('refuses one byte more, counted in UTF-8 (a path with é)', () => {
    const e = sizeError(() => uploadCommand(fit, { path: '~/é.csv' }));
    expect(e).toMatchObject({ bytes: MAX_COMMAND_BYTES + 1, rows: fit.length });
    const wider = [...fit];
    const i = wider.findIndex((r) => r.register === 'MODEL_LIGHT' && r.power === 5);
    wider[i] = modelLight(10);
    expect(sizeError(() => uploadCommand(wider, { path: PATH })).bytes).toBe(MAX_COMMAND_BYTES + 1);
  });

  it('counts the standalone verb and path too', () => {
    const standalone = (rows: Sequence) => uploadCommand(rows, { standalone: true });
    const longer = taggedCommandBytes(standalone([])) - taggedCommandBytes(uploadCommand([], { path: PATH }));
    expect(longer).toBeGreaterThan(0);
    expect(sizeError(() => standalone(fit)).bytes).toBe(MAX_COMMAND_BYTES + longer);
  });

  it('the largest accepted command runs in /bin/sh, tagged, and writes the whole sequence', () => {
    const home = mkdtempSync(join(tmpdir(), 'pycom-rx-size-'));
    try {
      const tagged = tagCommand(command);
      const ran = spawnSync('/bin/sh', ['-c', tagged.text], {
        cwd: home,
        env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: home },
        encoding: 'utf8',
      });
      expect(ran.error).toBeUndefined();
      // no boardiocli on this host: the upload fails after writing the file, and the trailer says so
      expect(readTrailer(ran.stdout)).toMatchObject({ nonce: tagged.nonce, exitCode: 127 });
      expect(readFileSync(join(home, 'a.csv'), 'utf8')).toBe(render(fit));
      // and one byte more is what Linux refuses
      const over = spawnSync('/bin/sh', ['-c', `${tagged.text} `]);
      expect((over.error as NodeJS.ErrnoException | undefined)?.code).toBe('E2BIG');
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });
});
