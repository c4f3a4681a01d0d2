// One workflow: key figures, tasks by state over time, the timeline, apps, the task table,
// resources and blocks. A running workflow refreshes every few seconds.
import { api, type WorkflowDetail } from './api.js';
import { appColors, mountChart, type AppColors } from './charts.js';
import { h, replace } from './dom.js';
import { count, dateTime, duration } from './format.js';
import { renderAppResources, renderTryScatter } from './resourceCharts.js';
import { renderStatesChart } from './statesChart.js';
import { stateBadge, TaskTable } from './taskTable.js';
import { TimelineChart } from './timelineChart.js';
import { workflowStatus } from './workflowList.js';

const REFRESH_MS = 5000;

function kpi(label: string, value: string, tone: string, note?: string, testid?: string): HTMLElement {
  return h('div', { class: `kpi ${tone}`, 'data-testid': testid }, h('div', { class: 'label' }, label), h('div', { class: 'value' }, value), note ? h('div', { class: 'note' }, note) : null);
}

function card(title: string, sub: string | Node | null, body: Node | Node[], options: { testid?: string; tools?: Node; flush?: boolean } = {}): HTMLElement {
  return h('section', { class: 'card section', 'data-testid': options.testid },
    h('header', {}, h('h2', {}, title), sub === null ? null : h('span', { class: 'sub' }, sub), options.tools ? h('div', { class: 'tools' }, options.tools) : null),
    h('div', { class: options.flush ? 'body flush' : 'body' }, body));
}

/** The page of one workflow. */
export class WorkflowPage {
  private timer = 0;
  private detail: WorkflowDetail | undefined;
  private table: TaskTable | undefined;
  private timeline: TimelineChart | undefined;
  private statesChart: ReturnType<typeof mountChart> | undefined;
  private colorOf: AppColors = appColors([]);
  private readonly kpis = h('div', { class: 'kpis', 'data-testid': 'kpis' });
  private readonly head = h('div', { class: 'page-head' });
  private readonly statesEl = h('div', { class: 'chart', 'data-testid': 'states-chart' });

  constructor(private readonly root: HTMLElement, readonly runId: string, private readonly onTask: (taskId: number) => void) {}

  /** Load and render everything. */
  async render(): Promise<void> {
    const detail = await api.workflow(this.runId);
    this.detail = detail;
    this.colorOf = appColors(detail.apps.map((a) => a.app));
    const timelineEl = h('div', { class: 'chart tall', 'data-testid': 'timeline-chart' });
    const timelineStatus = h('div', { 'data-testid': 'timeline-status' });
    const timelineLegend = h('div', { class: 'legend-note' });
    this.table = new TaskTable(this.runId, detail, this.onTask);
    const appsTable = this.appsTable(detail);
    const resourceBody = detail.hasResources
      ? [h('div', { class: 'grid two' }, h('div', { class: 'chart short', 'data-testid': 'app-cpu-chart' }), h('div', { class: 'chart short', 'data-testid': 'app-memory-chart' })),
        h('div', { class: 'chart', 'data-testid': 'try-scatter-chart' })]
      : [h('div', { class: 'empty' }, 'No resource samples were recorded for this run. Turn on resource monitoring in MonitoringHub to see CPU time, memory and I/O per task.')];
    replace(this.root,
      this.head, this.kpis,
      h('div', { class: 'grid two' },
        card('Tasks by state over time', null, this.statesEl, { testid: 'states-card' }),
        card('Apps', `${count(detail.apps.length)} app${detail.apps.length === 1 ? '' : 's'}`, appsTable, { testid: 'apps-card', flush: true })),
      card('Timeline', 'tries per executor and block', [timelineStatus, timelineEl, timelineLegend], { testid: 'timeline-card' }),
      card('Tasks', null, this.table.element, { testid: 'tasks-card', flush: true }),
      card('Resources', detail.hasResources ? 'per app and per try' : null, resourceBody, { testid: 'resources-card' }),
      detail.blocks.length > 0 ? card('Blocks', `${count(detail.blocks.length)}`, this.blocksTable(detail), { testid: 'blocks-card', flush: true }) : null);
    this.renderHead(detail);
    this.timeline = new TimelineChart(timelineEl, timelineStatus, timelineLegend, this.runId, this.onTask, this.colorOf);
    await Promise.all([
      this.loadStates(),
      this.timeline.load(),
      this.table.load(),
      detail.hasResources ? this.loadResources() : Promise.resolve(),
    ]);
    this.root.dataset.ready = 'true';
    this.scheduleRefresh();
  }

  /** Stop refreshing (the page is left). */
  dispose(): void {
    clearTimeout(this.timer);
  }

  /** Mark the task shown in the drawer. */
  selectTask(taskId: number | undefined): void {
    this.table?.select(taskId);
  }

  /** Filter the task table (used by the apps table and the KPIs). */
  filterTasks(change: Parameters<TaskTable['set']>[0]): void {
    this.table?.set(change);
    this.root.querySelector('[data-testid="tasks-card"]')?.scrollIntoView({ behavior: 'smooth', block: 'start' });
  }

  private scheduleRefresh(): void {
    if (this.detail?.workflow.status === 'completed') return;
    this.timer = window.setTimeout(() => void this.refresh(), REFRESH_MS);
  }

  private async refresh(): Promise<void> {
    try {
      const detail = await api.workflow(this.runId);
      this.detail = detail;
      this.renderHead(detail);
      await Promise.all([this.loadStates(), this.table?.load(), this.timeline?.load()]);
    } catch {
      // The next refresh tries again.
    }
    this.scheduleRefresh();
  }

