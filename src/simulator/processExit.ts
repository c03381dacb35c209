/** The clean-ups to run if the process exits now, in the order they were added. */
const cleanups = new Set<() => void>();

/** Runs every clean-up, the latest first; one that throws does not stop the others. */
function onExit(): void {
  for (const cleanup of [...cleanups].reverse()) {
    try {
      cleanup();
    } catch {
      // the process is ending: nothing more can be done about it
    }
  }
  cleanups.clear();
}

/**
 * Runs `cleanup` synchronously if the process exits (`process.exit()`, the end of the event
 * loop, an uncaught exception) before the returned function is called. One `'exit'` listener
 * serves every clean-up: added with the first, removed with the last, so a process without
 * simulated units has none. No signal handler is installed: what a signal does to the process
 * is unchanged (a process killed by a signal runs no clean-up; see `sweepStaleWorkspaces`).
 *
 * @internal
 * @param cleanup Synchronous work: `'exit'` listeners cannot wait for anything.
 * @return Removes `cleanup` (call it once the work was done otherwise).
 * @category Simulator
 */
export function atProcessExit(cleanup: () => void): () => void {
  // a function of its own, so the same cleanup added twice is removed once each
  const entry = () => cleanup();
  if (cleanups.size === 0) process.on('exit', onExit);
  cleanups.add(entry);
  return () => {
    if (!cleanups.delete(entry)) return;
    if (cleanups.size === 0) process.off('exit', onExit);
  };
}
