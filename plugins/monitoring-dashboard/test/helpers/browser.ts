/**
 * Headless Chromium from Debian's `chromium` package, driven by playwright-core (never a browser
 * download). In CI a missing browser fails the tests; elsewhere they are skipped with a notice.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';

/** The browser executable (PARSL_TS_CHROMIUM overrides the Debian path). */
export const CHROMIUM = process.env.PARSL_TS_CHROMIUM ?? '/usr/bin/chromium';
/** Whether it is installed. */
export const HAS_CHROMIUM = existsSync(CHROMIUM);
/** Whether the tests run in CI, where a missing browser is a failure. */
export const IN_CI = process.env.CI === 'true' || process.env.CI === '1';
/** Run browser tests here: always in CI (they fail without a browser), else when it is installed. */
export const RUN_BROWSER_TESTS = HAS_CHROMIUM || IN_CI;

/** Where screenshots go (gitignored). */
export const ARTIFACTS = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'test-artifacts');

if (!RUN_BROWSER_TESTS) {
  process.stderr.write(`monitoring-dashboard: ${CHROMIUM} not found, browser tests skipped (apt-get install chromium; in CI they fail)\n`);
}

/** Launch headless Chromium; fails with the install command when it is missing. */
export async function launchBrowser(): Promise<Browser> {
  if (!HAS_CHROMIUM) throw new Error(`${CHROMIUM} is missing: install Debian's chromium (apt-get install -y --no-install-recommends chromium)`);
  mkdirSync(ARTIFACTS, { recursive: true });
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    timeout: 60_000,
  });
}

/** A page that records uncaught errors and console errors, to assert none happened. */
export async function openPage(browser: Browser, viewport = { width: 1440, height: 900 }): Promise<{ page: Page; errors: string[] }> {
  // Reduced motion: no slide-in animation half-way through a screenshot.
  const page = await browser.newPage({ viewport, reducedMotion: 'reduce' });
  page.setDefaultTimeout(30_000);
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()}`);
  });
  page.on('requestfailed', (r) => {
    // A request the page itself aborted (a superseded zoom or filter) is not an error.
    if (!/ERR_ABORTED/.test(r.failure()?.errorText ?? '')) errors.push(`request failed: ${r.url()} ${r.failure()?.errorText}`);
  });
  return { page, errors };
}

/** Save a full-page screenshot to the artifacts folder. */
export async function screenshot(page: Page, name: string, fullPage = true): Promise<string> {
  const path = join(ARTIFACTS, name);
  await page.screenshot({ path, fullPage });
  return path;
}

/** What a chart shows: its series (names and data lengths) and how many pixels of its canvas are painted. */
export interface ChartProbe {
  readonly series: { name: string; type: string; length: number; last: unknown }[];
  readonly ink: number;
}

/**
 * Read an ECharts chart from the page: the option it renders (through echarts.getInstanceByDom)
 * and the share of its canvas that is not blank, so a chart that "renders" nothing is caught.
 */
export function probeChart(page: Page, selector: string): Promise<ChartProbe> {
  return page.evaluate((sel) => {
    const el = document.querySelector(sel) as HTMLElement | null;
    if (!el) throw new Error(`no element ${sel}`);
    const chart = (globalThis as unknown as { echarts: { getInstanceByDom(e: HTMLElement): { getOption(): { series?: { name?: string; type: string; data?: unknown[] }[] } } | undefined } }).echarts.getInstanceByDom(el);
    if (!chart) throw new Error(`no chart in ${sel}`);
    const series = (chart.getOption().series ?? []).map((s) => ({ name: s.name ?? '', type: s.type, length: s.data?.length ?? 0, last: s.data?.[s.data.length - 1] }));
    const canvas = el.querySelector('canvas');
    let ink = 0;
    if (canvas) {
      const ctx = canvas.getContext('2d')!;
      const { data } = ctx.getImageData(0, 0, canvas.width, canvas.height);
      let painted = 0;
      for (let i = 0; i < data.length; i += 4) {
        // Painted: not transparent and not (near) white.
        if (data[i + 3]! > 0 && (data[i]! < 235 || data[i + 1]! < 235 || data[i + 2]! < 235)) painted++;
      }
      ink = painted / (canvas.width * canvas.height);
    }
    return { series, ink };
  }, selector);
}
