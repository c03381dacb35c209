/**
 * decode: how fast decodeEvent is compared with JSON.parse alone, on the same realistic payloads.
 *
 *   npx tsx bench/decode.ts [--sample-ms=150] [--samples=5]   (or BENCH_SAMPLE_MS, BENCH_SAMPLES)
 *
 * Prints ops/s per payload and for a weighted mix. Target (reported, not asserted): decodeEvent
 * reaches at least 0.5 of JSON.parse.
 */
import { either as E } from 'fp-ts';
import { library, libraryLine } from './lib/library';

const { decodeEvent, encodeEvent } = library;
import { intOption } from './lib/args';
import { samples } from './lib/events';
import { machineLine } from './lib/machine';
import { contender, opsPerSecond } from './lib/measure';
import { printTable, ratio, whole } from './lib/table';

const TARGET = 0.5;

interface Workload {
  readonly name: string;
  readonly bytes: readonly Buffer[];
  readonly texts: readonly string[];
}

function workloads(): Workload[] {
  const single = samples.map((s) => {
    const bytes = encodeEvent(s.event);
    return { name: s.name, bytes: [bytes], texts: [bytes.toString('utf8')] };
  });
  const mix = samples.flatMap((s) => Array.from({ length: s.weight }, () => encodeEvent(s.event)));
  // a fixed interleaving, so that no payload type runs in a long streak
  const interleaved = mix.map((b, i) => mix[(i * 7) % mix.length]!).map((b) => Buffer.from(b));
  return [
    ...single,
    { name: 'mix (weighted)', bytes: interleaved, texts: interleaved.map((b) => b.toString('utf8')) },
  ];
}

const ok = (r: E.Either<unknown, unknown>): number => (E.isRight(r) ? 1 : 0);

function main(): void {
  const options = {
    sampleMs: intOption('sample-ms', 'BENCH_SAMPLE_MS', 150),
    samples: intOption('samples', 'BENCH_SAMPLES', 5),
  };
  console.log(
    `\n## decode: decodeEvent vs JSON.parse (ops/s, median of ${options.samples} interleaved samples of ${options.sampleMs} ms)`,
  );
  console.log(`machine: ${machineLine()}`);
  console.log(`${libraryLine()}\n`);
  const rows = workloads().map((w) => {
    if (!w.bytes.every((b) => E.isRight(decodeEvent(b))))
      throw new Error(`${w.name}: a sample does not decode`);
    const [parseText, decodeText, parseBytes, decodeBytes] = opsPerSecond(
      [
        contender((s: string) => (JSON.parse(s) === null ? 0 : 1), w.texts),
        contender((s: string) => ok(decodeEvent(s)), w.texts),
        contender((b: Buffer) => (JSON.parse(b.toString('utf8')) === null ? 0 : 1), w.bytes),
        contender((b: Buffer) => ok(decodeEvent(b)), w.bytes),
      ],
      options,
    ) as [number, number, number, number];
    const size = Math.round(w.bytes.reduce((n, b) => n + b.length, 0) / w.bytes.length);
    return [
      w.name,
      whole(size),
      whole(parseText),
      whole(decodeText),
      ratio(decodeText / parseText),
      whole(parseBytes),
      whole(decodeBytes),
      ratio(decodeBytes / parseBytes),
    ];
  });
  printTable(
    [
      'payload',
      'bytes',
      'JSON.parse(text)',
      'decodeEvent(text)',
      'ratio',
      'JSON.parse(utf8(buf))',
      'decodeEvent(buf)',
      'ratio',
    ],
    rows,
  );
  const mix = rows[rows.length - 1]!;
  const worst = Math.min(...rows.map((r) => Math.min(Number(r[4]), Number(r[7]))));
  console.log(
    `\nmix: decodeEvent(buf) / JSON.parse(utf8(buf)) = ${mix[7]}; lowest ratio of any row = ${ratio(worst)}; target >= ${TARGET} (reported, not asserted)`,
  );
}

main();
