import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { blockKind, codeBlocks, compileBlocks, type BlockProblem, type CodeBlock } from './compileBlocks';

// Every ```ts block of README.md and docs/*.md (docs/api is generated from the TSDoc) is
// type-checked as a user's code against the package's entry points, in one program with the
// prelude of compileBlocks.ts. On failure the list says file:line:column and the compiler's text.
const PAGES = [
  'README.md',
  ...readdirSync(join(__dirname, '..', '..', 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
];
const blocks = PAGES.flatMap(codeBlocks);
const typescript = blocks.filter((b) => b.lang === 'ts');

/** Blocks written to fail (or pass) as a doc would, compiled with the docs' blocks: the checker is checked. */
const probe = (line: number, code: string): CodeBlock => ({ file: 'probe.md', line, lang: 'ts', code });
const PROBES = {
  notExported: probe(1, `import { runSequence } from 'pycom-rx';\nrunSequence(coordinator, unit, sequence);`),
  undeclared: probe(10, `events$.subscribe();`),
  staleShape: probe(20, `coordinator.runSequence(unit, sequence).subscribe((p) => console.log(p.stage));`),
  pageImports: probe(30, `import { map } from 'rxjs';\nimport { ofType } from 'pycom-rx';`),
  fragment: probe(40, `coordinator.events$.pipe(ofType('unit_info'), map((i) => i.mac_address));`),
  shadowing: probe(
    50,
    `import { createCoordinator } from 'pycom-rx';\nconst coordinator = createCoordinator();\nconst unit = 5;\nconsole.log(coordinator, unit);`,
  ),
  fragmentProblem: probe(60, `\n  coordinator.events$.pipe(map((i) => i.nope));`),
};

let problems: BlockProblem[];
beforeAll(() => {
  problems = compileBlocks([...typescript, ...Object.values(PROBES)]);
});
/** The problems of the probes whose lines `where` matches. */
const problemsAt = (where: RegExp) => problems.filter((p) => where.test(p.where));

describe('the ```ts blocks of README.md and docs/*.md', () => {
  it('are there to check (every page is read)', () => {
    expect(typescript.length).toBeGreaterThanOrEqual(20);
    const pages = new Set(typescript.map((b) => b.file));
    for (const page of ['README.md', 'docs/pipeline.md', 'docs/sequences.md', 'docs/testing.md'])
      expect([page, pages.has(page)]).toEqual([page, true]);
  });

  it('compile against the package as users import it, with the prelude', () => {
    const ours = problems.filter((p) => !p.where.startsWith('probe.md:'));
    expect(ours.map((p) => `${p.where}: ${p.message}`)).toEqual([]);
  });

  it('are all the TypeScript there is: no code block hides under another label or none', () => {
    const tsLike = /^(typescript|tsx?|mts|cts|jsx?|javascript|mjs|cjs)$/;
    const looksLikeCode =
      /^\s*(import|export|const|let|await|function|class|interface)\s|from '(pycom-rx|rxjs)/m;
    const hidden = blocks.filter(
      (b) => (b.lang !== 'ts' && tsLike.test(b.lang)) || (b.lang === '' && looksLikeCode.test(b.code)),
    );
    // label TypeScript ```ts (it is compiled); a transcript ```text, a shell session ```sh
    expect(hidden.map((b) => `${b.file}:${b.line - 1} \`\`\`${b.lang}`)).toEqual([]);
  });
});

describe('the docs blocks checker', () => {
  it("locates a problem of a fragment on the page's line, whatever imports it was given", () => {
    expect(problemsAt(/^probe\.md:6\d:/)).toEqual([
      { where: 'probe.md:61:41', message: expect.stringMatching(/Property 'nope' does not exist/) },
    ]);
  });

  it('rejects a name that no entry point exports', () => {
    expect(problemsAt(/^probe\.md:1:/)).toEqual([
      { where: 'probe.md:1:10', message: expect.stringMatching(/has no exported member .*'runSequence'/) },
    ]);
  });

  it('rejects a name that neither the block nor the prelude declares', () => {
    expect(problemsAt(/^probe\.md:10:/)).toEqual([
      { where: 'probe.md:10:1', message: expect.stringMatching(/^Cannot find name 'events\$'/) },
    ]);
  });

  it('rejects a stale shape', () => {
    expect(problemsAt(/^probe\.md:20:/)).toEqual([
      { where: 'probe.md:20:72', message: expect.stringMatching(/Property 'stage' does not exist/) },
    ]);
  });

  it("compiles a fragment with the page's import blocks above it, and lets a block shadow the prelude", () => {
    expect(blockKind(PROBES.pageImports)).toBe('imports');
    expect(blockKind(PROBES.fragment)).toBe('fragment');
    expect(blockKind(PROBES.shadowing)).toBe('module');
    expect(problemsAt(/^probe\.md:(30|40|5\d):/)).toEqual([]);
  });
});
