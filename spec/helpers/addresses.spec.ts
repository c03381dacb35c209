import { existsSync, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import {
  addressesOf,
  addressToNumber,
  numberToAddress,
  parseBlock,
  RANGES,
  SHARED,
  type Block,
} from './addresses';

// The address registry (spec/helpers/addresses.ts) against the suite as written: every block is
// a file's own, and every spec file names only loopback addresses of its own blocks. What it
// reads: the text of each file under spec/ (comments left out), not what the code computes; an
// address a spec builds at run time should come from addressesOf(__filename).host(...), which
// throws outside the file's blocks.

const ROOT = path.resolve(__dirname, '../..');
const SPEC = path.join(ROOT, 'spec');
/** The registry and this spec name every block: they are what the others are checked against. */
const REGISTRY = new Set(['spec/helpers/addresses.ts', 'spec/helpers/addresses.spec.ts']);

/** Every file under spec/ that holds code, relative to the root. */
function codeFiles(dir = SPEC): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return codeFiles(full);
    return /\.(ts|cjs|js|mjs|py)$/.test(entry.name)
      ? [path.relative(ROOT, full).split(path.sep).join('/')]
      : [];
  });
}

/**
 * `text` without its comments (`/* *\/` blocks that open a line, whole-line `//` and `#` comments,
 * and a trailing ` // ...` outside quotes): the ranges other files own may be named there.
 */
