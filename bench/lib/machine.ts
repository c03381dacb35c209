import * as os from 'node:os';
import { execFileSync } from 'node:child_process';

/** One line describing where the figures come from: CPU model, cores, memory, Node.js, OS. */
export function machineLine(): string {
  const cpus = os.cpus();
  const model = cpus[0]?.model.trim() ?? 'unknown cpu';
  const memory = `${Math.round(os.totalmem() / 2 ** 30)} GiB`;
  return `${model}, ${cpus.length} cores, ${memory}, node ${process.version}, ${os.type()} ${os.release()}`;
}

/** The version line of python3, or `undefined` when it cannot be run. */
export function pythonVersion(): string | undefined {
  try {
    return execFileSync('python3', ['--version'], { encoding: 'utf8', timeout: 5000 }).trim();
  } catch {
    return undefined;
  }
}
