/**
 * Reads a positive integer setting from `--name=value` on the command line, else from the
 * environment variable `env`, else `fallback`. Benchmarks stay configurable without a parser.
 */
export function intOption(name: string, env: string, fallback: number): number {
  const flag = process.argv.slice(2).find((a) => a.startsWith(`--${name}=`));
  const raw = flag?.slice(name.length + 3) ?? process.env[env];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw.replace(/_/g, ''));
  if (!Number.isInteger(value) || value < 0) throw new Error(`--${name} / ${env}: not a count: ${raw}`);
  return value;
}
