import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { preset, renderSequence } from '../../src/sequence';
import { defaultUnitInfo } from '../../src/simulator';
import {
  launchChromium,
  openTab,
  startRig,
  unitCell,
  unitRow,
  waitForState,
  type ConsolePage,
  type ConsoleTab,
  type Rig,
} from './fixture';

/** Waits until a figure (`data-stat` code) of `list` shows `value`. */
const figure = (page: Page, list: string, code: string, value: number) =>
  page.locator(`${list} [data-stat="${code}"] dd`, { hasText: new RegExp(`^${value}$`) }).waitFor();

/** The value a figure of `list` shows now. */
const figureText = (page: Page, list: string, code: string) =>
  page.locator(`${list} [data-stat="${code}"] dd`).textContent();

describe('the console page (headless Chromium)', () => {
  let browser: Browser;
  let tab: ConsoleTab;
  let rig: Rig | undefined;
  let opened: ConsolePage | undefined;

  beforeAll(async () => {
    browser = await launchChromium();
    tab = await openTab(browser);
  });
  afterAll(async () => {
    await tab?.close();
    await browser?.close();
  });
  afterEach(async () => {
    if (opened !== undefined) await tab.leave();
    await rig?.close();
    opened = undefined;
    rig = undefined;
  });

  it('shows every unit connected, with the firmware, boardio, MCU and MAC of its unit_info', async () => {
    rig = await startRig('127.46.1.2', 3);
    opened = await tab.open(rig.console.url);
    const { page } = opened;
    await waitForState(page, rig.hosts, 'connected');
    for (const unit of rig.group.units) {
      const info = defaultUnitInfo(unit.identity.id);
      await unitRow(page, unit.host).locator('[data-field="mac"]', { hasText: info.mac_address }).waitFor();
      expect(await unitCell(page, unit.host, 'id').textContent()).toBe(unit.identity.id);
      expect(await unitCell(page, unit.host, 'firmware').textContent()).toBe(info.firmware_version);
      expect(await unitCell(page, unit.host, 'boardio').textContent()).toBe(info.boardio_version);
      expect(await unitCell(page, unit.host, 'mcu').textContent()).toBe(info.mcu_type);
      // unit_info, or boardio's boot report right after it: their order is the network's
      expect(await unitCell(page, unit.host, 'last-event').textContent()).toMatch(/unit_info|message/);
    }
    await page.locator('#log tbody tr[data-type="unit_info"]').nth(2).waitFor();
    expect(await page.locator('#unit-summary').textContent()).toBe('3 connected · 0 pending · 0 lost');
    expect(await page.locator('#connection').getAttribute('data-status')).toBe('live');
    expect(page.url()).not.toContain('token=');
    expect(opened.errors).toEqual([]);
  });

  it('turns a unit that goes away lost, and connected again when it comes back', async () => {
    rig = await startRig('127.46.1.10', 3, { heartbeatIntervalMs: 200, lostAfterMs: 5_000 });
    opened = await tab.open(rig.console.url);
    const { page } = opened;
    const [stays, reboots, closes] = rig.group.units;
    await waitForState(page, rig.hosts, 'connected');

    const rebooted = reboots!.reboot({ downtimeMs: 1_500 });
    await waitForState(page, [reboots!.host], 'lost');
    await rebooted;
    await waitForState(page, [reboots!.host], 'connected');

    await closes!.close();
    await waitForState(page, [closes!.host], 'lost');
    expect(await unitCell(page, closes!.host, 'state').getAttribute('title')).toMatch(/refused|ECONNREFUSED/);
    // why it is lost, in the row itself, not only on hover
    await unitRow(page, closes!.host)
      .locator('[data-field="presence-message"]', { hasText: /^refused: .*ECONNREFUSED/ })
      .waitFor();
    expect(await unitRow(page, stays!.host).locator('[data-field="presence-message"]').count()).toBe(0);
    expect(await unitRow(page, stays!.host).getAttribute('data-state')).toBe('connected');
    expect(await unitRow(page, reboots!.host).getAttribute('data-state')).toBe('connected');
    expect(await page.locator('#unit-summary').textContent()).toBe('2 connected · 0 pending · 1 lost');
    expect(opened.errors).toEqual([]);
  });

  it('runs a flash-mode preset on every selected unit and shows each unit reach completed', async () => {
    rig = await startRig('127.46.1.20', 3);
    opened = await tab.open(rig.console.url);
    const { page } = opened;
    await waitForState(page, rig.hosts, 'connected');
    await page.locator('#select-all').check();
    await page.locator('#preset-form select[name="mode"]').selectOption('ALL+PALL');
    await page.locator('#preset-form select[name="camera"]').selectOption('canon');
    await page.locator('#preset-form input[name="power"]').fill('80');
    await page.locator('#preset-form input[name="fans"]').check();
    await page.locator('#run-preset').click();

    const job = page.locator('#jobs article.job-sequence');
    await job.locator('header', { hasText: 'ALL+PALL canon 80%' }).waitFor();
    await page.locator('#jobs article.job-sequence[data-status="done"]').waitFor();
    for (const host of rig.hosts) {
      const row = job.locator(`tr[data-unit="${host}"]`);
      expect(await row.getAttribute('data-status')).toBe('completed');
      expect(await row.locator('.step.reached').allTextContents()).toEqual([
        'uploaded',
        'loaded',
        'started',
        'completed',
      ]);
    }
    const csv = renderSequence(
      preset({ mode: 'ALL+PALL', camera: 'canon', power: 80, fans: true, trigger: 'single', shutterMs: 100 }),
    );
    for (const unit of rig.group.units)
      expect(fs.readFileSync(path.join(unit.home, 'la4_sequence.csv'), 'utf8')).toBe(csv);
    expect(opened.errors).toEqual([]);
  });

  it('sends a shell command to the selected units and shows each output and exit code', async () => {
    rig = await startRig('127.46.1.30', 3);
    opened = await tab.open(rig.console.url);
    const { page } = opened;
    const [first, skipped, last] = rig.hosts;
    await waitForState(page, rig.hosts, 'connected');
    await unitRow(page, first!).locator('input[type="checkbox"]').check();
    await unitRow(page, last!).locator('input[type="checkbox"]').check();
    expect(await page.locator('#selection').textContent()).toBe('(2 selected)');
    await page
      .locator('#command-form input[name="command"]')
      .fill("printf 'to stdout\\n'; echo 'to stderr' >&2; exit 3");
    await page.locator('#send-command').click();

    const job = page.locator('#jobs article.job-command[data-status="done"]');
    await job.waitFor();
    for (const host of [first!, last!]) {
      const row = job.locator(`tr[data-unit="${host}"]`);
      expect(await row.getAttribute('data-status')).toBe('done');
      expect(await row.locator('[data-field="exit-code"]').textContent()).toBe('exit 3');
      expect(await row.locator('[data-field="output"]').textContent()).toBe('to stdout\nto stderr\n');
      expect(await row.locator('[data-field="time"]').textContent()).toMatch(/^\d+\.\d s$/);
    }
    expect(await job.locator(`tr[data-unit="${skipped!}"]`).count()).toBe(0);
    // the coordinator's statistics: the round trips of those two units, the commands answered
    await unitCell(page, first!, 'latency')
      .filter({ hasText: /^\d+ ms$/ })
      .waitFor();
    await unitCell(page, last!, 'latency')
      .filter({ hasText: /^\d+ ms$/ })
      .waitFor();
    expect(await unitCell(page, skipped!, 'latency').textContent()).toBe('—');
    await figure(page, '#stats', 'commands.output', 2);
    await figure(page, '#figures', 'commands.failed', 2);
    expect(await figureText(page, '#figures', 'commands.ok')).toBe('0');
    expect(opened.errors).toEqual([]);
  });

  it("counts figures from the rows: exit 2 is failed, sequence steps are sent, the last event is the log's", async () => {
    rig = await startRig('127.46.1.60', 3);
    opened = await tab.open(rig.console.url);
    const { page } = opened;
    await waitForState(page, rig.hosts, 'connected');
    await page.locator('#select-all').check();
    await page.locator('#command-form input[name="command"]').fill('exit 2');
    await page.locator('#send-command').click();
    await page.locator('#jobs article.job-command[data-status="done"]').waitFor();
    expect(await page.locator('#jobs [data-field="exit-code"]').allTextContents()).toEqual([
      'exit 2',
      'exit 2',
      'exit 2',
    ]);
    // the figures come right after the job's last change, on the same stream
    await figure(page, '#figures', 'commands.failed', 3);
    expect(await figureText(page, '#figures', 'commands.ok')).toBe('0');
    expect(await figureText(page, '#figures', 'commands.running')).toBe('0');
    // the coordinator's counters, taken again at each job change: three sent, three answered
    await figure(page, '#stats', 'commands.sent', 3);
    expect(await figureText(page, '#stats', 'commands.output')).toBe('3');

    await page.locator('#preset-form select[name="mode"]').selectOption('ALL');
    await page.locator('#run-preset').click();
    await page.locator('#jobs article.job-sequence[data-status="done"]').waitFor();
    // each unit's row already shows the event that completed its sequence, with the log's time
    for (const unit of rig.group.units) {
      const lastEvent = await unitCell(page, unit.host, 'last-event').textContent();
      expect(lastEvent).toMatch(/ message Sequence complete$/);
      const logged = page.locator(`#log tbody tr[data-unit-id="${unit.identity.id}"]`).first();
      expect(await logged.locator('td').nth(3).textContent()).toBe('Sequence complete');
      expect(lastEvent!.startsWith(`${await logged.locator('td').first().textContent()} `)).toBe(true);
    }
    await figure(page, '#figures', 'sequences.completed', 3);
    expect(await figureText(page, '#figures', 'sequences.running')).toBe('0');
    // a sequence sends two commands per unit (the upload, then runSeq): 3 + 3 x 2
    await figure(page, '#stats', 'commands.sent', 9);
    expect(await figureText(page, '#stats', 'commands.output')).toBe('9');
    const times = await page.locator('#jobs article.job-sequence [data-field="time"]').allTextContents();
    expect(times).toEqual([
      expect.stringMatching(/^\d+\.\d s$/),
      expect.stringMatching(/^\d+\.\d s$/),
      expect.stringMatching(/^\d+\.\d s$/),
    ]);
    expect(opened.errors).toEqual([]);
  });

  it('runs an uploaded CSV, and lists what is wrong with a bad one without running it', async () => {
    rig = await startRig('127.46.1.40', 2);
    opened = await tab.open(rig.console.url);
    const { page } = opened;
    await waitForState(page, rig.hosts, 'connected');
    await page.locator('#select-all').check();

    await page.locator('#csv-form textarea').fill('LED_FAN,1\nALL_4_NIKON,150\nBOGUS,1\n');
    await page.locator('#run-csv').click();
    await page.locator('#action-error li', { hasText: 'csv line 2' }).waitFor();
    expect(await page.locator('#action-error').textContent()).toContain('csv line 3');
    expect(await page.locator('#jobs article').count()).toBe(0);

    await page.locator('#csv-form input[type="file"]').setInputFiles({
      name: 'flash.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from('LED_FAN,1\nALL_4_NIKON,90\n'),
    });
    await page.waitForFunction(
      `document.querySelector('#csv-form textarea').value.includes('ALL_4_NIKON,90')`,
    );
    await page.locator('#run-csv').click();
    await page.locator('#jobs article.job-sequence[data-status="done"]').waitFor();
    expect(await page.locator('#action-error').isHidden()).toBe(true);
    for (const host of rig.hosts)
      expect(await page.locator(`#jobs tr[data-unit="${host}"]`).getAttribute('data-status')).toBe(
        'completed',
      );
    for (const unit of rig.group.units)
      expect(fs.readFileSync(path.join(unit.home, 'la4_sequence.csv'), 'utf8')).toBe(
        'LED_FAN,1\nALL_4_NIKON,90\n',
      );
    // the browser logs the refusal of the bad CSV (400), and nothing else
    expect(opened.errors).toEqual([expect.stringMatching(/status of 400/)]);
  });

  it('filters the event log by type and by unit on the server (ofType, fromNode)', async () => {
    rig = await startRig('127.46.1.50', 2);
    opened = await tab.open(rig.console.url);
    const { page } = opened;
    await waitForState(page, rig.hosts, 'connected');
    await page.locator('#select-all').check();
    await page.locator('#preset-form select[name="mode"]').selectOption('ALL');
    await page.locator('#run-preset').click();
    await page.locator('#jobs article.job-sequence[data-status="done"]').waitFor();

    const unit = rig.group.units[1]!;
    const stream = page.waitForRequest(
      (r) => r.url().includes('/api/stream') && r.url().includes(`unit=${unit.identity.id}`),
    );
    await page.locator('#log-filter input[value="output"]').uncheck();
    await page.locator('#log-filter input[value="unit_info"]').uncheck();
    await page.locator('#log-filter select[name="unit"]').selectOption(unit.identity.id);
    const url = new URL((await stream).url());
    expect(url.searchParams.get('types')).toBe('message');

    const expected: string[] = [];
    rig.console.model.log
      .read({ types: ['message'], unit: unit.identity.id })
      .subscribe((e) => e.event.type_ === 'message' && expected.push(e.event.message))
      .unsubscribe();
    expect(expected.length).toBeGreaterThanOrEqual(2);
    // every row is a message of that unit, and there are as many as the server logged
    await page.waitForFunction(`(() => {
      const rows = [...document.querySelectorAll('#log tbody tr')];
      return rows.length === ${expected.length} &&
        rows.every((r) => r.dataset.type === 'message' && r.dataset.unitId === '${unit.identity.id}');
    })()`);
    const shown = await page.locator('#log tbody tr td:nth-child(4)').allTextContents();
    expect(shown.reverse()).toEqual(expected);
    expect(opened.errors).toEqual([]);
  });
});
