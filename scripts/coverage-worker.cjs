// Preloaded into every Node process of `npm run coverage` (NODE_OPTIONS, see scripts/coverage.cjs);
// acts in jest's workers only. A worker writes its V8 coverage when it exits, but jest stops a
// worker that does not exit soon after the run ends (a spec that leaks a socket or a timer) with
// SIGTERM, then SIGKILL: no coverage, or a file cut in the middle, and the figures of every spec
// file that worker ran lost. Here the worker writes its coverage as soon as jest tells it the run
// is over (jest-worker's CHILD_MESSAGE_END, [2, ...]), before it tries to exit. The CLI children the
// specs spawn are left as they are.
if (/jest-worker[\\/]build[\\/]processChild\.js$/.test(process.argv[1] ?? '')) {
  const v8 = require('node:v8');
  const CHILD_MESSAGE_END = 2;
  const onMessage = (message) => {
    if (!Array.isArray(message) || message[0] !== CHILD_MESSAGE_END) return;
    // a 'message' listener keeps the IPC channel open: gone, so that the worker can exit
    process.off('message', onMessage);
    v8.takeCoverage();
    v8.stopCoverage();
  };
  process.on('message', onMessage);
}
