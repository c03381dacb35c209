import * as fs from 'node:fs';
import * as http from 'node:http';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { createCoordinator, type Coordinator, type CoordinatorOptions } from '../../src/coordinator';
import { startConsole, type RunningConsole } from '../../src/console';
import { simulateUnits, type SimulatedUnits } from '../../src/simulator';

/** The Chromium the browser tests drive: @sparticuz/chromium's, unpacked by spec/setup/buildCli.cjs, or CHROMIUM_PATH. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * Launches headless Chromium. Fails (never skips) when it is missing: the browser tests are part
 * of `npm test`.
 */
export async function launchChromium(): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM))
    throw new Error(
      `Chromium not found at ${CHROMIUM}: the console's browser tests need it ` +
        "(npm ci installs @sparticuz/chromium, unpacked by jest's global setup; or set CHROMIUM_PATH)",
    );
  return chromium.launch({ executablePath: CHROMIUM, headless: true });
}

/** Simulated units, a coordinator and a console over them. */
export interface Rig {
  readonly group: SimulatedUnits;
  readonly coordinator: Coordinator;
  readonly console: RunningConsole;
  /** The units' addresses, in order. */
  readonly hosts: ReadonlyArray<string>;
  close(): Promise<void>;
}

/**
 * Starts `count` simulated units from `base` (quick boot, short rows), a coordinator on
 * 127.0.0.1 (any free port) and a console on 127.0.0.1 (any free port).
 */
export async function startRig(base: string, count: number, options: CoordinatorOptions = {}): Promise<Rig> {
  const group = simulateUnits(count, { base, hardwareReadyDelayMs: 50, rowDurationMs: 20 });
  await group.ready;
  const coordinator = createCoordinator({ listen: { host: '127.0.0.1', port: 0 }, ...options });
  const running = await startConsole({
    coordinator,
    units: group.units.map((u) => ({ host: u.host, port: u.port })),
    sequence: { stepTimeoutMs: 5_000, runTimeoutMs: 10_000 },
  });
  return {
    group,
    coordinator,
    console: running,
    hosts: group.units.map((u) => u.host),
    close: async () => {
      await running.close();
      await coordinator.close();
      await group.close();
    },
  };
}

/** A page of the console, with every page error and console error it reported. */
export interface ConsolePage {
  readonly page: Page;
  readonly context: BrowserContext;
  /** Uncaught exceptions and `console.error` calls of the page. */
  readonly errors: string[];
}

/**
 * One browser context and one page, for all the tests of a file: a new page is a new renderer
 * process, the slowest part of opening the console. Each test opens its own console's URL in it
 * (another port: another origin, with storage of its own) and leaves it before that console closes.
 */
export interface ConsoleTab {
  /** Opens the console's URL (token included); the page's errors are counted from here. */
  open(url: string): Promise<ConsolePage>;
  /** Leaves the page for `about:blank` (its connections to the console close) and drops cookies. */
  leave(): Promise<void>;
  close(): Promise<void>;
}

/** Opens a browser context and its page, for {@link ConsoleTab.open}. */
export async function openTab(browser: Browser): Promise<ConsoleTab> {
  const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
  const page = await context.newPage();
  // a state that does not come fails with the locator's message, before jest's own timeout
  page.setDefaultTimeout(15_000);
  let errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  return {
    open: async (url) => {
      errors = [];
      const opened = { page, context, errors };
      await page.goto(url);
      return opened;
    },
    leave: async () => {
      await page.goto('about:blank');
      await context.clearCookies();
    },
    close: () => context.close(),
  };
}

/** The grid row of a unit. */
export const unitRow = (page: Page, address: string) => page.locator(`#units tr[data-unit="${address}"]`);

/** A cell of a unit's grid row. */
export const unitCell = (page: Page, address: string, field: string) =>
  unitRow(page, address).locator(`[data-field="${field}"]`);

/** Waits until every given unit's row shows `state`. */
export async function waitForState(page: Page, hosts: ReadonlyArray<string>, state: string): Promise<void> {
  for (const host of hosts)
    await page.locator(`#units tr[data-unit="${host}"][data-state="${state}"]`).waitFor();
}

/** How the console answered a {@link consoleRequest}. */
export interface Answer {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
}

/**
 * One plain HTTP request (no browser) to the console listening on 127.0.0.1 at
 * `console.address.port`, every header as given. An event stream stays open: its first chunk is
 * the body.
 */
export function consoleRequest(
  console: { readonly address: { readonly port: number } },
  path: string,
  options: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<Answer> {
  const { port } = console.address;
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port, path, method: options.method ?? 'GET', headers: options.headers },
      (res) => {
        if (res.headers['content-type']?.startsWith('text/event-stream')) {
          res.once('data', (chunk: Buffer) => {
            resolve({ status: res.statusCode ?? 0, headers: res.headers, body: chunk.toString() });
            req.destroy();
          });
          return;
        }
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString(),
          }),
        );
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}
