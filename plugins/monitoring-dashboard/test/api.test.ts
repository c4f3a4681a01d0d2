/**
 * The JSON API over real recorded runs (a mixed workflow on the thread pool, a run on HTEX):
 * every figure is compared with what the workflows' futures ended as, not with the database.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type {
  ResourceSummary, StatesOverTime, TaskDetail, TaskPage, Timeline, WorkflowDetail, WorkflowList,
} from '../src/index.js';
import { startDashboard, type Dashboard } from '../src/index.js';
import { get, getJson } from './helpers/http.js';

const fixture = inject('fixture');
const { mixed, htex } = fixture;
let dashboard: Dashboard;
let base: string;

beforeAll(async () => {
  dashboard = await startDashboard({ database: fixture.database, port: 0 });
  base = dashboard.url.replace(/\/$/, '');
});
afterAll(() => dashboard.close());

const run = (runId: string): string => `${base}/api/workflows/${encodeURIComponent(runId)}`;
const tasks = (query: string): Promise<TaskPage> => getJson<TaskPage>(`${run(mixed.runId)}/tasks?${query}`);

describe('workflows', () => {
  it('lists both runs, newest first, with their task counts by state', async () => {
    const { workflows } = await getJson<WorkflowList>(`${base}/api/workflows`);
    expect(workflows.map((w) => w.name)).toEqual([htex.name, mixed.name]);
    const m = workflows.find((w) => w.runId === mixed.runId)!;
    expect(m.status).toBe('completed');
    expect(m.tasks.total).toBe(mixed.total);
    expect(m.tasks.byState).toEqual(mixed.byState);
    expect(m.tasks.failed).toBe(mixed.failedIds.length);
    expect(m.tasks.done).toBe(mixed.byState.exec_done);
    expect(m.tasks.active).toBe(0);
    expect(m.completed).toBeGreaterThanOrEqual(m.began);
    expect(m.lastActivity).toBeLessThanOrEqual(m.completed!);
    const h = workflows.find((w) => w.runId === htex.runId)!;
    expect(h.tasks).toMatchObject({ total: htex.total, byState: { exec_done: htex.total }, failed: 0 });
  });

  it('describes one run: apps with their outcomes, executors, tries, blocks', async () => {
    const detail = await getJson<WorkflowDetail>(run(mixed.runId));
    expect(detail.workflow.name).toBe(mixed.name);
    expect(typeof detail.workflow.config).toBe('object');
    const byApp = Object.fromEntries(detail.apps.map((a) => [a.app, a]));
    const expectedApps = new Map<string, number>();
    for (const app of Object.values(mixed.apps)) expectedApps.set(app, (expectedApps.get(app) ?? 0) + 1);
    expect(new Map(detail.apps.map((a) => [a.app, a.tasks.total]))).toEqual(expectedApps);
    expect(byApp.simulate!.tasks.done).toBe(40);
    expect(byApp.flaky).toMatchObject({ tasks: { done: 6, failed: 0 }, failedTries: 6 });
    expect(byApp.broken).toMatchObject({ tasks: { failed: 3, byState: { failed: 3 } }, failedTries: 6 });
    expect(byApp.postprocess!.tasks.byState).toEqual({ dep_fail: 3 });
    expect(byApp.echo).toMatchObject({ kind: 'bash', tasks: { done: 5 } });
    expect(byApp.exit3).toMatchObject({ kind: 'bash', tasks: { failed: 2 } });
    expect(byApp.simulate!.meanSeconds).toBeGreaterThan(0.02);
    expect(byApp.simulate!.meanRunSeconds).toBeGreaterThan(0.02);
    expect(detail.executors).toEqual([{ executor: 'threads', tasks: mixed.total }]);
    expect(detail.tries).toEqual({ total: mixed.tries, failed: 6 + 6 + 2, retriedTasks: mixed.retriedIds.length });
    expect(detail.span.to).toBeGreaterThan(detail.span.from);

    const h = await getJson<WorkflowDetail>(run(htex.runId));
    expect(h.blocks.map((b) => [b.executor, b.blockId])).toEqual([['htex', '0'], ['htex', '1']]);
    expect(h.blocks.every((b) => b.jobId !== null && b.state !== 'unknown')).toBe(true);
  });

  it('answers 404 with a code for an unknown run', async () => {
    const answer = await get(run('no-such-run'));
    expect(answer.status).toBe(404);
    expect(JSON.parse(answer.text)).toEqual({ code: 'PARSL_DASHBOARD_NOT_FOUND', message: 'no workflow run no-such-run' });
    for (const path of ['states', 'timeline', 'tasks', 'tasks/3', 'resources']) {
      expect((await get(`${run('no-such-run')}/${path}`)).status).toBe(404);
    }
  });
});

describe('tasks by state over time', () => {
  it('ends with every task in its final state, and never counts more tasks than exist', async () => {
    const states = await getJson<StatesOverTime>(`${run(mixed.runId)}/states?buckets=120`);
    expect(states.times.length).toBeLessThanOrEqual(120);
    expect(states.times.length).toBeGreaterThan(60);
    const last = Object.fromEntries(states.series.map((s) => [s.state, s.counts.at(-1)]));
    for (const [state, n] of Object.entries(last)) expect(n).toBe(mixed.byState[state] ?? 0);
    for (let i = 0; i < states.times.length; i++) {
      const total = states.series.reduce((a, s) => a + s.counts[i]!, 0);
      expect(total).toBeLessThanOrEqual(mixed.total);
      for (const s of states.series) expect(s.counts[i]).toBeGreaterThanOrEqual(0);
    }
    // Life-cycle order, and every state the run went through.
    expect(states.series.map((s) => s.state)).toEqual(['unsched', 'pending', 'launched', 'running', 'exec_done', 'failed', 'dep_fail']);
    // Every transition: unsched + 4 per try (launched, running, ended) ... read exactly once.
    expect(states.transitions).toBeGreaterThanOrEqual(mixed.total + 3 * mixed.tries);
  });

  it('rejects a bad bucket count with 400 and a code', async () => {
    const answer = await get(`${run(mixed.runId)}/states?buckets=0`);
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.text)).toMatchObject({ code: 'PARSL_DASHBOARD_BAD_REQUEST', message: expect.stringMatching(/buckets must be a whole number from 1 to 5000/) });
  });
});

describe('timeline', () => {
  it('draws every try as a bar on its executor\'s lane, failed tries marked', async () => {
    const t = await getJson<Timeline>(`${run(mixed.runId)}/timeline`);
    expect(t.mode).toBe('tries');
    expect(t.total).toBe(mixed.tries);
    expect(t.tries).toHaveLength(mixed.tries);
    expect(t.lanes).toEqual([expect.objectContaining({ executor: 'threads', blockId: null, label: 'threads', tries: mixed.tries })]);
    const failed = t.tries!.filter((b) => b[6] === 1);
    expect(failed).toHaveLength(6 + 6 + 2);
    // A bar never overlaps another in the same sub-row.
    const rows = new Map<string, [number, number][]>();
    for (const [lane, slot, start, end] of t.tries!) {
      expect(end).toBeGreaterThanOrEqual(start);
      const key = `${lane}/${slot}`;
      rows.set(key, [...(rows.get(key) ?? []), [start, end]]);
    }
    for (const bars of rows.values()) {
      bars.sort((a, b) => a[0] - b[0]);
      for (let i = 1; i < bars.length; i++) expect(bars[i]![0]).toBeGreaterThanOrEqual(bars[i - 1]![1]);
    }
    expect(Math.max(...t.tries!.map((b) => b[1])) + 1).toBe(t.lanes[0]!.slots);
  });

  it('aggregates into density buckets when more tries are in view than maxBars, keeping the busy time', async () => {
    const full = await getJson<Timeline>(`${run(mixed.runId)}/timeline`);
    const dense = await getJson<Timeline>(`${run(mixed.runId)}/timeline?maxBars=10&buckets=50`);
    expect(dense.mode).toBe('density');
    expect(dense.total).toBe(mixed.tries);
    expect(dense.tries).toBeUndefined();
    expect(dense.cells!.every(([lane, bucket]) => lane === 0 && bucket >= 0 && bucket < 50)).toBe(true);
    // Mean concurrency × bucket width summed over buckets = the tries' total busy time (within rounding).
    const busy = full.tries!.reduce((a, b) => a + (b[3] - b[2]), 0);
    const fromCells = dense.cells!.reduce((a, c) => a + c[2] * dense.bucketMs!, 0);
    expect(Math.abs(fromCells - busy)).toBeLessThan(busy * 0.02 + mixed.tries * dense.bucketMs! / 1000 + 50);
    expect(dense.cells!.reduce((a, c) => a + c[3], 0)).toBe(6 + 6 + 2);
  });

  it('cuts a window: only tries that overlap it', async () => {
    const full = await getJson<Timeline>(`${run(mixed.runId)}/timeline`);
    const starts = full.tries!.map((b) => b[2]).sort((a, b) => a - b);
    const from = starts[Math.floor(starts.length / 2)]!;
    const to = from + 20;
    const part = await getJson<Timeline>(`${run(mixed.runId)}/timeline?from=${from}&to=${to}`);
    const expected = full.tries!.filter((b) => b[2] <= to && b[3] >= from).map((b) => `${b[4]}/${b[5]}`).sort();
    expect(part.tries!.map((b) => `${b[4]}/${b[5]}`).sort()).toEqual(expected);
    expect(part.from).toBe(from);
    expect(part.span).toEqual(full.span);
  });
});

describe('task table', () => {
  it('pages through every task in id order', async () => {
    const first = await tasks('limit=25');
    expect(first.total).toBe(mixed.total);
    expect(first.rows.map((r) => r.taskId)).toEqual(Array.from({ length: 25 }, (_, i) => i));
    const last = await tasks('limit=25&offset=50');
    expect(last.rows.map((r) => r.taskId)).toEqual(Array.from({ length: mixed.total - 50 }, (_, i) => 50 + i));
  });

  it('filters failures: failed, retried, either', async () => {
    const failed = await tasks('failures=failed&limit=500');
    expect(failed.total).toBe(mixed.failedIds.length);
    expect(failed.rows.map((r) => r.taskId).sort((a, b) => a - b)).toEqual([...mixed.failedIds].sort((a, b) => a - b));
    expect(failed.rows.every((r) => r.error !== null)).toBe(true);
    const retried = await tasks('failures=retried&limit=500');
    expect(retried.rows.map((r) => r.taskId).sort((a, b) => a - b)).toEqual([...mixed.retriedIds].sort((a, b) => a - b));
    expect(retried.rows.every((r) => r.tries === 2)).toBe(true);
    const any = await tasks('failures=any&limit=500');
    expect(any.total).toBe(new Set([...mixed.failedIds, ...mixed.retriedIds]).size);
  });

  it('filters by state and by app, and combines filters', async () => {
    const depFail = await tasks('state=dep_fail');
    expect(depFail.total).toBe(mixed.byState.dep_fail);
    expect(depFail.rows.every((r) => r.state === 'dep_fail' && r.app === 'postprocess' && r.tries === 0)).toBe(true);
    const two = await tasks('state=failed,dep_fail&limit=500');
    expect(two.total).toBe(mixed.failedIds.length);
    const echo = await tasks('app=echo');
    expect(echo.rows.map((r) => r.app)).toEqual(Array(5).fill('echo'));
    expect(echo.rows.every((r) => r.kind === 'bash')).toBe(true);
    const both = await tasks('app=broken&failures=failed');
    expect(both.total).toBe(3);
  });

  it('searches a task id or text in the error', async () => {
    const byId = await tasks(`q=${mixed.brokenTask.taskId}`);
    expect(byId.rows.map((r) => r.taskId)).toEqual([mixed.brokenTask.taskId]);
    const byText = await tasks(`q=${encodeURIComponent('out of range')}`);
    // The three broken tasks, and the three that waited for them (a DependencyError names its root cause).
    expect(byText.rows.map((r) => r.app).sort()).toEqual(['broken', 'broken', 'broken', 'postprocess', 'postprocess', 'postprocess']);
    expect(byText.rows.every((r) => r.error!.includes('out of range'))).toBe(true);
    const likeIsLiteral = await tasks(`q=${encodeURIComponent('%_')}`);
    expect(likeIsLiteral.total).toBe(0);
  });

  it('sorts by duration, both ways', async () => {
    const desc = await tasks('sort=duration&order=desc&limit=500');
    const seconds = desc.rows.map((r) => r.seconds ?? -1);
    expect(seconds).toEqual([...seconds].sort((a, b) => b - a));
    const asc = await tasks('sort=duration&order=asc&limit=500');
    expect(asc.rows.map((r) => r.taskId)).not.toEqual(desc.rows.map((r) => r.taskId));
  });

  it('rejects bad parameters with 400', async () => {
    for (const query of ['failures=sometimes', 'sort=colour', 'order=up', 'limit=0', 'limit=501', 'offset=-1', 'state=%3Cscript%3E']) {
      const answer = await get(`${run(mixed.runId)}/tasks?${query}`);
      expect({ query, status: answer.status }).toEqual({ query, status: 400 });
      expect(JSON.parse(answer.text).code).toBe('PARSL_DASHBOARD_BAD_REQUEST');
    }
  });
});

describe('one task', () => {
  it('a task that failed both tries: each try with its error, every state change in order', async () => {
    const d = await getJson<TaskDetail>(`${run(mixed.runId)}/tasks/${mixed.brokenTask.taskId}`);
    expect(d.task).toMatchObject({ taskId: mixed.brokenTask.taskId, app: 'broken', state: 'failed', tries: 2, fullError: expect.stringContaining(mixed.brokenTask.error) });
    expect(d.tries.map((t) => [t.tryId, t.error?.startsWith(mixed.brokenTask.error)])).toEqual([[0, true], [1, true]]);
    expect(d.transitions.map((s) => [s.state, s.tryId])).toEqual([
      ['unsched', 0], ['launched', 0], ['running', 0], ['failed', 0], ['pending', 1], ['launched', 1], ['running', 1], ['failed', 1],
    ]);
    const seqs = d.transitions.map((s) => s.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
  });

  it('a bash task: its stdout and stderr paths', async () => {
    const d = await getJson<TaskDetail>(`${run(mixed.runId)}/tasks/${mixed.bashTask.taskId}`);
    expect(d.task).toMatchObject({ app: 'echo', kind: 'bash', state: 'exec_done', stdout: mixed.bashTask.stdout, stderr: mixed.bashTask.stderr });
  });

  it('a dependency failure: no try, and the task it waited for', async () => {
    const page = await tasks('state=dep_fail&limit=1');
    const d = await getJson<TaskDetail>(`${run(mixed.runId)}/tasks/${page.rows[0]!.taskId}`);
    expect(d.tries).toEqual([]);
    expect(d.dependencies).toHaveLength(1);
    expect(d.dependencies[0]).toMatchObject({ app: 'broken', state: 'failed' });
    expect(d.task.fullError).toMatch(/DependencyError/);
  });

  it('404 for a task the run does not have', async () => {
    const answer = await get(`${run(mixed.runId)}/tasks/99999`);
    expect(answer.status).toBe(404);
    expect(JSON.parse(answer.text).message).toBe(`no task 99999 in workflow run ${mixed.runId}`);
  });
});

describe('resources', () => {
  it('an HTEX run: a sample for every try, and the app that burns CPU uses more of it', async () => {
    const r = await getJson<ResourceSummary>(`${run(htex.runId)}/resources`);
    expect(r.totalTries).toBe(htex.tries);
    expect(r.sampled).toBe(false);
    expect(r.points).toHaveLength(htex.tries);
    expect(new Set(r.appNames)).toEqual(new Set(['nap', 'burn']));
    const byApp = Object.fromEntries(r.apps.map((a) => [a.app, a]));
    expect(byApp.burn!.tries).toBe(2);
    expect(byApp.nap!.tries).toBe(16);
    expect(byApp.burn!.cpuMean).toBeGreaterThan(byApp.nap!.cpuMean);
    expect(r.apps.every((a) => a.rssMax > 1e6)).toBe(true);
    const burnTask = Number(Object.entries(htex.apps).find(([, app]) => app === 'burn')![0]);
    const d = await getJson<TaskDetail>(`${run(htex.runId)}/tasks/${burnTask}`);
    expect(d.resources).toHaveLength(1);
    const samples = d.resources[0]!.samples;
    expect(samples.length).toBeGreaterThan(0);
    // Cumulative CPU never goes down along a try's samples.
    for (let i = 1; i < samples.length; i++) expect(samples[i]![1] + samples[i]![2]).toBeGreaterThanOrEqual(samples[i - 1]![1] + samples[i - 1]![2]);
  });

  it('an HTEX run: each try knows its host, block and manager, and lanes follow the blocks', async () => {
    const page = await getJson<TaskPage>(`${run(htex.runId)}/tasks?limit=100`);
    expect(page.rows.every((r) => r.host !== null && (r.blockId === '0' || r.blockId === '1'))).toBe(true);
    const t = await getJson<Timeline>(`${run(htex.runId)}/timeline`);
    expect(t.lanes.map((l) => [l.label, l.slots])).toEqual([['htex · block 0', 2], ['htex · block 1', 2]]);
    expect(t.lanes.reduce((a, l) => a + l.tries, 0)).toBe(htex.tries);
    const detail = await getJson<WorkflowDetail>(run(htex.runId));
    expect(detail.blocks.map((b) => [b.blockId, b.managers, b.workers])).toEqual([['0', 1, 2], ['1', 1, 2]]);
    expect(detail.hasResources).toBe(true);
  });

  it('answers for a run without samples with empty lists', async () => {
    const r = await getJson<ResourceSummary>(`${run(mixed.runId)}/resources`);
    expect(r).toEqual({ apps: [], appNames: [], points: [], totalTries: 0, sampled: false });
  });
});

describe('HTTP behaviour', () => {
  it('serves the page, its scripts and the chart library from this machine, with security headers', async () => {
    const page = await get(`${base}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    expect(page.headers.get('content-security-policy')).toMatch(/script-src 'self'/);
    expect(page.headers.get('x-frame-options')).toBe('DENY');
    const scripts = [...page.text.matchAll(/<script[^>]*src="([^"]+)"/g)].map((m) => m[1]!);
    expect(scripts).toEqual(['/vendor/echarts.min.js', '/js/main.js']);
    for (const src of [...scripts, '/app.css', '/js/timelineChart.js']) {
      const answer = await get(`${base}${src}`, { headers: { 'accept-encoding': 'gzip' } });
      expect({ src, status: answer.status }).toEqual({ src, status: 200 });
    }
    const lib = await get(`${base}/vendor/echarts.min.js`);
    expect(lib.text.length).toBeGreaterThan(500_000);
    expect(lib.headers.get('cache-control')).toMatch(/max-age=86400/);
    expect(page.text).not.toMatch(/https?:\/\//);
  });

  it('answers 304 to a revalidation', async () => {
    const first = await get(`${base}/app.css`);
    const again = await get(`${base}/app.css`, { headers: { 'if-none-match': first.headers.get('etag')! } });
    expect(again.status).toBe(304);
  });

  it('refuses other methods, unknown paths and path tricks', async () => {
    const post = await get(`${base}/api/workflows`, { method: 'POST', body: '{}' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
    for (const path of ['/js/../../package.json', '/js/%2e%2e%2fpackage.json', '/ui/index.html', '/api/nothing', '/js/main.ts']) {
      expect({ path, status: (await get(`${base}${path}`)).status }).toEqual({ path, status: 404 });
    }
  });

  it('refuses requests addressed to another host name (DNS rebinding)', async () => {
    const { request } = await import('node:http');
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(`${base}/api/workflows`, { headers: { host: 'attacker.example:8080' } }, (res) => { res.resume(); resolve(res.statusCode!); });
      req.on('error', reject);
      req.end();
    });
    expect(status).toBe(403);
    expect((await get(`${base.replace('127.0.0.1', 'localhost')}/api/info`)).status).toBe(200);
  });
});
