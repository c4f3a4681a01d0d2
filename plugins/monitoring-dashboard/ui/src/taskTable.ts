// The task table: filters (state, app, failures, search), sortable columns and pages, all
// answered by the server, so it is as quick for 100,000 tasks as for 10.
import { api, type TaskPage, type WorkflowDetail } from './api.js';
import { h, replace } from './dom.js';
import { count, dateTime, duration } from './format.js';
import { byStateOrder, stateColor, stateTone } from './states.js';

/** The table's filters, order and page. */
export interface TaskFilters {
  state: string;
  app: string;
  failures: string;
  q: string;
  sort: string;
  order: 'asc' | 'desc';
  offset: number;
  limit: number;
}

const DEFAULTS: TaskFilters = { state: '', app: '', failures: '', q: '', sort: 'id', order: 'asc', offset: 0, limit: 25 };

const COLUMNS: { key: string; label: string; sort?: string; num?: boolean }[] = [
  { key: 'id', label: 'Task', sort: 'id', num: true },
  { key: 'app', label: 'App', sort: 'app' },
  { key: 'state', label: 'State', sort: 'state' },
  { key: 'tries', label: 'Tries', sort: 'tries', num: true },
  { key: 'where', label: 'Executor / block' },
  { key: 'host', label: 'Host' },
  { key: 'submitted', label: 'Submitted', sort: 'submitted' },
  { key: 'duration', label: 'Duration', sort: 'duration', num: true },
  { key: 'error', label: 'Error' },
];

/** A state badge. */
export function stateBadge(state: string): HTMLElement {
  return h('span', { class: `badge ${stateTone(state)}`, 'data-state': state }, h('span', { class: 'dot', style: `background:${stateColor(state)}` }), state);
}

/** The task table of a workflow page. */
export class TaskTable {
  readonly filters: TaskFilters = { ...DEFAULTS };
  private readonly tbody = h('tbody');
  private readonly thead = h('thead');
  private readonly pager = h('div', { class: 'pager' });
  private readonly stateSelect: HTMLSelectElement;
  private readonly appSelect: HTMLSelectElement;
  private readonly failureSelect: HTMLSelectElement;
  private readonly search: HTMLInputElement;
  private abort: AbortController | undefined;
  private searchTimer = 0;
  private selected: number | undefined;
  readonly element: HTMLElement;

  constructor(private readonly runId: string, detail: WorkflowDetail, private readonly onTask: (taskId: number) => void) {
    const states = Object.entries(detail.workflow.tasks.byState).sort(([a], [b]) => byStateOrder(a, b));
    this.stateSelect = h('select', { 'data-testid': 'task-filter-state', 'aria-label': 'State', onchange: () => this.set({ state: this.stateSelect.value }) },
      h('option', { value: '' }, `All states (${count(detail.workflow.tasks.total)})`),
      states.map(([state, n]) => h('option', { value: state }, `${state} (${count(n)})`)));
    this.appSelect = h('select', { 'data-testid': 'task-filter-app', 'aria-label': 'App', onchange: () => this.set({ app: this.appSelect.value }) },
      h('option', { value: '' }, 'All apps'),
      detail.apps.map((a) => h('option', { value: a.app }, `${a.app} (${count(a.tasks.total)})`)));
    this.failureSelect = h('select', { 'data-testid': 'task-filter-failures', 'aria-label': 'Failures', onchange: () => this.set({ failures: this.failureSelect.value }) },
      h('option', { value: '' }, 'Any outcome'),
      h('option', { value: 'failed' }, `Failed (${count(detail.workflow.tasks.failed)})`),
      h('option', { value: 'retried' }, `Retried (${count(detail.tries.retriedTasks)})`),
      h('option', { value: 'any' }, 'Failed or retried'));
    this.search = h('input', {
      type: 'search', placeholder: 'Task id or text in the error', 'data-testid': 'task-search', 'aria-label': 'Search',
      oninput: () => {
        clearTimeout(this.searchTimer);
        this.searchTimer = window.setTimeout(() => this.set({ q: this.search.value }), 250);
      },
    });
    const clear = h('button', { type: 'button', onclick: () => this.reset() }, 'Clear filters');
    this.element = h('div', {},
      h('div', { class: 'filters' }, this.stateSelect, this.appSelect, this.failureSelect, this.search, clear),
      h('div', { class: 'table-wrap' }, h('table', { class: 'data', 'data-testid': 'task-table' }, this.thead, this.tbody)),
      this.pager);
    this.renderHead();
  }

