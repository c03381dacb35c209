// Smoke test of the built package through its CommonJS entry points (run after `npm run build`).
// Every entry point loads, the classes and values shared between entry points are one instance,
// an error thrown deep inside one entry point is an instance of the class another exports, and
// every exported class keeps its name (`OutputTimeoutError.name`, an instance's name and stack).
// Sockets: loopback 127.250.0.1 only, on a port the system picks.
const assert = require('node:assert/strict');
const net = require('node:net');
const util = require('node:util');
const pkg = require('../package.json');

/** The subpaths of package.json's `exports` that are JavaScript entry points. */
const SUBPATHS = Object.keys(pkg.exports)
  .filter((s) => s !== './package.json')
  .map((s) => (s === '.' ? 'pycom-rx' : `pycom-rx/${s.slice(2)}`));
const HOST = '127.250.0.1';
const report = (e) => process.stderr.write(`${e && e.stack ? e.stack : e}\n`);

function sameInstances(entries) {
  const seen = new Map();
  for (const [subpath, entry] of Object.entries(entries)) {
    for (const [name, value] of Object.entries(entry)) {
      if (typeof value !== 'function' && (typeof value !== 'object' || value === null)) continue;
      const first = seen.get(name);
      if (first === undefined) seen.set(name, { subpath, value });
      else assert.ok(value === first.value, `${name}: ${subpath} and ${first.subpath} export two copies`);
    }
  }
}

/** Arguments tried, in order, to construct an error class for the check of its instances' names. */
const TRIAL_ARGUMENTS = [[], ['x'], ['x', 'x'], [['x']], ['x', 1, 'x'], ['x', 'x', 'x', 'x']];

/**
 * Every exported class keeps its name through the build: for an `Error` subclass, `Cls.name`, an
 * instance's `name`, its stack and `util.inspect` all read the exported name (a build that
 * renames classes shows `_class3 [OptionError]`); any other class is at least not renamed.
 * Returns the number of classes checked.
 */
function classNames(entries) {
  let checked = 0;
  for (const [subpath, entry] of Object.entries(entries)) {
    for (const [name, value] of Object.entries(entry)) {
      if (typeof value !== 'function' || typeof value.prototype !== 'object') continue;
      const isError = value.prototype instanceof Error;
      if (!isError && !/^class\b/.test(Function.prototype.toString.call(value))) continue;
      checked += 1;
      const where = `${subpath}: export ${name}`;
      if (!isError) {
        assert.ok(
          /^[A-Z]\w*$/.test(value.name) && !/^_class/.test(value.name),
          `${where} is named ${JSON.stringify(value.name)}`,
        );
        continue;
      }
      assert.equal(value.name, name, `${where}: the class is named ${JSON.stringify(value.name)}`);
      let instance;
      for (const args of TRIAL_ARGUMENTS) {
        try {
          instance = new value(...args);
          break;
        } catch {
          // another set of arguments
        }
      }
      if (instance === undefined) {
        process.stdout.write(
          `smoke: ${where} cannot be constructed with trial arguments: its class name only\n`,
        );
        continue;
      }
      assert.ok(instance instanceof value, `${where}: an instance`);
      assert.equal(instance.name, name, `${where}: an instance is named ${JSON.stringify(instance.name)}`);
      assert.equal(instance.constructor.name, name, `${where}: an instance's constructor`);
      const stack = String(instance.stack).split('\n')[0];
      assert.ok(
        stack === name || stack.startsWith(`${name}: `),
        `${where}: its stack begins ${JSON.stringify(stack)}`,
      );
      const shown = util.inspect(instance).split('\n')[0];
      assert.ok(
        shown === name || shown.startsWith(`${name}: `) || shown.startsWith(`${name} {`),
        `${where}: util.inspect shows ${JSON.stringify(shown)}`,
      );
    }
  }
  assert.ok(checked > 0, 'the entry points export classes');
  return checked;
}

async function listenErrorFromSimulator(root, simulator) {
  const taken = net.createServer();
  await new Promise((resolve, reject) => taken.once('error', reject).listen(0, HOST, resolve));
  const { port } = taken.address();
  const unit = simulator.simulateUnit({ host: HOST, port });
  try {
    await assert.rejects(unit.ready, (e) => {
      assert.ok(
        e instanceof root.ListenError,
        `ready rejected with ${e && e.name}, not pycom-rx's ListenError`,
      );
      return true;
    });
  } finally {
    await unit.close();
    await new Promise((resolve) => taken.close(resolve));
  }
}

async function main() {
  const entries = Object.fromEntries(SUBPATHS.map((s) => [s, require(s)]));
  const root = entries['pycom-rx'];
  const sequence = entries['pycom-rx/sequence'];
  const simulator = entries['pycom-rx/simulator'];

  for (const name of ['listen', 'send', 'createCoordinator', 'ofType', 'decodeEvent'])
    assert.equal(typeof root[name], 'function', `pycom-rx exports ${name}`);
  assert.equal(typeof sequence.preset, 'function', 'pycom-rx/sequence exports preset');
  assert.equal(typeof simulator.simulateUnit, 'function', 'pycom-rx/simulator exports simulateUnit');

  // the codecs declared as values in the root's .d.ts exist at run time, and are the sequence entry's
  for (const codec of ['Sequence', 'Row']) {
    assert.equal(typeof root[codec]?.is, 'function', `pycom-rx exports the ${codec} codec as a value`);
    assert.ok(root[codec] === sequence[codec], `one ${codec} codec`);
  }
  assert.ok(root.Sequence.is([{ register: 'LED_FAN', state: 1 }]), 'Sequence.is accepts a sequence');

  sameInstances(entries);
  const classes = classNames(entries);
  if ('SequenceError' in root) assert.ok(root.SequenceError === sequence.SequenceError, 'one SequenceError');
  assert.equal(
    root.createCoordinator().identity().version,
    pkg.version,
    'a coordinator sends the package.json version',
  );

  let thrown;
  try {
    sequence.ledFan(2);
  } catch (e) {
    thrown = e;
  }
  assert.ok(thrown instanceof sequence.SequenceError, 'a builder throws SequenceError');
  if ('SequenceError' in root) assert.ok(thrown instanceof root.SequenceError);

  await listenErrorFromSimulator(root, simulator);
  process.stdout.write(
    `smoke (require): ${SUBPATHS.join(', ')}: one instance of every shared export, ` +
      `${classes} exported classes keep their names\n`,
  );
}

main().catch((e) => {
  report(e);
  process.exit(1);
});
