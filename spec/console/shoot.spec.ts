import type { Browser } from 'playwright-core';
import { untagCommand } from '../../src/protocol/tagged';
import { launchChromium, openTab, startRig, waitForState, type ConsoleTab, type Rig } from './fixture';

// Simulated units on 127.124.40.x (spec/helpers/addresses.ts).

describe('the console page: Shoot selected (headless Chromium)', () => {
  let browser: Browser;
  let tab: ConsoleTab;
  let rig: Rig | undefined;

  beforeAll(async () => {
    browser = await launchChromium();
    tab = await openTab(browser);
  });
  afterAll(async () => {
    await tab?.leave();
    await rig?.close();
    await tab?.close();
    await browser?.close();
  });

  it('fires every selected unit once, together, and shows each completed and the fire spread', async () => {
    rig = await startRig('127.124.40.2', 3);
    const fired = new Map<string, number>();
    rig.group.events$.subscribe((a) => {
      if (a.kind === 'command-started' && /runSeq/.test(untagCommand(a.command)?.command ?? a.command))
        fired.set(a.unit, (fired.get(a.unit) ?? 0) + 1);
    });
    const opened = await tab.open(rig.console.url);
    const { page } = opened;
    await waitForState(page, rig.hosts, 'connected');
    await page.locator('#select-all').check();
    await page.locator('#preset-form select[name="mode"]').selectOption('ALL');
    await page.locator('#shoot-preset').click();

    const job = page.locator('#jobs article.job-shoot[data-status="done"]');
    await job.waitFor();
    expect(await job.locator('header').textContent()).toContain('Shoot: ALL nikon');
    for (const host of rig.hosts) {
      const row = job.locator(`tr[data-unit="${host}"]`);
      expect(await row.getAttribute('data-status')).toBe('completed');
      expect(await row.locator('.step.reached').allTextContents()).toEqual([
        'loading',
        'ready',
        'fired',
        'completed',
      ]);
    }
    expect(await job.locator('[data-field="spread"]').getAttribute('data-outcome')).toBe('completed');
    expect(await job.locator('[data-field="spread"]').textContent()).toMatch(/fire spread \d+\.\d ms/);
    expect(rig.group.units.map((u) => fired.get(u.identity.id) ?? 0)).toEqual([1, 1, 1]);
    expect(opened.errors).toEqual([]);
  });
});
