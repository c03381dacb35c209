import * as http from 'node:http';
import { startCli } from '../cli/helpers';

describe('pycom-rx --verbose', () => {
  it("writes the library's diagnostics on stderr while the command runs", async () => {
    const cli = startCli([
      '--verbose',
      'console',
      '--simulate',
      '1',
      '--http-port',
      '0',
      '--base',
      '127.46.4.20',
    ]);
    const [url] = await cli.waitFor(/http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]+/, 'stdout');
    const { port } = new URL(url);
    const status = await new Promise<number>((resolve, reject) =>
      http
        .get(`http://127.0.0.1:${port}/api/state`, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        })
        .on('error', reject),
    );
    expect(status).toBe(401);
    const [line] = await cli.waitFor(/^.*pycom-rx:console refused GET \/api\/state: 401 .*$/m, 'stderr');
    expect(line).toMatch(
      /^\d\d:\d\d:\d\d\.\d{3} pycom-rx:console refused GET \/api\/state: 401 missing or wrong token$/,
    );
    cli.interrupt();
    expect((await cli.exited).code).toBe(130); // Ctrl-C: interrupted
  });

  it('stays silent without it', async () => {
    const cli = startCli(['console', '--simulate', '1', '--http-port', '0', '--base', '127.46.4.30']);
    const [url] = await cli.waitFor(/http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]+/, 'stdout');
    const { port } = new URL(url);
    await new Promise<void>((resolve, reject) =>
      http
        .get(`http://127.0.0.1:${port}/api/state`, (res) => {
          res.resume();
          resolve();
        })
        .on('error', reject),
    );
    cli.interrupt();
    const result = await cli.exited;
    expect(result.code).toBe(130);
    expect(result.stderr).not.toMatch(/pycom-rx:(inbound|heartbeat|command|presence|console) /);
    expect(result.stderr).toContain('interrupted by Ctrl-C while serving');
  });
});
