import fc from 'fast-check';
import { readTrailer, tagCommand, taggedOutput, untagCommand } from '../../src/protocol/tagged';
import { assertBatched, runShells, type ShellCase } from '../helpers/shells';

// The wrapper of tagged commands, run by the shells pycom may use: dash (Debian's /bin/sh) and bash.
const SHELLS = ['dash', 'bash'] as const;

/**
 * Runs each case as pycom does (`<shell> -c text`), each in a shell process of its own; the
 * output read byte for byte (latin1). stdin is /dev/null: on a socket (Node's pipes) bash would
 * take itself for an rsh session and read ~/.bashrc.
 */
const runEach = (cases: ReadonlyArray<ShellCase>) =>
  runShells(cases).map((r) => ({
    stdout: r.stdout.toString('latin1'),
    stderr: r.stderr.toString('latin1'),
    status: r.status,
  }));

/** A byte as a printf octal escape, so the command itself stays plain ASCII. */
const octal = (b: number) => `\\${b.toString(8).padStart(3, '0')}`;

describe('tagCommand / readTrailer', () => {
  it.each(SHELLS)('%s: any output bytes and any exit status come back exactly', (shell) => {
    assertBatched(
      [fc.uint8Array({ maxLength: 64 }), fc.integer({ min: 0, max: 255 }), fc.boolean()],
      (cases) =>
        runEach(
          cases.map(([bytes, status, toStderr]) => {
            const command = `printf '${[...bytes].map(octal).join('')}'${toStderr ? ' >&2' : ''}; exit ${status}`;
            return { shell, command: tagCommand(command).text };
          }),
        ),
      (r, bytes, status) => {
        const printed = Buffer.from(bytes).toString('latin1');
        expect(r.status).toBe(0);
        expect(r.stderr).toBe('');
        const trailer = readTrailer(r.stdout);
        expect(trailer).toMatchObject({ exitCode: status, output: printed });
      },
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
      // nor a single '&' or '|' made of '\\' and '&&' or '||' (`\&&` is `&` then `&`): a command
      // left running in the background prints when it does, before or after the trailer
      const command = fc
        .array(pieces, { maxLength: 8 })
        .filter((parts) => !parts.some((p, i) => p === '\\' && ['&&', '||'].includes(parts[i + 1] ?? '')));
      assertBatched(
        [command],
        (cases) => {
          // three runs of each command: alone, merged by hand, tagged
          const runs = runEach(
            cases.flatMap(([parts]) => {
              const command = parts.join('');
              return [
                { shell: 'sh', command },
                { shell, command: `sh -c '${command.replace(/'/g, `'\\''`)}' 2>&1` },
                { shell, command: tagCommand(command).text },
              ];
            }),
          );
          return cases.map((_, i) => ({
            direct: runs[3 * i]!,
            merged: runs[3 * i + 1]!,
            tagged: runs[3 * i + 2]!,
          }));
        },
        ({ direct, merged, tagged }) => {
          expect(readTrailer(tagged.stdout)).toMatchObject({
            exitCode: direct.status,
            output: merged.stdout,
          });
        },
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
    expect(readTrailer(`\x1epycom-rx ${'a'.repeat(32)} 0 and more`)).toBeUndefined();
    expect(readTrailer(`\x1epycom-rx ${'a'.repeat(32)} 1234\x1e`)).toBeUndefined();
    expect(readTrailer(`\x1epycom-rx ${'a'.repeat(31)} 0\x1e`)).toBeUndefined();
    expect(readTrailer(`x\x1epycom-rx ${'a'.repeat(31)}`)).toBeUndefined();
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
