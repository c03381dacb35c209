import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(__dirname, '..', '..');
const read = (path: string) => readFileSync(join(root, path), 'utf8');
/** A snippet without its layout (whitespace, trailing commas), so a block matches the same code formatted at another depth. */
const flat = (text: string) => text.replace(/\s+/g, '').replace(/,([)\]}])/g, '$1');

describe('docs/testing.md', () => {
  const blocks = [...read('docs/testing.md').matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!);
  const specs = readdirSync(join(root, 'spec', 'testing'))
    .filter((f) => f.endsWith('.spec.ts'))
    .map((f) => flat(read(join('spec', 'testing', f))));

  it('shows the complete example exactly as it runs in the suite, in under 50 lines', () => {
    const example = read('spec/testing/example.spec.ts');
    expect(blocks).toContain(example);
    expect(example.split('\n').length).toBeLessThan(50);
  });

  it('shows only snippets that run in the suite', () => {
    const snippets = blocks.filter((b) => !b.startsWith('import ')).map(flat);
    expect(snippets.length).toBeGreaterThanOrEqual(2);
    for (const snippet of snippets)
      expect([snippet, specs.some((s) => s.includes(snippet))]).toEqual([snippet, true]);
  });
});
