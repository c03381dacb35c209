import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { all4Canon, ledFan, modelLight } from '../../src/sequence/builders';
import { render } from '../../src/sequence/csv';
import { SequenceError } from '../../src/sequence/error';
import type { Sequence } from '../../src/sequence/registers';
import { taggedCommandBytes } from '../../src/protocol/commandSize';
import {
  CommandTooLargeError,
  MAX_COMMAND_BYTES,
  shellPath,
  shellQuote,
  RUN_COMMAND,
  STANDALONE_SEQUENCE_PATH,
  uploadCommand,
} from '../../src/sequence/shell';
import { assertBatched, runShells } from '../helpers/shells';
import { anySequence } from './arbitraries';

let root: string;
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'pycom-rx-shell-'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

let count = 0;
function freshDir(): string {
  const dir = join(root, String(count++));
  mkdirSync(dir);
  return dir;
}

/** Runs each command in a real /bin/sh of its own, each inside a new temporary directory. */
function shEach(commands: ReadonlyArray<string>) {
  const dirs = commands.map(() => freshDir());
  return runShells(commands.map((command, i) => ({ shell: '/bin/sh', command, cwd: dirs[i] }))).map(
    (result, i) => ({ ...result, dir: dirs[i]! }),
  );
}

/** Characters a shell treats specially, plus newlines, unicode and quotes. */
const nasty = fc.constantFrom(
  ...[
    "'",
    '"',
    '\\',
    '\n',
    '\r',
    '\t',
    ' ',
    '$',
    '(',
    ')',
    '`',
    '%',
    '%s',
    '%%',
    '\\n',
    '!',
    '*',
    '?',
    '~',
    '-',
  ],
  ...[';', '&', '|', '<', '>', '{', '}', '[', ']', '#', '=', 'é', '€', '😀', '\u00a0', '$(touch pwned)'],
  ...['`touch pwned`', "'; touch pwned; '", '${HOME}', 'a', 'Z', '0'],
);
const anyText = fc.oneof(
  fc.string({ unit: nasty, maxLength: 30 }),
  fc.string({ unit: 'binary', maxLength: 30 }).map((s) => s.replace(/\0/g, '')),
  fc.string({ unit: 'grapheme', maxLength: 30 }),
);

describe('shellQuote', () => {
  it("wraps in single quotes and writes embedded quotes as '\\''", () => {
    expect(shellQuote('abc')).toBe("'abc'");
    expect(shellQuote('')).toBe("''");
    expect(shellQuote("it's")).toBe("'it'\\''s'");
    expect(shellQuote("''")).toBe("''\\'''\\'''");
  });

  it('refuses NUL, which no shell word can hold', () => {
    expect(() => shellQuote('a\0b')).toThrow(RangeError);
  });

  it('is one word that /bin/sh turns back into the exact bytes, running nothing (property, real sh)', () => {
    assertBatched(
      [anyText],
      (cases) => shEach(cases.map(([text]) => `printf '%s' ${shellQuote(text)} > out`)),
      ({ status, dir }, text) => {
        expect(status).toBe(0);
        expect(readFileSync(join(dir, 'out')).equals(Buffer.from(text, 'utf8'))).toBe(true);
        expect(readdirSync(dir)).toEqual(['out']);
      },
      { numRuns: 200 },
    );
  });

  it('keeps words apart when several are quoted on one line (property, real sh)', () => {
    assertBatched(
      [fc.array(anyText, { minLength: 1, maxLength: 4 })],
      (cases) => shEach(cases.map(([words]) => `printf '%s\\0' ${words.map(shellQuote).join(' ')}`)),
      ({ status, stdout, dir }, words) => {
        expect(status).toBe(0);
        expect(readdirSync(dir)).toEqual([]);
        expect(stdout.toString('utf8').split('\0').slice(0, -1)).toEqual(
          words.map((w) => Buffer.from(w, 'utf8').toString('utf8')),
        );
      },
      { numRuns: 50 },
    );
  });
});

