// The first page: every workflow run in the database, newest first.
import { api, type TaskCounts, type WorkflowListItem } from './api.js';
import { h, replace } from './dom.js';
import { count, dateTime, duration } from './format.js';
import { stateColor } from './states.js';

/** The status badge of a run. */
export function workflowStatus(w: WorkflowListItem): HTMLElement {
  if (w.status !== 'completed') return h('span', { class: 'badge run', 'data-testid': 'workflow-status' }, h('span', { class: 'dot' }), w.status);
  if (w.tasks.failed > 0) return h('span', { class: 'badge warn', 'data-testid': 'workflow-status' }, h('span', { class: 'dot' }), `completed · ${count(w.tasks.failed)} failed`);
  return h('span', { class: 'badge ok', 'data-testid': 'workflow-status' }, h('span', { class: 'dot' }), 'completed');
}

/** A thin bar of a run's tasks by state, and the done/failed/active counts under it. */
export function stateBar(tasks: TaskCounts): HTMLElement {
  const total = Math.max(1, tasks.total);
  return h('div', {},
    h('div', { class: 'statebar', title: Object.entries(tasks.byState).map(([s, n]) => `${s}: ${count(n)}`).join('\n') },
      Object.entries(tasks.byState).map(([state, n]) => h('span', { style: `width:${(100 * n) / total}%;background:${stateColor(state)}` }))),
    h('div', { class: 'counts' },
      h('span', {}, h('b', {}, count(tasks.total)), ' tasks'),
      h('span', {}, h('b', {}, count(tasks.done)), ' done'),
      tasks.failed > 0 ? h('span', { style: 'color:#b91c1c' }, h('b', { style: 'color:#b91c1c' }, count(tasks.failed)), ' failed') : null,
      tasks.active > 0 ? h('span', {}, h('b', {}, count(tasks.active)), ' active') : null));
}

/** Render the list into `root`. */
export async function renderWorkflowList(root: HTMLElement): Promise<void> {
  const { workflows } = await api.workflows();
  const rows = workflows.map((w) => {
    const href = `#/run/${encodeURIComponent(w.runId)}`;
    const end = w.completed ?? w.lastActivity;
    return h('tr', { class: 'clickable', 'data-run-id': w.runId, 'data-testid': 'workflow-row', onclick: (e: Event) => {
      if ((e.target as HTMLElement).closest('a')) return;
      location.hash = href.slice(1);
    } },
    h('td', {}, h('a', { href, class: 'workflow-name', 'data-testid': 'workflow-link' }, w.name), h('div', { class: 'run-id' }, w.runId)),
    h('td', {}, workflowStatus(w)),
    h('td', {}, dateTime(w.began)),
    h('td', { class: 'num' }, end === null ? '—' : duration((end - w.began) / 1000)),
    h('td', { 'data-testid': 'workflow-tasks', 'data-total': w.tasks.total }, stateBar(w.tasks)),
    h('td', {}, `${w.user}@${w.host}`, h('div', { class: 'run-id' }, w.runDir)));
  });
  replace(root,
    h('div', { class: 'page-head' }, h('div', {}, h('h1', {}, 'Workflows'),
      h('div', { class: 'meta' }, h('span', {}, `${count(workflows.length)} run${workflows.length === 1 ? '' : 's'} recorded in this database`)))),
    h('section', { class: 'card' }, workflows.length === 0
      ? h('div', { class: 'empty' }, 'No workflow has been recorded in this database yet. Run a workflow with MonitoringHub in its config; it appears here as soon as it starts.')
      : h('div', { class: 'table-wrap' }, h('table', { class: 'data', 'data-testid': 'workflow-table' },
        h('thead', {}, h('tr', {}, ['Workflow', 'Status', 'Started', 'Duration', 'Tasks', 'Run by'].map((c, i) => h('th', { class: i === 3 ? 'num' : undefined }, c)))),
        h('tbody', {}, rows)))));
}