  private async loadStates(): Promise<void> {
    const states = await api.states(this.runId);
    this.statesChart = renderStatesChart(this.statesEl, states, this.statesChart);
    this.statesEl.dataset.transitions = String(states.transitions);
    const last = Object.fromEntries(states.series.map((s) => [s.state, s.counts[s.counts.length - 1] ?? 0]));
    this.statesEl.dataset.final = JSON.stringify(last);
  }

  private async loadResources(): Promise<void> {
    const data = await api.resources(this.runId);
    const cpu = this.root.querySelector<HTMLElement>('[data-testid="app-cpu-chart"]')!;
    const mem = this.root.querySelector<HTMLElement>('[data-testid="app-memory-chart"]')!;
    renderAppResources(cpu, mem, data);
    renderTryScatter(this.root.querySelector<HTMLElement>('[data-testid="try-scatter-chart"]')!, data, this.onTask, this.colorOf);
  }

  private renderHead(d: WorkflowDetail): void {
    const w = d.workflow;
    const end = w.completed ?? w.lastActivity;
    replace(this.head,
      h('div', {},
        h('h1', { 'data-testid': 'workflow-title' }, w.name, ' ', workflowStatus(w), w.status !== 'completed' ? h('span', { class: 'live', style: 'margin-left:10px' }, 'live') : null),
        h('div', { class: 'meta' },
          h('span', { class: 'mono' }, w.runId),
          h('span', {}, `started ${dateTime(w.began)}`),
          h('span', {}, w.completed !== null ? `ended ${dateTime(w.completed)} · ${duration((w.completed - w.began) / 1000)}` : end !== null ? `last activity ${dateTime(end)}` : 'no task yet'),
          h('span', {}, `${w.user}@${w.host}`),
          h('span', {}, `core ${w.coreVersion}`),
          h('span', { class: 'mono', title: 'run directory' }, w.runDir))));
    const t = w.tasks;
    const wall = ((w.completed ?? end ?? w.began) - w.began) / 1000;
    replace(this.kpis,
      kpi('Tasks', count(t.total), 'accent', wall > 0 ? `${count(Math.round(t.total / wall))} per second` : undefined, 'kpi-total'),
      kpi('Done', count(t.done), 'ok', t.byState.memo_done ? `${count(t.byState.memo_done)} from memo` : undefined, 'kpi-done'),
      kpi('Failed', count(t.failed), t.failed > 0 ? 'bad' : '', t.byState.dep_fail ? `${count(t.byState.dep_fail)} dependency failures` : undefined, 'kpi-failed'),
      t.active > 0 ? kpi('Active', count(t.active), 'run', 'not finished yet', 'kpi-active') : null,
      kpi('Retried', count(d.tries.retriedTasks), d.tries.retriedTasks > 0 ? 'warn' : '', `${count(d.tries.failed)} failed tr${d.tries.failed === 1 ? 'y' : 'ies'} of ${count(d.tries.total)}`, 'kpi-retried'),
      kpi('Apps', count(d.apps.length), '', d.executors.map((e) => e.executor).join(', ') || undefined),
      d.blocks.length > 0 ? kpi('Blocks', count(d.blocks.length), '', `${count(d.blocks.reduce((a, b) => a + b.managers, 0))} nodes`) : null);
  }

  private appsTable(d: WorkflowDetail): HTMLElement {
    return h('div', { class: 'table-wrap' }, h('table', { class: 'data', 'data-testid': 'apps-table' },
      h('thead', {}, h('tr', {}, [
        ['App', ''], ['Tasks', ''], ['Done', ''], ['Failed', 'ended failed or dep_fail'],
        ['Mean total', 'mean time from submission to a final state'], ['Mean run', 'mean run time of its tries'], ['Failed tries', ''],
      ].map(([c, title], i) => h('th', { class: i > 0 ? 'num' : undefined, title: title || undefined }, c)))),
      h('tbody', {}, d.apps.map((a) => h('tr', { class: 'clickable', 'data-app': a.app, title: `show the tasks of ${a.app}`, onclick: () => this.filterTasks({ app: a.app }) },
        h('td', {}, h('i', { class: 'swatch', style: `background:${this.colorOf(a.app)}` }), a.app, a.kind && a.kind !== 'function' ? h('span', { class: 'muted' }, ` · ${a.kind}`) : null),
        h('td', { class: 'num' }, count(a.tasks.total)),
        h('td', { class: 'num' }, count(a.tasks.done)),
        h('td', { class: 'num' }, a.tasks.failed > 0 ? h('span', { class: 'badge bad' }, count(a.tasks.failed)) : '0'),
        h('td', { class: 'num' }, duration(a.meanSeconds)),
        h('td', { class: 'num' }, duration(a.meanRunSeconds)),
        h('td', { class: 'num' }, count(a.failedTries)))))));
  }

  private blocksTable(d: WorkflowDetail): HTMLElement {
    return h('div', { class: 'table-wrap' }, h('table', { class: 'data', 'data-testid': 'blocks-table' },
      h('thead', {}, h('tr', {}, ['Executor', 'Block', 'Job', 'State', 'Nodes', 'Workers', 'First seen', 'Last seen', 'Message'].map((c) => h('th', {}, c)))),
      h('tbody', {}, d.blocks.map((b) => h('tr', {},
        h('td', {}, b.executor), h('td', {}, b.blockId), h('td', { class: 'mono' }, b.jobId ?? '—'), h('td', {}, stateBadge(b.state)),
        h('td', { class: 'num' }, count(b.managers)), h('td', { class: 'num' }, count(b.workers)),
        h('td', {}, dateTime(b.first)), h('td', {}, dateTime(b.last)), h('td', { class: 'wrap' }, b.message ?? ''))))));
  }
}

