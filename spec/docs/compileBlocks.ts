import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';

/**
 * The code examples of the docs, type-checked as a user's code: every block is one module that
 * imports `pycom-rx`, `pycom-rx/sequence`, `pycom-rx/simulator` and `pycom-rx/testing` as a user
 * writes them, resolved to the sources (tsconfig.json's `paths`), with the project's compiler
 * options (strict). All blocks go into one program, so the sources are checked once.
 */

const root = join(__dirname, '..', '..');

/** A fenced code block of a markdown file. */
export interface CodeBlock {
  /** The markdown file, relative to the root of the repository. */
  readonly file: string;
  /** The 1-based line of the block's first code line in that file. */
  readonly line: number;
  /** The fence's info string (`ts`, `sh`, `text`, or empty). */
  readonly lang: string;
  readonly code: string;
}

/** Every fenced block of a markdown file (```-fences, in the order of the page). */
export function codeBlocks(file: string): CodeBlock[] {
  const lines = readFileSync(join(root, file), 'utf8').split('\n');
  const blocks: CodeBlock[] = [];
  let open: { line: number; lang: string } | undefined;
  lines.forEach((text, i) => {
    const fence = /^\s*```(\S*)\s*$/.exec(text);
    if (fence === null) return;
    if (open === undefined) open = { line: i + 2, lang: fence[1] ?? '' };
    else {
      blocks.push({ file, line: open.line, lang: open.lang, code: lines.slice(open.line - 1, i).join('\n') });
      open = undefined;
    }
  });
  if (open !== undefined) throw new Error(`${file}:${open.line - 1}: a code fence that never closes`);
  return blocks;
}

/**
 * What an example may use without declaring it: the values a page's text has introduced before
 * the fragment (a coordinator, a unit's address, a sequence...). Every one is typed with what the
 * package exports, so a fragment cannot lean on a name the package does not have; a block that
 * declares or imports the same name shadows it (each block is a module). Keep it small: an
 * example that needs more should declare it, so a reader sees it too.
 */
export const PRELUDE = `
/** A coordinator, from \`createCoordinator()\`. */
declare const coordinator: import('pycom-rx').Coordinator;
/** A unit's address, as a coordinator takes it. */
declare const unit: string;
/** A lighting sequence, e.g. from \`preset()\`. */
declare const sequence: import('pycom-rx/sequence').Sequence;
/** The TestScheduler of a marble test, with jest's \`toEqual\` as its assertion. */
declare const testScheduler: import('rxjs/testing').TestScheduler;
`;

/**
 * What a block is: `imports` (nothing but import declarations: the imports a page's text relies
 * on below, as docs/testing.md's first block), `module` (a block with imports of its own, complete),
 * or `fragment` (no imports: it is compiled with the imports of the page's `imports` blocks above
 * it, and the {@link PRELUDE}).
 */
export function blockKind(block: CodeBlock): 'imports' | 'module' | 'fragment' {
  const statements = ts.createSourceFile('block.ts', block.code, ts.ScriptTarget.Latest).statements;
  const imports = statements.filter(ts.isImportDeclaration).length;
  return imports === 0 ? 'fragment' : imports === statements.length ? 'imports' : 'module';
}

/** A compiler problem of one block: where in the markdown file, and the compiler's text. */
export interface BlockProblem {
  readonly where: string;
  readonly message: string;
}

/** Where a block lives in the virtual file system of the program (never written to disk). */
function virtualName(block: CodeBlock): string {
  return join(root, '.doc-blocks', `${block.file.replace(/[/.]/g, '_')}_${block.line}.ts`);
}

/** The project's compiler options (tsconfig.json), with the paths that resolve the package to src/. */
function compilerOptions(): ts.CompilerOptions {
  const configPath = join(root, 'tsconfig.json');
  const config = ts.readConfigFile(configPath, (p) => ts.sys.readFile(p));
  if (config.error) throw new Error(ts.flattenDiagnosticMessageText(config.error.messageText, '\n'));
  const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, root, undefined, configPath);
  return { ...parsed.options, noEmit: true };
}

/**
 * Type-checks the blocks with the prelude, in one program; returns every problem, each located
 * at its line and column in the markdown file. An empty list: every block compiles.
 */
export function compileBlocks(blocks: ReadonlyArray<CodeBlock>): BlockProblem[] {
  const files = new Map<string, { block: CodeBlock | undefined; text: string; prefixLines: number }>();
  files.set(join(root, '.doc-blocks', 'prelude.d.ts'), { block: undefined, text: PRELUDE, prefixLines: 0 });
  const pageImports = new Map<string, string[]>();
  for (const block of blocks) {
    const kind = blockKind(block);
    const imports = pageImports.get(block.file) ?? [];
    if (kind === 'imports') pageImports.set(block.file, [...imports, block.code]);
    // a fragment is read below the page's import blocks: it gets their imports, on lines of their own
    const prefix = kind === 'fragment' ? imports.join('\n') : '';
    const prefixLines = prefix === '' ? 0 : prefix.split('\n').length;
    // `export {}`: every block is a module, so its names are its own (no clash between blocks)
    const text = `${prefix === '' ? '' : `${prefix}\n`}${block.code}\nexport {};\n`;
    files.set(virtualName(block), { block, text, prefixLines });
  }

  const options = compilerOptions();
  const host = ts.createCompilerHost(options, true);
  const { getSourceFile, fileExists, readFile } = host;
  host.fileExists = (name) => files.has(name) || fileExists.call(host, name);
  host.readFile = (name) => files.get(name)?.text ?? readFile.call(host, name);
  host.getSourceFile = (name, language, ...rest) => {
    const virtual = files.get(name);
    return virtual === undefined
      ? getSourceFile.call(host, name, language, ...rest)
      : ts.createSourceFile(name, virtual.text, language, true);
  };
  const program = ts.createProgram([...files.keys()], options, host);

  // the blocks' own problems only: the sources are `npm run typecheck`'s business
  const diagnostics = [
    ...program.getOptionsDiagnostics(),
    ...program.getGlobalDiagnostics(),
    ...[...files.keys()].flatMap((name) => {
      const file = program.getSourceFile(name);
      return file === undefined
        ? []
        : [...program.getSyntacticDiagnostics(file), ...program.getSemanticDiagnostics(file)];
    }),
  ];
  return diagnostics.map((d) => {
    const message = ts.flattenDiagnosticMessageText(d.messageText, '\n');
    const virtual = d.file === undefined ? undefined : files.get(d.file.fileName);
    if (d.file === undefined || d.start === undefined) return { where: 'options', message };
    const { line, character } = d.file.getLineAndCharacterOfPosition(d.start);
    const where =
      virtual === undefined
        ? `${d.file.fileName}:${line + 1}:${character + 1}`
        : virtual.block === undefined
          ? `prelude:${line + 1}`
          : `${virtual.block.file}:${virtual.block.line + line - virtual.prefixLines}:${character + 1}`;
    return { where, message };
  });
}
