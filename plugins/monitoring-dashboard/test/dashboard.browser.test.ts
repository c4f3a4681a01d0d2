/**
 * The dashboard in headless Chromium over real recorded runs: open the workflow list, click into
 * a workflow, see the charts render with the right counts, filter failed tasks, open a task's
 * detail, follow a live run to its end. Screenshots go to test-artifacts/ (gitignored).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { app, loadConfig, type AppFuture } from '@parsl-ts/core';
import { ThreadPoolExecutor } from '@parsl-ts/executor-threads';
import { MonitoringHub } from '@parsl-ts/monitoring-sqlite';
import { startDashboard, type Dashboard } from '../src/index.js';
import { launchBrowser, openPage, probeChart, RUN_BROWSER_TESTS, screenshot } from './helpers/browser.js';

const fixture = inject('fixture');
const { mixed, htex } = fixture;

async function ready(page: Page): Promise<void> {
  await page.waitForSelector('#app[data-ready="true"]');
}

async function text(page: Page, selector: string): Promise<string> {
  return (await page.locator(selector).first().textContent())?.trim() ?? '';
}

describe.runIf(RUN_BROWSER_TESTS)('dashboard in headless Chromium', () => {
  let browser: Browser;
  let dashboard: Dashboard;

  beforeAll(async () => {
    browser = await launchBrowser();
    dashboard = await startDashboard({ database: fixture.database, port: 0 });
  });
  afterAll(async () => {
    await browser?.close();
    await dashboard?.close();
  });

  it('list → workflow → charts with the right counts → failed tasks → a task\'s detail', async () => {
    const { page, errors } = await openPage(browser);

    // 1. The workflow list.
    await page.goto(dashboard.url);
    await ready(page);
    const rows = page.getByTestId('workflow-row');
    await expect.poll(() => rows.count()).toBe(2);
    const mixedRow = page.locator(`[data-testid="workflow-row"][data-run-id="${mixed.runId}"]`);
    expect(await mixedRow.getByTestId('workflow-status').textContent()).toBe(`completed · ${mixed.failedIds.length} failed`);
    expect(await mixedRow.getByTestId('workflow-tasks').textContent()).toBe(`${mixed.total} tasks${mixed.byState.exec_done} done${mixed.failedIds.length} failed`);
    expect(await page.locator(`[data-run-id="${htex.runId}"]`).getByTestId('workflow-status').textContent()).toBe('completed');
    expect(await text(page, '[data-testid="dbinfo"]')).toContain(fixture.database);
    await screenshot(page, '01-workflow-list.png');

    // 2. Click into the mixed workflow.
    await mixedRow.getByTestId('workflow-link').click();
    await ready(page);
    expect(page.url()).toContain(`#/run/${mixed.runId}`);
    expect(await text(page, '[data-testid="workflow-title"]')).toMatch(new RegExp(`^${mixed.name}`));
    expect(await text(page, '[data-testid="kpi-total"] .value')).toBe(String(mixed.total));
    expect(await text(page, '[data-testid="kpi-done"] .value')).toBe(String(mixed.byState.exec_done));
    expect(await text(page, '[data-testid="kpi-failed"] .value')).toBe(String(mixed.failedIds.length));
    expect(await text(page, '[data-testid="kpi-retried"] .value')).toBe(String(mixed.retriedIds.length));

    // 3. The charts render, with the right counts.
    const states = await probeChart(page, '[data-testid="states-chart"]');
    const finals = Object.fromEntries(states.series.map((s) => [s.name, (s.last as [number, number])[1]]));
    expect(finals).toEqual({ unsched: 0, pending: 0, launched: 0, running: 0, ...mixed.byState });
    expect(states.ink).toBeGreaterThan(0.05);
    const timeline = await probeChart(page, '[data-testid="timeline-chart"]');
    expect(timeline.series).toEqual([expect.objectContaining({ type: 'custom', length: mixed.tries })]);
    expect(timeline.ink).toBeGreaterThan(0.005);
    expect(await page.getByTestId('timeline-chart').getAttribute('data-mode')).toBe('tries');
    expect(await text(page, '[data-testid="timeline-status"]')).toMatch(new RegExp(`^${mixed.tries} tries in view`));
    const appRows = await page.locator('[data-testid="apps-table"] tbody tr').evaluateAll((trs) => trs.map((tr) => [tr.getAttribute('data-app'), tr.children[1]!.textContent]));
    const expectedApps = new Map<string, number>();
    for (const a of Object.values(mixed.apps)) expectedApps.set(a, (expectedApps.get(a) ?? 0) + 1);
    expect(new Map(appRows.map(([a, n]) => [a, Number(n)]))).toEqual(expectedApps);
    expect(await text(page, '[data-testid="task-total"]')).toBe(`1–25 of ${mixed.total} tasks`);
    await screenshot(page, '02-workflow.png');

    // 4. Filter the failed tasks.
    await page.getByTestId('task-filter-failures').selectOption('failed');
    await expect.poll(() => text(page, '[data-testid="task-total"]')).toBe(`1–${mixed.failedIds.length} of ${mixed.failedIds.length} tasks`);
    const failedIds = await page.getByTestId('task-row').evaluateAll((trs) => trs.map((tr) => Number(tr.getAttribute('data-task-id'))));
    expect(failedIds.sort((a, b) => a - b)).toEqual([...mixed.failedIds].sort((a, b) => a - b));
    const badges = await page.locator('[data-testid="task-row"] [data-state]').evaluateAll((els) => els.map((e) => e.getAttribute('data-state')));
    expect(new Set(badges)).toEqual(new Set(['failed', 'dep_fail']));
    await page.getByTestId('tasks-card').screenshot({ path: join((await import('./helpers/browser.js')).ARTIFACTS, '03-failed-tasks.png') });
    // Narrow it further with the app filter: the three broken tasks.
    await page.getByTestId('task-filter-app').selectOption('broken');
    await expect.poll(() => text(page, '[data-testid="task-total"]')).toBe('1–3 of 3 tasks');

    // 5. Open a task's detail: the task that failed both tries.
    await page.locator(`[data-testid="task-row"][data-task-id="${mixed.brokenTask.taskId}"]`).click();
    await expect.poll(() => text(page, '[data-testid="drawer-title"]')).toBe(`Task ${mixed.brokenTask.taskId}`);
    expect(page.url()).toMatch(new RegExp(`/task/${mixed.brokenTask.taskId}$`));
    await page.getByTestId('task-detail').waitFor();
    expect(await text(page, '[data-testid="task-tries"]')).toBe('2');
    expect(await page.locator('[data-testid="tries-table"] tbody tr[data-try-id]').count()).toBe(2);
    expect(await page.locator('[data-testid="tries-table"] tr.try-error').allTextContents()).toEqual([mixed.brokenTask.error, mixed.brokenTask.error].map((e) => expect.stringContaining(e)));
    expect(await text(page, '[data-testid="task-error"]')).toContain(mixed.brokenTask.error);
    const transitions = await page.locator('[data-testid="transitions"] [data-state]').evaluateAll((els) => els.map((e) => e.getAttribute('data-state')));
    expect(transitions).toEqual(['unsched', 'launched', 'running', 'failed', 'pending', 'launched', 'running', 'failed']);
    await screenshot(page, '04-task-detail.png', false);

    // Escape closes it; the URL goes back to the workflow.
    await page.keyboard.press('Escape');
    await page.locator('#drawer').waitFor({ state: 'hidden' });
    expect(page.url()).toMatch(new RegExp(`#/run/${mixed.runId}$`));

    // 6. A bash task's detail shows where its stdout and stderr went.
    await page.goto(`${dashboard.url}#/run/${mixed.runId}/task/${mixed.bashTask.taskId}`);
    await page.getByTestId('task-detail').waitFor();
    expect(await text(page, '[data-testid="task-stdout"] code')).toBe(mixed.bashTask.stdout);
    expect(await text(page, '[data-testid="task-stderr"] code')).toBe(mixed.bashTask.stderr);
    await screenshot(page, '05-bash-task.png', false);

    expect(errors).toEqual([]);
    await page.close();
  });

  it('clicking a bar of the timeline opens that task', async () => {
    const { page, errors } = await openPage(browser);
    await page.goto(`${dashboard.url}#/run/${mixed.runId}`);
    await ready(page);
    // The longest try in the first sub-row: find where it is drawn, then click there like a user.
    const target = await page.evaluate(() => {
      const el = document.querySelector('[data-testid="timeline-chart"]') as HTMLElement;
      type Chart = { getOption(): { series: { data: number[][] }[]; grid: { top: number; bottom: number }[]; yAxis: { data: string[] }[] }; convertToPixel(finder: object, value: number): number };
      const chart = (globalThis as unknown as { echarts: { getInstanceByDom(e: HTMLElement): Chart } }).echarts.getInstanceByDom(el);
      const option = chart.getOption();
      const bars = option.series[0]!.data.filter((b) => b[1] === 0).sort((a, b) => (b[3]! - b[2]!) - (a[3]! - a[2]!));
      const bar = bars[0]!;
      const slots = JSON.parse(el.dataset.slots!) as number[];
      const grid = option.grid[0]!;
      const band = (el.clientHeight - grid.top - grid.bottom) / option.yAxis[0]!.data.length;
      const usable = band * 0.78;
      const row = usable / slots[bar[0]!]!;
      const x = chart.convertToPixel({ xAxisIndex: 0 }, (bar[2]! + bar[3]!) / 2);
      const y = grid.top + band * bar[0]! + band / 2 - usable / 2 + row / 2;
      const box = el.getBoundingClientRect();
      return { x: box.left + x, y: box.top + y, taskId: bar[4]! };
    });
    await page.mouse.move(target.x, target.y);
    await page.mouse.click(target.x, target.y);
    await expect.poll(() => text(page, '[data-testid="drawer-title"]')).toBe(`Task ${target.taskId}`);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('an HTEX run: its blocks, its tries per block on the timeline, resource plots per app, per try and per task', async () => {
    const { page, errors } = await openPage(browser);
    await page.goto(`${dashboard.url}#/run/${htex.runId}`);
    await ready(page);
    const blocks = await page.locator('[data-testid="blocks-table"] tbody tr').evaluateAll((trs) => trs.map((tr) => [tr.children[0]!.textContent, tr.children[1]!.textContent, tr.children[4]!.textContent, tr.children[5]!.textContent]));
    expect(blocks).toEqual([['htex', '0', '1', '2'], ['htex', '1', '1', '2']]);
    const timeline = await probeChart(page, '[data-testid="timeline-chart"]');
    expect(timeline.series[0]!.length).toBe(htex.tries);
    expect(await page.getByTestId('timeline-chart').getAttribute('data-slots')).toBe('[2,2]');
    const lanes = await page.evaluate(() => {
      type Chart = { getOption(): { yAxis: { data: string[] }[] } };
      const el = document.querySelector('[data-testid="timeline-chart"]') as HTMLElement;
      return (globalThis as unknown as { echarts: { getInstanceByDom(e: HTMLElement): Chart } }).echarts.getInstanceByDom(el).getOption().yAxis[0]!.data;
    });
    expect(lanes).toEqual(['htex · block 0', 'htex · block 1']);
    const states = await probeChart(page, '[data-testid="states-chart"]');
    expect(Object.fromEntries(states.series.map((s) => [s.name, (s.last as number[])[1]]))).toMatchObject({ exec_done: htex.total });

    // Resources: per app (two bars per app: mean and max) and one point per try.
    const cpu = await probeChart(page, '[data-testid="app-cpu-chart"]');
    expect(cpu.series.map((s) => [s.name, s.length])).toEqual([['mean', 2], ['max', 2]]);
    expect(cpu.ink).toBeGreaterThan(0.01);
    const memory = await probeChart(page, '[data-testid="app-memory-chart"]');
    expect(memory.series.map((s) => s.length)).toEqual([2, 2]);
    const scatter = await probeChart(page, '[data-testid="try-scatter-chart"]');
    expect(scatter.series.reduce((a, s) => a + s.length, 0)).toBe(htex.tries);
    expect(new Set(scatter.series.map((s) => s.name))).toEqual(new Set(['nap', 'burn']));
    await screenshot(page, '06-htex-run.png');

    // One task's samples over time.
    const burnTask = Number(Object.entries(htex.apps).find(([, app]) => app === 'burn')![0]);
    await page.goto(`${dashboard.url}#/run/${htex.runId}/task/${burnTask}`);
    await page.getByTestId('task-detail').waitFor();
    await expect.poll(() => page.getByTestId('task-resources-chart').getAttribute('data-samples')).toMatch(/^[1-9]\d*$/);
    const taskChart = await probeChart(page, '[data-testid="task-resources-chart"]');
    expect(taskChart.series.map((s) => s.name)).toEqual(['RSS (try 0)', 'CPU (try 0)']);
    expect(taskChart.ink).toBeGreaterThan(0.005);
    expect(await page.locator('[data-testid="tries-table"] tbody tr[data-try-id="0"] td').nth(1).textContent()).toMatch(/^htex · block [01] · \S+$/);
    await page.getByTestId('task-resources-chart').scrollIntoViewIfNeeded();
    await screenshot(page, '08-htex-task-resources.png', false);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('a database with no run yet says so, and an unknown run gives an error page with a way back', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'parsl-dashboard-empty-'));
    const database = join(dir, 'monitoring.db');
    // The hub creates the schema when it starts; no workflow is recorded.
    const hub = new MonitoringHub({ database, resourceMonitoringInterval: 0 });
    await hub.start({ runId: 'never-used', runDir: join(dir, 'runinfo', '000') });
    await hub.stop();
    const empty = await startDashboard({ database, port: 0 });
    const { page, errors } = await openPage(browser);
    try {
      await page.goto(empty.url);
      await ready(page);
      expect(await text(page, 'main .empty')).toMatch(/^No workflow has been recorded in this database yet/);
      await page.goto(`${empty.url}#/run/no-such-run`);
      await page.getByTestId('page-error').waitFor();
      expect(await text(page, '[data-testid="page-error"]')).toBe('no workflow run no-such-run');
      await page.getByRole('link', { name: '← All workflows' }).click();
      await ready(page);
      // The 404 of the unknown run is the only failed request, and it was answered, not lost.
      expect(errors.filter((e) => !/404/.test(e))).toEqual([]);
    } finally {
      await page.close();
      await empty.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a workflow that is still running shows as live and updates itself until it completes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'parsl-dashboard-live-'));
    const database = join(dir, 'monitoring.db');
    const gate = join(dir, 'gate');
    const waitForGate = app(async (path: string) => {
      const fs = await import('node:fs');
      const deadline = Date.now() + 60_000;
      while (!fs.existsSync(path) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 25));
      return fs.existsSync(path);
    }, { name: 'wait_for_gate' });
    const dfk = await loadConfig({
      name: 'live-run', runDir: join(dir, 'runinfo'),
      executors: [new ThreadPoolExecutor({ label: 'threads', maxThreads: 2 })],
      monitoring: new MonitoringHub({ database, resourceMonitoringInterval: 0 }),
    });
    let live: Dashboard | undefined;
    const { page, errors } = await openPage(browser);
    try {
      const futures: AppFuture<boolean>[] = Array.from({ length: 6 }, () => waitForGate(gate));
      live = await startDashboard({ database, port: 0 });
      // The hub writes in batches: wait until the dashboard can see all six tasks.
      await page.goto(`${live.url}#/run/${dfk.runId}`);
      await ready(page);
      await expect.poll(async () => {
        await page.reload();
        await ready(page);
        return text(page, '[data-testid="kpi-total"] .value');
      }, { timeout: 15_000 }).toBe('6');
      expect(await text(page, '[data-testid="workflow-status"]')).toBe('running');
      expect(await page.locator('.live').count()).toBe(1);
      expect(await text(page, '[data-testid="kpi-active"] .value')).toBe('6');
      await screenshot(page, '07-live-run.png', false);

      writeFileSync(gate, 'go');
      expect(await Promise.all(futures)).toEqual(Array(6).fill(true));
      await dfk.cleanup();
      // No reload from here: the page refreshes itself (every 5 s) and notices the end.
      await expect.poll(() => text(page, '[data-testid="workflow-status"]'), { timeout: 20_000, interval: 250 }).toBe('completed');
      expect(await text(page, '[data-testid="kpi-done"] .value')).toBe('6');
      expect(await page.locator('[data-testid="kpi-active"]').count()).toBe(0);
      expect(await page.locator('.live').count()).toBe(0);
      expect(errors).toEqual([]);
    } finally {
      await page.close();
      await live?.close();
      await dfk.cleanup();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
