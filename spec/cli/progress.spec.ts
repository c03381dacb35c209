import { ProgressBoard } from '../../src/cli/progress';
import type { OutputStream } from '../../src/cli/io';

const ESC = '\x1b';

// Issue 25: the board as a terminal shows it (`isTTY` set): redrawn in place, cut to the width.

/** A terminal stand-in: every write kept; `screen()` replays the cursor moves the board uses. */
function terminal(columns?: number) {
  const writes: string[] = [];
  const out: OutputStream = {
    write: (s: string) => writes.push(s),
    isTTY: true,
    ...(columns === undefined ? {} : { columns }),
  };
  /** The lines on screen after all writes (supports `\x1b[nA`, `\r`, `\x1b[2K`, `\n`). */
  const screen = () => {
    const lines: string[] = [];
    let row = 0;
    for (const token of writes.join('').split(new RegExp(`(${ESC}\\[\\d+A|${ESC}\\[2K|\r|\n)`))) {
      const up = new RegExp(`^${ESC}\\[(\\d+)A$`).exec(token);
      if (up) row -= Number(up[1]);
      else if (token === '\n') row++;
      else if (token === '\x1b[2K') lines[row] = '';
      else if (token !== '\r' && token !== '') lines[row] = (lines[row] ?? '') + token;
    }
    return lines;
  };
  return { out, writes, screen };
}

describe('ProgressBoard on a terminal (isTTY)', () => {
  it('draws every line at once, then redraws them in place on each change', () => {
    const { out, screen, writes } = terminal();
    const board = new ProgressBoard(out, ['127.1.0.2', '127.1.0.3'], 'uploading');
    expect(screen()).toEqual([
      expect.stringMatching(/^127\.1\.0\.2 +uploading$/),
      expect.stringMatching(/^127\.1\.0\.3 +uploading$/),
    ]);
    board.set('127.1.0.3', 'loaded');
    expect(writes.at(-1)?.startsWith(`${ESC}[2A`)).toBe(true); // back up over the two lines drawn
    expect(screen()).toEqual([
      expect.stringMatching(/uploading$/),
      expect.stringMatching(/^127\.1\.0\.3 +loaded$/),
    ]);
  });

  it('writes nothing for a status that did not change, nor after close()', () => {
    const { out, writes } = terminal();
    const board = new ProgressBoard(out, ['127.1.0.2'], 'uploading');
    board.set('127.1.0.2', 'uploading');
    board.close();
    board.set('127.1.0.2', 'completed');
    expect(writes).toHaveLength(1);
  });

  it('adds a line at the end for a key it was not given', () => {
    const { out, screen } = terminal();
    const board = new ProgressBoard(out, ['127.1.0.2'], 'uploading');
    board.set('127.1.0.9', 'loaded');
    expect(screen()).toEqual([
      expect.stringMatching(/^127\.1\.0\.2 +uploading$/),
      expect.stringMatching(/^127\.1\.0\.9 +loaded$/),
    ]);
  });

  it('cuts a line to the terminal width with an ellipsis', () => {
    const { out, screen } = terminal(20);
    new ProgressBoard(out, ['127.1.0.2'], 'a status far longer than twenty columns');
    const [line] = screen();
    expect(line).toHaveLength(19);
    expect(line?.endsWith('…')).toBe(true);
  });

  it('prints one line per change, without cursor moves, when live is off', () => {
    const { out, writes } = terminal();
    const board = new ProgressBoard(out, ['127.1.0.2'], 'uploading', false);
    board.set('127.1.0.2', 'loaded');
    expect(writes.join('')).not.toContain('\x1b[');
    expect(writes.join('').trimEnd().split('\n')).toEqual([
      expect.stringMatching(/uploading$/),
      expect.stringMatching(/loaded$/),
    ]);
  });
});
