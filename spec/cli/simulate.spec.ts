import { firstValueFrom } from 'rxjs';
import { createCoordinator } from '../../src/coordinator';
import { runCli, startCli } from './helpers';

describe('pycom-rx simulate', () => {
  it('runs units that answer commands until Ctrl-C, then exits 130; a second one on the same addresses exits 4', async () => {
    const sim = startCli(['simulate', '--units', '2', '--base', '127.0.8.10', '--ready-delay', '50']);
    try {
      await sim.waitFor(/2 units running \(Ctrl-C to stop\)/, 'stderr');
      const { stdout } = sim.output();
      expect(stdout).toMatch(/simulated unit 127\.0\.8\.10:5000 {2}id [0-9a-f]{8}/);
      expect(stdout).toMatch(/simulated unit 127\.0\.8\.11:5000 {2}id [0-9a-f]{8}/);

      const second = runCli(['simulate', '--units', '2', '--base', '127.0.8.11']);
      const coordinator = createCoordinator({ listen: { host: '127.0.0.1', port: 0 } });
      const output = await firstValueFrom(
        coordinator.command('127.0.8.11', 'echo simulated', { outputTimeoutMs: 5000 }),
      ).finally(() => coordinator.close()); // it holds the unit it addressed until closed
      expect(output.output).toBe('simulated\n');
      await sim.waitFor(/127\.0\.8\.11 +command from 127\.0\.0\.1:\d+: echo simulated/, 'stdout');

      const taken = await second;
      expect(taken.code).toBe(4);
      expect(taken.stderr).toContain('cannot listen on 127.0.8.11:5000: port already in use');
      expect(taken.stderr).toContain('--base');

      sim.interrupt();
      const result = await sim.exited;
      expect(result.code).toBe(130);
      expect(result.stderr).toContain('stopped');
    } finally {
      sim.child.kill('SIGKILL');
    }
  });
});
