// The layers of src/, as a rule CI runs (`npm run lint:deps`, .ci/run): docs/architecture.md draws
// them. Each folder of src/ is a layer that may import itself and the layers named in its row, and
// nothing else of ours: a new folder, or an import against the order, fails until a row says so.
// npm packages, node: modules and ../../package.json are not layers and are not checked here.
// Type-only imports count (`tsPreCompilationDeps`): a type is a dependency too.

/** Every layer but the applications (console, cli): what an application of the library may import. */
const EVERY_LIBRARY_LAYER = [
  'protocol',
  'validation',
  'diagnostics',
  'transport',
  'operators',
  'sequence',
  'coordinator',
  'discovery',
  'doctor',
  'unit',
  'simulator',
  'testing',
];

/** layer: [the rule's name (its reason), the layers it may import, why] */
const LAYERS = {
  protocol: [
    'protocol-is-shared-by-both-sides',
    [],
    'the wire format sits below the client and the unit side alike, so it imports nothing of ours',
  ],
  validation: ['validation-is-a-leaf', [], 'option checks are used by every layer, so they import none'],
  diagnostics: [
    'diagnostics-is-a-leaf',
    [],
    'debug output and channels are used by every layer, so they import none',
  ],
  transport: [
    'transport-is-only-io',
    ['protocol', 'validation', 'diagnostics'],
    'sockets carry the wire format; what consumes them (operators, coordinator) is above',
  ],
  operators: [
    'operators-stay-pure',
    ['protocol', 'validation', 'diagnostics'],
    'operators do no I/O and compose on any source: never transport, never the coordinator',
  ],
  sequence: [
    'sequences-stay-pure',
    ['protocol', 'validation', 'diagnostics'],
    'registers, CSV and upload commands are pure, beside the operators: never transport, never the coordinator',
  ],
  unit: [
    'one-unit-engine-for-two-environments',
    ['protocol', 'sequence', 'validation', 'diagnostics'],
    'pycom + boardio written once, given sockets by the simulator and memory by testing: no I/O, no client code',
  ],
  coordinator: [
    'coordinator-is-wiring',
    ['protocol', 'validation', 'diagnostics', 'transport', 'operators', 'sequence'],
    'transport + operators + heartbeats + presence; it knows nothing of what is built on it',
  ],
  discovery: [
    'discovery-builds-on-the-coordinator',
    ['protocol', 'validation', 'diagnostics', 'transport', 'operators', 'sequence', 'coordinator'],
    'discover() probes a subnet through a coordinator; the coordinator never needs discovery',
  ],
  doctor: [
    'doctor-builds-on-the-coordinator',
    ['protocol', 'validation', 'diagnostics', 'transport', 'operators', 'sequence', 'coordinator'],
    'doctor() probes real units through the public coordinator; the coordinator never needs the doctor',
  ],
  simulator: [
    'simulator-shares-only-the-unit-engine',
    ['protocol', 'validation', 'diagnostics', 'sequence', 'unit', 'transport'],
    'a simulated unit is the other end of the wire: src/unit gives it its behaviour and transport its sockets; ' +
      'it never imports client code (operators, coordinator) nor testing',
  ],
  testing: [
    'testing-shares-only-the-unit-engine',
    ['protocol', 'validation', 'diagnostics', 'sequence', 'unit', 'transport'],
    'in-memory units run the same src/unit as the simulator (shared there, not imported from it) and implement ' +
      "transport's interface; never client code (operators, coordinator)",
  ],
  console: [
    'console-is-on-top',
    EVERY_LIBRARY_LAYER,
    'the rig console is an application of the library; only the cli starts it',
  ],
  cli: [
    'cli-is-the-top',
    [...EVERY_LIBRARY_LAYER, 'console'],
    'the pycom-rx command uses everything and nothing uses it',
  ],
};

/** The package's entry points at the top of src/ (src/index.ts): they re-export the library. */
const ENTRY_MAY_IMPORT = Object.keys(LAYERS).filter((layer) => layer !== 'cli' && layer !== 'console');

const folders = (layers) => `^src/(?:${layers.join('|')})/`;

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment:
        'A cycle makes two modules one (neither loads, nor can be understood or tested, without the other) ' +
        'and hides a layer violation; type-only imports count. Move what both need down a layer.',
      from: {},
      to: { circular: true },
    },
    ...Object.entries(LAYERS).map(([layer, [name, mayImport, why]]) => ({
      name,
      severity: 'error',
      comment: `src/${layer}/ may import only ${[layer, ...mayImport].join(', ')}: ${why}.`,
      from: { path: `^src/${layer}/` },
      to: { path: '^src/', pathNot: folders([layer, ...mayImport]) },
    })),
    {
      name: 'entries-re-export-the-library',
      severity: 'error',
      comment: `src/*.ts entry points re-export the library (${ENTRY_MAY_IMPORT.join(', ')}), never the cli or console.`,
      from: { path: '^src/[^/]+$' },
      to: { path: '^src/', pathNot: folders(ENTRY_MAY_IMPORT) },
    },
    {
      name: 'every-folder-is-a-layer',
      severity: 'error',
      comment:
        'A folder of src/ without a row in LAYERS (.dependency-cruiser.cjs) has no rule: give it one, ' +
        'and a line in docs/architecture.md.',
      from: { path: '^src/[^/]+/', pathNot: folders(Object.keys(LAYERS)) },
      to: {},
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      comment: 'An import the check cannot resolve is one it cannot judge.',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.build.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
    },
  },
};
