import { jsonLines, LOOPBACK_LISTENER, occupy, runCli, startCli, type CliProcess } from './helpers';
import { unitIdentity } from '../fixtures';
import { rawSend } from '../helpers/sockets';

const output = { ...unitIdentity({ ip: '127.0.0.1' }), type_: 'output', output: 'hi\n' };
const message = { ...output, type_: 'message', message: 'BOARDIO_READY' };
delete (message as Partial<typeof output>).output;

/** Starts `listen`, waits for its port, sends an output, a message and a malformed payload. */
async function feed(cli: CliProcess): Promise<void> {
  const [, port] = await cli.waitFor(/listening on 127\.0\.0\.1:(\d+)/, 'stderr');
  for (const payload of [JSON.stringify(output), JSON.stringify(message), '{"type_": "output", '])
    await rawSend({ host: '127.0.0.1', port: Number(port) }, payload);
}

describe('pycom-rx listen', () => {
  const human = startCli(['listen', ...LOOPBACK_LISTENER]);
  const json = startCli(['listen', '--json', ...LOOPBACK_LISTENER]);

  afterAll(() => {
    human.child.kill('SIGKILL');
    json.child.kill('SIGKILL');
  });

  it('prints each event and rejected payload on one line, and exits 130 on Ctrl-C', async () => {
    await feed(human);
    await human.waitFor(/rejected/, 'stdout');
    await human.waitFor(/BOARDIO_READY/, 'stdout');
    human.interrupt();
    const result = await human.exited;
    expect(result.code).toBe(130);
    const lines = result.stdout.trim().split('\n');
    expect(lines).toHaveLength(3);
    expect(result.stdout).toMatch(/127\.0\.0\.1\s+output\s+81639cd4 rigsters-controller\s+"hi\\n"/);
    expect(result.stdout).toMatch(/message\s+81639cd4 rigsters-controller\s+BOARDIO_READY/);
    expect(result.stdout).toMatch(/rejected\s+\S+: .*\(20 bytes\)/);
  });

  it('prints one JSON object per line with --json', async () => {
    await feed(json);
    await json.waitFor(/"rejected"/, 'stdout');
    await json.waitFor(/BOARDIO_READY/, 'stdout');
    json.interrupt();
    const result = await json.exited;
    expect(result.code).toBe(130);
    const items = jsonLines(result.stdout);
    expect(items).toHaveLength(3);
    expect(items).toContainEqual(expect.objectContaining(output));
    expect(items).toContainEqual(expect.objectContaining(message));
    expect(items).toContainEqual(
      expect.objectContaining({
        kind: 'rejected',
        bytes: 20,
        remote: expect.objectContaining({ address: '127.0.0.1' }),
      }),
    );
  });

  it('exits 4 with a clear message when the port is in use', async () => {
    const blocker = await occupy('127.0.0.1');
    try {
      const result = await runCli(['listen', '--host', '127.0.0.1', '--port', String(blocker.port)]);
      expect(result.code).toBe(4);
      expect(result.stderr).toContain(`cannot listen on 127.0.0.1:${blocker.port}: port already in use`);
      expect(result.stderr).toContain('--port');
    } finally {
      await blocker.close();
    }
  });
});
