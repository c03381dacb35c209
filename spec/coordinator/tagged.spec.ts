import { spawnSync } from 'node:child_process';
import fc from 'fast-check';
import { readTrailer, tagCommand, taggedOutput, untagCommand } from '../../src/coordinator/tagged';

// The wrapper of tagged commands, run by the shells pycom may use: dash (Debian's /bin/sh) and bash.
const SHELLS = ['dash', 'bash'] as const;

/**
 * Runs `text` as pycom does (`<shell> -c text`); the output read byte for byte (latin1). stdin
 * is closed: on a socket (Node's pipes) bash would take itself for an rsh session and read ~/.bashrc.
 */
const run = (shell: string, text: string) => {
  const r = spawnSync(shell, ['-c', text], {
    encoding: 'latin1',
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 5000,
  });
  return { stdout: r.stdout, stderr: r.stderr, status: r.status };
};

/** A byte as a printf octal escape, so the command itself stays plain ASCII. */
const octal = (b: number) => `\\${b.toString(8).padStart(3, '0')}`;

describe('tagCommand / readTrailer', () => {
  it.each(SHELLS)('%s: any output bytes and any exit status come back exactly', (shell) => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 64 }),
        fc.integer({ min: 0, max: 255 }),
        fc.boolean(),
        (bytes, status, toStderr) => {
          const printed = Buffer.from(bytes).toString('latin1');
          const command = `printf '${[...bytes].map(octal).join('')}'${toStderr ? ' >&2' : ''}; exit ${status}`;
          const { text } = tagCommand(command);
          const r = run(shell, text);
          expect(r.status).toBe(0);
          expect(r.stderr).toBe('');
          const trailer = readTrailer(r.stdout);
          expect(trailer).toMatchObject({ exitCode: status, output: printed });
        },
      ),
      { numRuns: 40 },
    );
  });

  it.each(SHELLS)(
    '%s: any command text behaves as `sh -c <command> 2>&1` (syntax errors included)',
    (shell) => {
      // no single '|': the two sides of a pipe run at once, so their merged output has no one order
      const pieces = fc.constantFrom(
        'echo a',
        "'",
        '"',
        '(',
        ')',
        '\n',
        ';',
        '#',
        'exit 7',
        'set -e',
        'false',
        '$HOME',
        '`',
        '\\',
        "cat <<'EOF'\nx\nEOF\n",
        'printf z',
        ' ',
        '&&',
        '||',
        'echo e >&2',
      );
      fc.assert(
        fc.property(fc.array(pieces, { maxLength: 8 }), (parts) => {
          const command = parts.join('');
          const direct = run('sh', command);
          const merged = run(shell, `sh -c '${command.replace(/'/g, `'\\''`)}' 2>&1`);
          const tagged = readTrailer(run(shell, tagCommand(command).text).stdout);
          expect(tagged).toMatchObject({ exitCode: direct.status, output: merged.stdout });
        }),
        { numRuns: 25 },
      );
    },
  );

  it('uses a new 128-bit nonce for every command, split so a command line never holds it whole', () => {
    const a = tagCommand('uptime');
    const b = tagCommand('uptime');
    expect(a.nonce).toMatch(/^[0-9a-f]{32}$/);
    expect(a.nonce).not.toBe(b.nonce);
    expect(a.text).not.toContain(a.nonce);
  });

  it('reads no trailer from an output without one, or with a malformed one', () => {
    expect(readTrailer('plain output\n')).toBeUndefined();
    expect(readTrailer('\x1epycom-rx nothex 0\x1e')).toBeUndefined();
    expect(readTrailer(`\x1epycom-rx ${'a'.repeat(32)} 0\x1e and more`)).toBeUndefined();
  });

  it('refuses a command with a NUL character (no shell word can hold it)', () => {
    expect(() => tagCommand('echo \0')).toThrow(RangeError);
  });

  it('untagCommand and taggedOutput are the inverse of the wrapper (for simulated units)', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'grapheme' }).filter((s) => !s.includes('\0')),
        fc.nat(255),
        (command, code) => {
          const { text, nonce } = tagCommand(command);
          expect(untagCommand(text)).toEqual({ command, nonce });
          expect(readTrailer(taggedOutput(nonce, 'out', code))).toEqual({
            nonce,
            exitCode: code,
            output: 'out',
          });
        },
      ),
    );
    expect(untagCommand('echo hi')).toBeUndefined();
  });
});
