import * as http from 'node:http';
import { occupy, runCli, startCli } from '../cli/helpers';

interface Row {
  address: string;
  presence: { state: string };
  info?: { firmware: string };
}

/**
 * Reads the console's event stream until every unit is connected with its unit_info; resolves
 * with the rows then.
 */
function untilConnected(url: URL, count: number): Promise<Row[]> {
  return new Promise((resolve, reject) => {
    const rows = new Map<string, Row>();
    const done = () =>
      [...rows.values()].filter((r) => r.presence.state === 'connected' && r.info).length === count;
    const req = http.get(
      `http://${url.host}/api/stream?token=${url.searchParams.get('token') ?? ''}&types=`,
      (res) => {
        if (res.statusCode !== 200) return reject(new Error(`HTTP ${res.statusCode}`));
        let buffer = '';
        res.setEncoding('utf8').on('data', (chunk: string) => {
          buffer += chunk;
          let end;
          while ((end = buffer.indexOf('\n\n')) >= 0) {
            const block = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            const event = /^event: (.*)$/m.exec(block)?.[1];
            const data = /^data: (.*)$/m.exec(block)?.[1];
            if (data === undefined) continue;
            const parsed = JSON.parse(data) as { units?: Row[]; row?: Row };
            if (event === 'snapshot') for (const row of parsed.units ?? []) rows.set(row.address, row);
            if (event === 'unit' && parsed.row) rows.set(parsed.row.address, parsed.row);
            if (done()) {
              req.destroy();
              resolve([...rows.values()]);
            }
          }
        });
      },
    );
    req.on('error', (e) => (rows.size === 0 ? reject(e) : undefined));
  });
}

describe('pycom-rx console', () => {
  it('prints its URL, serves simulated units connected with their unit_info, and stops on Ctrl-C', async () => {
    const cli = startCli(['console', '--simulate', '2', '--http-port', '0', '--base', '127.46.3.2']);
    const [line] = await cli.waitFor(/http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]{32}/, 'stdout');
    const url = new URL(line);
    const rows = await untilConnected(url, 2);
    expect(rows.map((r) => r.address).sort()).toEqual(['127.46.3.2', '127.46.3.3']);
    expect(rows.every((r) => r.info?.firmware === '1.2.4')).toBe(true);
    cli.interrupt();
    const result = await cli.exited;
    expect(result.code).toBe(130);
    expect(result.stderr).toContain('2 units (simulated)');
    expect(result.stderr).toContain('stopping');
  });

  it('needs units or --simulate, not both and not neither (usage, exit 2)', async () => {
    const neither = await runCli(['console', '--http-port', '0']);
    expect(neither.code).toBe(2);
    expect(neither.stderr).toContain('no unit given');
    const both = await runCli(['console', '127.46.3.20', '--simulate', '1', '--http-port', '0']);
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('not both');
  });

  it("exits 4 when the page's port is taken, and says how to pick another", async () => {
    const taken = await occupy('127.0.0.1');
    try {
      const result = await runCli([
        'console',
        '--simulate',
        '1',
        '--base',
        '127.46.3.30',
        '--http-port',
        String(taken.port),
      ]);
      expect(result.code).toBe(4);
      expect(result.stderr).toContain('choose another --http-port');
    } finally {
      await taken.close();
    }
  });
});
