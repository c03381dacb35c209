import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runCli } from './helpers';

// This file's loopback range: 127.41.8.0/24 (spec/helpers/addresses.ts).

describe('pycom-rx run with a hostile sequence file', () => {
  it('exits 5 on one line of 150,000 columns, naming the line, without sending anything', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'pycom-rx-hostile-'));
    try {
      const file = path.join(dir, 'wide.csv');
      writeFileSync(file, `LED_FAN${',1'.repeat(150_000)}\n`);
      // the unit's address is never contacted: the file is refused first
      const result = await runCli(['run', '127.41.8.50', file, '--host', '127.41.8.1', '--port', '0']);
      expect(result.code).toBe(5);
      expect(result.stderr).toContain('wide.csv:1: LED_FAN: extra parameter 1 (expected 1: state)');
      expect(result.stderr).toContain('wide.csv:1: LED_FAN: and 149996 more extra parameters');
      expect(result.stderr.length).toBeLessThan(2_000);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 30_000);
});
