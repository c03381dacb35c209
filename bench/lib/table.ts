/** A cell of a printed table. */
export type Cell = string | number;

/** Formats a rate or count with thousands separators and no decimals. */
export function whole(n: number): string {
  return Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : '-';
}

/** Formats a ratio with two decimals. */
export function ratio(n: number): string {
  return Number.isFinite(n) ? n.toFixed(2) : '-';
}

/** Prints rows as an aligned plain-text table (numbers right-aligned) with a header rule. */
export function printTable(header: readonly string[], rows: readonly (readonly Cell[])[]): void {
  const text = rows.map((row) => row.map(String));
  const widths = header.map((h, i) => Math.max(h.length, ...text.map((row) => (row[i] ?? '').length)));
  const line = (cells: readonly string[], numeric: readonly boolean[]) =>
    cells.map((c, i) => (numeric[i] ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ');
  console.log(
    line(
      header,
      header.map(() => false),
    ),
  );
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  rows.forEach((row, r) =>
    console.log(
      line(
        text[r]!,
        row.map((c) => typeof c === 'number' || /^[\d.,-]+$/.test(String(c))),
      ),
    ),
  );
}

/** The median of some numbers (NaN when empty). */
export function median(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
