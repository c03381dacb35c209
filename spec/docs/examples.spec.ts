import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(__dirname, '..', '..');
const read = (path: string) => readFileSync(join(root, path), 'utf8');

describe('the documented pipeline example', () => {
  it('is the same code in docs/pipeline.md as in examples/pipeline.ts', () => {
    const blocks = [...read('docs/pipeline.md').matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]);
    expect(blocks).toContain(read('examples/pipeline.ts'));
  });

  it('runs against simulated units and completes every step', async () => {
    const tsx = join(root, 'node_modules', '.bin', 'tsx');
    const stdout = await new Promise<string>((resolve, reject) =>
      execFile(tsx, ['examples/pipeline.ts'], { cwd: root, timeout: 60_000 }, (error, out, err) =>
        error ? reject(new Error(`${error.message}\n${err}`)) : resolve(out),
      ),
    );
    expect(stdout.match(/^unit_info 127\.0\.0\.1[234]: light_array/gm)).toHaveLength(3);
    expect(stdout).toMatch(/^awaitOutput: hostname -> \S+/m);
    expect(stdout.match(/^127\.0\.0\.1[234]: shot-\d$/gm)).toHaveLength(9);
    expect(stdout.match(/^sequence 127\.0\.0\.1[234]: completed$/gm)).toHaveLength(3);
  });
});