describe('shellPath', () => {
  it('expands a leading ~/ as "$HOME" outside the quotes, quotes everything else', () => {
    expect(shellPath('~/la4_sequence.csv')).toBe(`"$HOME"/'la4_sequence.csv'`);
    expect(shellPath('/home/rigsters/a b.csv')).toBe(`'/home/rigsters/a b.csv'`);
    expect(shellPath('~user/x')).toBe(`'~user/x'`);
    expect(shellPath("~/x'; rm -rf ~; '")).toBe(`"$HOME"/'x'\\''; rm -rf ~; '\\'''`);
  });

  it('refuses paths that are not files', () => {
    for (const path of ['', '~', '/tmp/']) expect(() => shellPath(path)).toThrow(RangeError);
  });
});

describe('uploadCommand', () => {
  const sequence: Sequence = [ledFan(1), all4Canon({ power: 80, shutterMs: 105 })];

  it('builds printf > file && boardiocli uSeq, at the paths the vendor documents', () => {
    expect(uploadCommand(sequence)).toBe(
      `printf '%s' 'LED_FAN,1\nALL_4_CANON,80,105\n' > "$HOME"/'la4_sequence.csv' && boardiocli uSeq`,
    );
    expect(STANDALONE_SEQUENCE_PATH).toBe('/home/rigsters/la4_sequence_standalone.csv');
    expect(uploadCommand(sequence, { standalone: true })).toBe(
      `printf '%s' 'LED_FAN,1\nALL_4_CANON,80,105\n' > '/home/rigsters/la4_sequence_standalone.csv' && boardiocli uSeqStandalone`,
    );
    expect(uploadCommand([], { standalone: true, path: '~/boot.csv' })).toBe(
      `printf '%s' '' > "$HOME"/'boot.csv' && boardiocli uSeqStandalone`,
    );
  });

  it('never starts the sequence: runSeq is a command of its own', () => {
    expect(RUN_COMMAND).toBe('boardiocli runSeq');
    const options = { run: true } as unknown as Parameters<typeof uploadCommand>[1];
    expect(uploadCommand(sequence, options)).not.toContain('runSeq');
  });

  it('refuses invalid rows and bad paths', () => {
    const bad = [{ register: 'LED_FAN', state: "1' ; reboot ; '" }] as unknown as Sequence;
    expect(() => uploadCommand(bad)).toThrow(SequenceError);
    expect(() => uploadCommand(sequence, { path: '' })).toThrow(RangeError);
  });

  describe('in a real /bin/sh with a fake boardiocli', () => {
    let bin: string;
    beforeAll(() => {
      bin = freshDir();
      const script = join(bin, 'boardiocli');
      writeFileSync(
        script,
        '#!/bin/sh\nprintf \'%s\\n\' "$*" >> "$BOARDIO_LOG"\n[ "$1" = "$BOARDIO_FAIL" ] && exit 1\nexit 0\n',
      );
      chmodSync(script, 0o755);
    });

    /** Runs each command in /bin/sh of its own, in a new $HOME, with only PATH, HOME and boardio's log. */
    function runEach(commands: ReadonlyArray<string>, fail = '') {
      const homes = commands.map(() => freshDir());
      const logs = homes.map((home) => join(home, '..', `${count++}.log`));
      const results = runShells(
        commands.map((command, i) => ({
          shell: '/bin/sh',
          command,
          cwd: homes[i],
          env: {
            PATH: `${bin}:${process.env['PATH'] ?? '/usr/bin:/bin'}`,
            HOME: homes[i]!,
            BOARDIO_LOG: logs[i]!,
            BOARDIO_FAIL: fail,
          },
        })),
      );
      return results.map(({ status, stdout }, i) => {
        const log = logs[i]!;
        const verbs = existsSync(log) ? readFileSync(log, 'utf8').split('\n').slice(0, -1) : [];
        return { home: homes[i]!, status, verbs, stdout: stdout.toString('utf8') };
      });
    }

    const run = (command: string, fail = '') => runEach([command], fail)[0]!;

    it('writes render(sequence) byte for byte to $HOME/la4_sequence.csv, then calls uSeq only', () => {
      const { home, status, verbs, stdout } = run(uploadCommand(sequence));
      expect(status).toBe(0);
      expect(readFileSync(join(home, 'la4_sequence.csv'), 'utf8')).toBe(render(sequence));
      expect(verbs).toEqual(['uSeq']);
      expect(stdout).toBe('');
    });

    it('writes the standalone file and calls uSeqStandalone only', () => {
      const path = '~/la4_sequence_standalone.csv'; // this host has no /home/rigsters
      const { home, verbs } = run(uploadCommand(sequence, { standalone: true, path }));
      expect(readFileSync(join(home, 'la4_sequence_standalone.csv'), 'utf8')).toBe(render(sequence));
      expect(existsSync(join(home, 'la4_sequence.csv'))).toBe(false);
      expect(verbs).toEqual(['uSeqStandalone']);
    });

    it('exits non-zero when boardiocli fails', () => {
      const { status, verbs } = run(uploadCommand(sequence), 'uSeq');
      expect(status).not.toBe(0);
      expect(verbs).toEqual(['uSeq']);
    });

    it('does not call boardio when the file cannot be written', () => {
      const { status, verbs } = run(uploadCommand(sequence, { path: '~/missing/dir/seq.csv' }));
      expect(status).not.toBe(0);
      expect(verbs).toEqual([]);
    });

    it('writes to a hostile custom path literally, running nothing from it', () => {
      const path = "~/x'; touch pwned; echo '$(touch pwned2) `touch pwned3`.csv";
      const { home, verbs } = run(uploadCommand([modelLight(5)], { path }));
      expect(readdirSync(home).sort()).toEqual([path.slice(2)]);
      expect(readFileSync(join(home, path.slice(2)), 'utf8')).toBe('MODEL_LIGHT,5\n');
      expect(verbs).toEqual(['uSeq']);
    });

    it('uploads any valid sequence exactly (property)', () => {
      const fileOf = (standalone: boolean) =>
        standalone ? 'la4_sequence_standalone.csv' : 'la4_sequence.csv';
      assertBatched(
        [anySequence, fc.boolean()],
        (cases) =>
          runEach(
            cases.map(([s, standalone]) => uploadCommand(s, { standalone, path: `~/${fileOf(standalone)}` })),
          ),
        ({ home, status, verbs }, s, standalone) => {
          expect(status).toBe(0);
          expect(readFileSync(join(home, fileOf(standalone)), 'utf8')).toBe(render(s));
          expect(verbs).toEqual([standalone ? 'uSeqStandalone' : 'uSeq']);
        },
        { numRuns: 40 },
      );
    });
  });

  it('MAX_COMMAND_BYTES is the longest command /bin/sh -c accepts on this system', () => {
    const fits = spawnSync('/bin/sh', ['-c', `:${' '.repeat(MAX_COMMAND_BYTES - 1)}`]);
    expect(fits.error).toBeUndefined();
    expect(fits.status).toBe(0);
    const tooLong = spawnSync('/bin/sh', ['-c', `:${' '.repeat(MAX_COMMAND_BYTES)}`]);
    expect((tooLong.error as NodeJS.ErrnoException | undefined)?.code).toBe('E2BIG');
  });

  it('refuses a sequence whose command, once tagged, would be too long for the shell', () => {
    const rows = Array.from({ length: 9000 }, () => all4Canon({ power: 100, shutterMs: 100 }));
    let thrown: unknown;
    try {
      uploadCommand(rows);
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(CommandTooLargeError);
    expect(thrown).toBeInstanceOf(RangeError);
    expect(thrown).toMatchObject({ limit: MAX_COMMAND_BYTES, rows: 9000, tagged: true });
    expect((thrown as CommandTooLargeError).bytes).toBeGreaterThan(MAX_COMMAND_BYTES);
    expect((thrown as Error).message).toMatch(
      /^the command is \d+ bytes once tagged \(a sequence of 9000 rows\); a unit runs at most 131071/,
    );
    const fits = Array.from({ length: 5000 }, () => all4Canon({ power: 100, shutterMs: 100 }));
    expect(taggedCommandBytes(uploadCommand(fits))).toBeLessThanOrEqual(MAX_COMMAND_BYTES);
  });
});
