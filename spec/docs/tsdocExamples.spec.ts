/**
 * Every fenced ```ts block in the TSDoc of the package's public API compiles, as a user writes it.
 *
 * Which blocks: the doc comments of every symbol that an entry point exports (`pycom-rx`,
 * `pycom-rx/sequence`, `pycom-rx/simulator`, `pycom-rx/testing`), found with the compiler's own
 * export resolution (re-exports and `export *` included), and of their members (an interface's
 * fields, a class's methods). A comment tagged `@internal` is left out. Nothing else of `src/` is
 * read: a file that no entry point reaches (the CLI, the console) is not public API.
 *
 * How each block is checked: as its own module, in ONE in-process TypeScript program with the
 * repository's compiler options (strict), where the package's names resolve to its sources as
 * tsconfig.json `paths` map them (the same mapping as jest.config.js).
 *
 * What a block may leave out, so that examples stay one or two lines (like RxJS's):
 * - imports of names that an entry point exports: a header imports every name the block uses and
 *   does not declare itself, from the first entry point that exports it (root, then sequence,
 *   simulator, testing);
 * - imports of RxJS (`rxjs`, then `rxjs/testing`) and of fp-ts's `either` as `E`, the same way;
 * - the free variables of {@link PRELUDE}: each stands for something the application (or its
 *   test) already has (a coordinator, a unit's address, a sequence, a TestScheduler...). Nothing
 *   in it is, or imitates, an export of the package, and its names are never auto-imported.
 * Examples are application code: Node's types are there, jest's globals are not.
 * Anything else a block uses it declares or imports itself. A block with explicit imports keeps
 * them (the header only adds what is still missing).
 */
import { existsSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import ts from 'typescript';

const root = join(__dirname, '..', '..');
const ENTRIES: readonly (readonly [specifier: string, file: string])[] = [
  ['pycom-rx', 'src/index.ts'],
  ['pycom-rx/sequence', 'src/sequence/index.ts'],
  ['pycom-rx/simulator', 'src/simulator/index.ts'],
  ['pycom-rx/testing', 'src/testing/index.ts'],
];
/** Modules that examples use without importing them, after the package's own entry points. */
const AMBIENT_MODULES = ['rxjs', 'rxjs/testing'];
/** Namespace imports that examples use without writing them. */
const NAMESPACES: Readonly<Record<string, string>> = { E: "import { either as E } from 'fp-ts';" };

/**
 * The free variables of the examples: a global script, so that a block that declares the same
 * name (`const coordinator = createCoordinator()`) shadows it. Keep it small; a name here must
 * be something the application has in hand, never a stand-in for an export.
 */
const PRELUDE = `
/** A coordinator the application made with createCoordinator(). */
declare const coordinator: import('pycom-rx').Coordinator;
/** A unit's address, and the addresses of the rig's units. */
declare const unit: string;
declare const units: readonly string[];
/** This application's identity: the six fields every request carries (a heartbeat is just these). */
declare const me: import('pycom-rx').Identity;
/** Events as listen() or coordinator.events$ emit them. */
declare const events$: import('rxjs').Observable<import('pycom-rx').Received>;
/** One of them. */
declare const event: import('pycom-rx').Received;
/** A lighting sequence, e.g. from preset() or parseSequence(). */
declare const sequence: import('pycom-rx').Sequence;
/** The bytes of one inbound connection. */
declare const bytes: Buffer;
/** Anything, to check or decode with a codec. */
declare const value: unknown;
/** In a test with pycom-rx/testing: its memoryNetwork(), its TestScheduler and run()'s helpers. */
declare const network: import('pycom-rx/testing').MemoryNetwork;
declare const testScheduler: import('rxjs/testing').TestScheduler;
declare const cold: import('rxjs/testing').RunHelpers['cold'];
declare const expectObservable: import('rxjs/testing').RunHelpers['expectObservable'];
`;

const PRELUDE_NAMES = new Set([...PRELUDE.matchAll(/declare const (\w+)/g)].map((m) => m[1]));

interface Example {
  readonly file: string; // relative to the root
  readonly line: number; // 1-based line of the block's first code line in file
  readonly code: string;
}

const options = (): ts.CompilerOptions => {
  const config = ts.readConfigFile(join(root, 'tsconfig.json'), ts.sys.readFile);
  const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, root);
  // examples are application code: Node's types, not jest's globals (and ~200 fewer files to parse)
  return { ...parsed.options, noEmit: true, types: ['node'] };
};