  /** Change filters (back to the first page unless the page itself changes) and reload. */
  set(change: Partial<TaskFilters>): void {
    Object.assign(this.filters, 'offset' in change ? change : { ...change, offset: 0 });
    this.stateSelect.value = this.filters.state;
    this.appSelect.value = this.filters.app;
    this.failureSelect.value = this.filters.failures;
    if (this.search.value !== this.filters.q) this.search.value = this.filters.q;
    this.renderHead();
    void this.load();
  }

  /** Mark the row of the task shown in the drawer. */
  select(taskId: number | undefined): void {
    this.selected = taskId;
    for (const row of this.tbody.querySelectorAll('tr')) row.classList.toggle('selected', Number(row.dataset.taskId) === taskId);
  }

  private reset(): void {
    this.set({ state: '', app: '', failures: '', q: '' });
  }

  /** Fetch and show the current page. */
  async load(): Promise<void> {
    this.abort?.abort();
    const abort = (this.abort = new AbortController());
    const f = this.filters;
    this.element.dataset.loading = 'true';
    try {
      const page = await api.tasks(this.runId, {
        state: f.state || undefined, app: f.app || undefined, failures: f.failures || undefined, q: f.q || undefined,
        sort: f.sort, order: f.order, offset: f.offset, limit: f.limit,
      }, abort.signal);
      if (abort.signal.aborted) return;
      this.renderRows(page);
    } catch (error) {
      if ((error as Error).name === 'AbortError') return;
      replace(this.tbody, h('tr', {}, h('td', { colspan: COLUMNS.length, class: 'wrap' }, h('div', { class: 'error-box' }, (error as Error).message))));
    } finally {
      if (this.abort === abort) delete this.element.dataset.loading;
    }
  }

  private renderHead(): void {
    replace(this.thead, h('tr', {}, COLUMNS.map((c) => {
      const active = c.sort !== undefined && this.filters.sort === c.sort;
      return h('th', {
        class: [c.sort ? 'sortable' : '', c.num ? 'num' : ''].join(' ').trim() || undefined,
        'aria-sort': active ? (this.filters.order === 'asc' ? 'ascending' : 'descending') : undefined,
        onclick: c.sort ? () => this.set({ sort: c.sort!, order: active && this.filters.order === 'asc' ? 'desc' : active ? 'asc' : c.sort === 'duration' || c.sort === 'tries' ? 'desc' : 'asc' }) : undefined,
      }, c.label, active ? h('span', { class: 'arrow' }, this.filters.order === 'asc' ? '▲' : '▼') : null);
    })));
  }

  private renderRows(page: TaskPage): void {
    this.element.dataset.total = String(page.total);
    if (page.rows.length === 0) {
      replace(this.tbody, h('tr', {}, h('td', { colspan: COLUMNS.length, class: 'empty' }, 'No task matches these filters.')));
    } else {
      replace(this.tbody, page.rows.map((t) => h('tr', {
        class: `clickable${t.taskId === this.selected ? ' selected' : ''}`, 'data-task-id': t.taskId, 'data-testid': 'task-row',
        onclick: () => this.onTask(t.taskId),
      },
      h('td', { class: 'num mono' }, String(t.taskId)),
      h('td', {}, t.app, t.kind && t.kind !== 'function' ? h('span', { class: 'muted' }, ` · ${t.kind}`) : null),
      h('td', {}, stateBadge(t.state)),
      h('td', { class: 'num' }, t.tries > 1 ? h('span', { class: 'badge warn' }, String(t.tries)) : String(t.tries)),
      h('td', {}, t.executor, t.blockId !== null ? h('span', { class: 'muted' }, ` · ${t.blockId}`) : null),
      h('td', {}, t.host ?? h('span', { class: 'muted' }, '—')),
      h('td', {}, dateTime(t.submitted)),
      h('td', { class: 'num' }, duration(t.seconds)),
      h('td', { class: 'error', title: t.error ?? '' }, t.error ?? ''))));
    }
    const first = page.total === 0 ? 0 : page.offset + 1;
    const last = page.offset + page.rows.length;
    const sizes = h('select', { 'aria-label': 'Rows per page', onchange: () => this.set({ limit: Number(sizes.value) }) },
      [25, 50, 100, 200].map((n) => h('option', { value: n, selected: n === page.limit }, `${n} per page`)));
    replace(this.pager,
      h('span', { 'data-testid': 'task-total' }, `${count(first)}–${count(last)} of ${count(page.total)} tasks`),
      h('span', { class: 'spacer' }),
      sizes,
      h('button', { type: 'button', disabled: page.offset === 0, 'data-testid': 'page-prev', onclick: () => this.set({ offset: Math.max(0, page.offset - page.limit) }) }, '← Previous'),
      h('button', { type: 'button', disabled: last >= page.total, 'data-testid': 'page-next', onclick: () => this.set({ offset: page.offset + page.limit }) }, 'Next →'));
  }
}