function withoutComments(text: string): string {
  return text
    .replace(/^\s*\/\*[\s\S]*?\*\//gm, '')
    .split('\n')
    .map((line) => {
      if (/^\s*(\/\/|#)/.test(line)) return '';
      const at = line.indexOf(' // ');
      if (at < 0) return line;
      const before = line.slice(0, at);
      const open = ["'", '"', '`'].some((q) => (before.split(q).length - 1) % 2 === 1);
      return open ? line : before;
    })
    .join('\n');
}

/** One loopback address or block a file names, as written, and the addresses it stands for. */
interface Use {
  readonly written: string;
  readonly first: number;
  readonly last: number;
}

const block = (written: string, network: string, prefix: number): Use => {
  const { first, last } = parseBlock(`${numberToAddress(maskOf(network, prefix))}/${prefix}`);
  return { written, first, last };
};
const maskOf = (address: string, prefix: number): number => {
  const n = addressToNumber(address)!;
  const size = 2 ** (32 - prefix);
  return n - (n % size);
};

/**
 * The loopback addresses `text` names: dotted quads (also `::ffff:` and regex-escaped ones),
 * CIDR blocks (a block wider than a /16 counts as its written address only: a subnet no one may
 * scan, a refused input), the prefixes of addresses built in template strings (`127.22.1.${n}`: its
 * /24) or passed as a base (`'127.93.0'`), and the units of `simulateUnits(n, { base })` and of
 * `simulate --units n --base`.
 */
function usesIn(code: string): Use[] {
  const uses: Use[] = [];
  for (const m of code.matchAll(
    /(?<![\d.\\])127(\\?\.)(\d{1,3})\1(\d{1,3})\1(\d{1,3})(?![\d])(?:\/(\d{1,2})(?!\d))?/g,
  )) {
    const address = `127.${m[2]}.${m[3]}.${m[4]}`;
    const n = addressToNumber(address);
    if (n === undefined) continue;
    const prefix = m[5] === undefined ? 32 : Number(m[5]);
    uses.push(
      prefix >= 16 && prefix <= 32 ? block(m[0], address, prefix) : { written: m[0], first: n, last: n },
    );
  }
  for (const m of code.matchAll(/(?<![\d.])127\.(\d{1,3})\.(\d{1,3})(?:\.\$\{|(?=['"`]))/g))
    uses.push(block(m[0], `127.${m[1]}.${m[2]}.0`, 24));
  for (const m of code.matchAll(/(?<![\d.])127\.(\d{1,3})\.\$\{/g))
    uses.push(block(m[0], `127.${m[1]}.0.0`, 16));
  const groups = [
    ...[...code.matchAll(/simulateUnits\(\s*(\d+)\s*,\s*\{[^}]*?\bbase:\s*['"`]([\d.]+)['"`]/g)].map((m) => [
      m,
      m[1],
      m[2],
    ]),
    ...[...code.matchAll(/'--units',\s*'(\d+)',\s*'--base',\s*'([\d.]+)'/g)].map((m) => [m, m[1], m[2]]),
    ...[...code.matchAll(/'--base',\s*'([\d.]+)',\s*'--units',\s*'(\d+)'/g)].map((m) => [m, m[2], m[1]]),
  ] as Array<[RegExpMatchArray, string, string]>;
  for (const [m, count, base] of groups) {
    const first = addressToNumber(base);
    if (first !== undefined && Math.floor(first / 2 ** 24) === 127)
      uses.push({ written: m[0].replace(/\s+/g, ' '), first, last: first + Number(count) - 1 });
  }
  return uses;
}

const shared = addressToNumber(SHARED)!;
const isShared = (use: Use) => use.first === shared && use.last === shared;
const inside = (use: Use, blocks: ReadonlyArray<Block>) =>
  blocks.some((b) => use.first >= b.first && use.last <= b.last);

const files = codeFiles().filter((file) => !REGISTRY.has(file));
const specs = files.filter((file) => file.endsWith('.spec.ts'));
const read = (file: string) => withoutComments(readFileSync(path.join(ROOT, file), 'utf8'));

describe('the address registry (spec/helpers/addresses.ts)', () => {
  // the blocks that parse (the first test fails on the others)
  const entries = Object.entries(RANGES).flatMap(([file, texts]) =>
    texts.flatMap((text) => {
      try {
        return [{ file, block: parseBlock(text) }];
      } catch {
        return [];
      }
    }),
  );

  it('lists files that exist, each with blocks of 127.0.0.0/8 written at their start', () => {
    expect(Object.keys(RANGES).filter((file) => !existsSync(path.join(ROOT, file)))).toEqual([]);
    for (const texts of Object.values(RANGES))
      for (const text of texts) expect(() => parseBlock(text)).not.toThrow();
  });

  it('gives each address to one file at most, and 127.0.0.1 (shared) to none', () => {
    const overlaps: string[] = [];
    entries.forEach((a, i) => {
      if (a.block.first <= shared && shared <= a.block.last)
        overlaps.push(`${a.file} ${a.block.text} holds ${SHARED}`);
      for (const b of entries.slice(i + 1))
        if (a.block.first <= b.block.last && b.block.first <= a.block.last)
          overlaps.push(`${a.file} ${a.block.text} overlaps ${b.file} ${b.block.text}`);
    });
    expect(overlaps).toEqual([]);
  });

  it('has a block for every spec file that names a loopback address other than 127.0.0.1', () => {
    const missing = specs.filter(
      (file) => RANGES[file] === undefined && usesIn(read(file)).some((u) => !isShared(u)),
    );
    expect(missing).toEqual([]);
  });

  it('holds every loopback address a spec file names (literals, prefixes, simulated units) in its blocks', () => {
    const outside = specs.flatMap((file) => {
      const blocks = entries.filter((e) => e.file === file).map((e) => e.block);
      return usesIn(read(file))
        .filter((use) => !isShared(use) && !inside(use, blocks))
        .map(
          (use) => `${file}: ${use.written} (${numberToAddress(use.first)}..${numberToAddress(use.last)})`,
        );
    });
    expect(outside).toEqual([]);
  });

  it('finds no address but 127.0.0.1 in the helpers: they take addresses from the spec that calls them', () => {
    const named = files
      .filter((file) => !file.endsWith('.spec.ts'))
      .flatMap((file) =>
        usesIn(read(file))
          .filter((use) => !isShared(use))
          .map((use) => `${file}: ${use.written}`),
      );
    expect(named).toEqual([]);
  });
});

describe('addressesOf', () => {
  it('gives a file the hosts of its blocks, by their last octets', () => {
    const net = addressesOf(path.join(ROOT, 'spec/coordinator/runSequence.spec.ts')); // 127.42.0.0/22, 127.42.9.0/24
    expect(net.file).toBe('spec/coordinator/runSequence.spec.ts');
    expect(net.host(1)).toBe('127.42.0.1');
    expect(net.host(1, 2)).toBe('127.42.1.2');
    expect(net.host(9, 250)).toBe('127.42.9.250');
    expect(net.owns('127.42.3.255')).toBe(true);
    expect(net.owns('127.42.4.0')).toBe(false);
  });

  it('throws for an address outside the file, and for a file with no block', () => {
    const net = addressesOf('spec/transport/listen.spec.ts'); // 127.41.2.0/24
    expect(() => net.host(3, 1)).toThrow('127.41.3.1 is outside spec/transport/listen.spec.ts');
    expect(() => net.host(256)).toThrow(/0\.\.255/);
    expect(() => addressesOf('spec/nowhere.spec.ts')).toThrow(
      'spec/nowhere.spec.ts owns no loopback addresses',
    );
  });

  it('reads what a spec names: addresses, escaped ones, blocks, prefixes and simulated units', () => {
    const spans = (code: string) =>
      usesIn(code).map((u) => [numberToAddress(u.first), numberToAddress(u.last)].join('..'));
    expect(spans(`'127.41.2.3', /at 127\\.41\\.2\\.4:5000/, '::ffff:127.0.0.5'`)).toEqual([
      '127.41.2.3..127.41.2.3',
      '127.41.2.4..127.41.2.4',
      '127.0.0.5..127.0.0.5',
    ]);
    expect(
      spans(`'127.41.5.0/28', '127.41.5.0/8', \`127.22.1.\${n}\`, '127.93.0', \`127.0.\${i}.1\``),
    ).toEqual([
      '127.41.5.0..127.41.5.15',
      '127.41.5.0..127.41.5.0',
      '127.22.1.0..127.22.1.255',
      '127.93.0.0..127.93.0.255',
      '127.0.0.0..127.0.255.255',
    ]);
    expect(spans(`simulateUnits(50, { base: '127.0.2.2' })`)).toContain('127.0.2.2..127.0.2.51');
    expect(spans(`['simulate', '--units', '3', '--base', '127.57.7.20']`)).toContain(
      '127.57.7.20..127.57.7.22',
    );
    expect(spans(`'127.1', 'x.127.0.0.2', '1127.0.0.3'`)).toEqual([]);
  });
});