/** The fenced ```ts blocks of one `/** ... *\/` comment starting at `offset` of `text`. */
function blocksOf(text: string, comment: string, offset: number, file: string): Example[] {
  if (/@internal\b/.test(comment)) return [];
  const firstLine = text.slice(0, offset).split('\n').length;
  const lines = comment.split('\n').map((l) => l.replace(/^\s*\/?\*+\/?( ?)/, '').replace(/\s*\*\/$/, ''));
  const found: Example[] = [];
  let start = -1;
  lines.forEach((line, i) => {
    if (start < 0 && /^```(ts|typescript)\s*$/.test(line.trim())) start = i + 1;
    else if (start >= 0 && line.trim() === '```') {
      found.push({ file, line: firstLine + start, code: lines.slice(start, i).join('\n') });
      start = -1;
    }
  });
  return found;
}

/** The statement (or member) whose range holds a declaration's doc comment and its members'. */
const holder = (d: ts.Declaration): ts.Node =>
  ts.isVariableDeclaration(d) && d.parent && ts.isVariableStatement(d.parent.parent) ? d.parent.parent : d;

/** Every example of the public API, and the names each entry point exports. */
function collect(program: ts.Program): { examples: Example[]; exported: Map<string, string> } {
  const checker = program.getTypeChecker();
  const exported = new Map<string, string>();
  const seen = new Set<string>();
  const examples: Example[] = [];
  const take = (sf: ts.SourceFile, from: number, to: number) => {
    const text = sf.getFullText();
    for (const m of text.slice(from, to).matchAll(/\/\*\*[\s\S]*?\*\//g)) {
      const at = from + (m.index ?? 0);
      const key = `${sf.fileName}:${at}`;
      if (seen.has(key)) continue;
      seen.add(key);
      examples.push(...blocksOf(text, m[0], at, relative(root, sf.fileName)));
    }
  };
  for (const [specifier, file] of ENTRIES) {
    const sf = program.getSourceFile(join(root, file));
    if (!sf) throw new Error(`entry point ${file} not in the program`);
    take(sf, 0, sf.statements[0]?.getStart(sf) ?? sf.end); // the @packageDocumentation comment
    const moduleSymbol = checker.getSymbolAtLocation(sf);
    if (!moduleSymbol) throw new Error(`${file} is not a module`);
    for (const symbol of checker.getExportsOfModule(moduleSymbol)) {
      if (!exported.has(symbol.name)) exported.set(symbol.name, specifier);
      const target = symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
      for (const d of target.declarations ?? []) {
        const node = holder(d);
        const dsf = node.getSourceFile();
        if (!dsf.fileName.startsWith(join(root, 'src'))) continue;
        take(dsf, node.getFullStart(), node.end);
      }
    }
  }
  return { examples, exported };
}

/** The names of the module `specifier` exports, resolved as from the repository's root. */
function exportsOf(program: ts.Program, file: string): string[] {
  const sf = program.getSourceFile(file);
  const symbol = sf && program.getTypeChecker().getSymbolAtLocation(sf);
  return symbol
    ? program
        .getTypeChecker()
        .getExportsOfModule(symbol)
        .map((s) => s.name)
    : [];
}

/** The import lines a block needs: the names it uses, minus those it declares or imports. */
function header(code: string, available: ReadonlyMap<string, string>): string {
  const sf = ts.createSourceFile('example.ts', code, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  const declared = new Set<string>();
  for (const s of sf.statements) {
    if (ts.isImportDeclaration(s)) {
      const clause = s.importClause;
      if (clause?.name) declared.add(clause.name.text);
      const bindings = clause?.namedBindings;
      if (bindings && ts.isNamespaceImport(bindings)) declared.add(bindings.name.text);
      if (bindings && ts.isNamedImports(bindings))
        bindings.elements.forEach((e) => declared.add(e.name.text));
    } else if (ts.isVariableStatement(s)) {
      const names = (n: ts.BindingName): void => {
        if (ts.isIdentifier(n)) declared.add(n.text);
        else n.elements.forEach((e) => ts.isBindingElement(e) && names(e.name));
      };
      s.declarationList.declarations.forEach((d) => names(d.name));
    } else if (
      (ts.isFunctionDeclaration(s) ||
        ts.isClassDeclaration(s) ||
        ts.isInterfaceDeclaration(s) ||
        ts.isTypeAliasDeclaration(s) ||
        ts.isEnumDeclaration(s)) &&
      s.name
    )
      declared.add(s.name.text);
  }
  const used = new Set<string>();
  const visit = (n: ts.Node): void => {
    if (ts.isIdentifier(n)) used.add(n.text);
    n.forEachChild(visit);
  };
  visit(sf);
  const bySource = new Map<string, string[]>();
  const lines: string[] = [];
  for (const name of [...used].filter((n) => !declared.has(n) && !PRELUDE_NAMES.has(n)).sort()) {
    const namespace = Object.hasOwn(NAMESPACES, name) ? NAMESPACES[name] : undefined;
    if (namespace) lines.push(namespace);
    const source = available.get(name);
    if (source) bySource.set(source, [...(bySource.get(source) ?? []), name]);
  }
  for (const [source, names] of bySource) lines.push(`import { ${names.join(', ')} } from '${source}';`);
  return `${lines.join(' ')} export {};\n`;
}

describe('the TSDoc examples of the public API', () => {
  const compilerOptions = options();
  const base = ts.createCompilerHost(compilerOptions);
  const parsedFiles = new Map<string, ts.SourceFile | undefined>(); // both programs parse each file once
  const host: ts.CompilerHost = {
    ...base,
    getSourceFile: (f, language, onError, create) => {
      if (!parsedFiles.has(f)) parsedFiles.set(f, base.getSourceFile(f, language, onError, create));
      return parsedFiles.get(f);
    },
  };
  const entryFiles = ENTRIES.map(([, file]) => join(root, file));
  const resolve = (m: string) =>
    ts.resolveModuleName(m, join(root, 'index.ts'), compilerOptions, host).resolvedModule?.resolvedFileName;
  const ambientFiles = AMBIENT_MODULES.map((m) => {
    const file = resolve(m);
    if (!file) throw new Error(`cannot resolve ${m}`);
    return [m, file] as const;
  });
  const first = ts.createProgram([...entryFiles, ...ambientFiles.map(([, f]) => f)], compilerOptions, host);
  const { examples, exported } = collect(first);
  const available = new Map(exported);
  for (const [m, file] of ambientFiles)
    for (const name of exportsOf(first, file)) if (!available.has(name)) available.set(name, m);

  const dir = join(root, 'spec', 'docs', '.tsdoc-examples'); // virtual: never written
  const virtual = new Map<string, { example: Example; offset: number; text: string }>();
  const preludeFile = join(dir, 'prelude.ts');
  examples.forEach((example, i) => {
    const head = header(example.code, available);
    const name = `${example.file.replace(/[/.]/g, '_')}_${example.line}_${i}.ts`;
    virtual.set(join(dir, name), { example, offset: head.split('\n').length - 1, text: head + example.code });
  });
  // a block naming what no entry point exports (the issue's `runSequence(coordinator, ...)`): must fail
  const canary = join(dir, 'canary.ts');
  const canaryCode = 'runSequence(coordinator, unit, sequence);\n';
  virtual.set(canary, {
    example: { file: 'canary', line: 1, code: canaryCode },
    offset: 1,
    text: header(canaryCode, available) + canaryCode,
  });
  const virtualHost: ts.CompilerHost = {
    ...host,
    fileExists: (f) => virtual.has(f) || f === preludeFile || host.fileExists(f),
    readFile: (f) => (f === preludeFile ? PRELUDE : (virtual.get(f)?.text ?? host.readFile(f))),
    getSourceFile: (f, language, onError, create) => {
      const text = f === preludeFile ? PRELUDE : virtual.get(f)?.text;
      return text !== undefined
        ? ts.createSourceFile(f, text, language)
        : host.getSourceFile(f, language, onError, create);
    },
  };
  const program = ts.createProgram(
    [...entryFiles, preludeFile, ...virtual.keys()],
    compilerOptions,
    virtualHost,
    first,
  );

  it('finds the examples of every entry point', () => {
    expect(existsSync(dirname(preludeFile))).toBe(false);
    expect(examples.length).toBeGreaterThan(100);
    for (const [, file] of ENTRIES.slice(1))
      expect(examples.some((e) => e.file.startsWith(dirname(file)))).toBe(true);
  });

  it('fails a block that uses a name no entry point exports', () => {
    const sf = program.getSourceFile(canary);
    const messages = sf ? program.getSemanticDiagnostics(sf).map((d) => d.messageText) : [];
    expect(messages).toHaveLength(1);
    expect(String(messages[0])).toMatch(/^Cannot find name 'runSequence'/);
  });

  it('type-checks every example against the package as users import it', () => {
    const problems: string[] = [];
    for (const d of program.getSemanticDiagnostics(program.getSourceFile(preludeFile)))
      problems.push(`prelude: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
    for (const [file, { example, offset }] of virtual) {
      if (file === canary) continue;
      const sf = program.getSourceFile(file);
      if (!sf) throw new Error(`${file} not in the program`);
      for (const d of [...program.getSyntacticDiagnostics(sf), ...program.getSemanticDiagnostics(sf)]) {
        const line = d.start === undefined ? 0 : sf.getLineAndCharacterOfPosition(d.start).line - offset;
        const where = `${example.file}:${example.line + Math.max(line, 0)}`;
        problems.push(`${where}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n  ')}`);
      }
    }
    expect(problems).toEqual([]);
  });
});
