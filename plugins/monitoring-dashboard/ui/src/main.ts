// The single-page app: a hash router between the workflow list, a workflow's page and the task
// drawer (#/, #/run/<runId>, #/run/<runId>/task/<taskId>), so every view has a link.
import { api } from './api.js';
import { disposeCharts } from './charts.js';
import { h, replace } from './dom.js';
import { TaskDrawer } from './taskDrawer.js';
import { renderWorkflowList } from './workflowList.js';
import { WorkflowPage } from './workflowPage.js';

const root = document.getElementById('app') as HTMLElement;
const crumbs = document.getElementById('crumbs') as HTMLElement;
let page: WorkflowPage | undefined;

interface Route { runId?: string; taskId?: number }

function parse(hash: string): Route {
  const m = /^#\/run\/([^/]+)(?:\/task\/(\d+))?\/?$/.exec(hash);
  if (!m) return {};
  return { runId: decodeURIComponent(m[1]!), taskId: m[2] === undefined ? undefined : Number(m[2]) };
}

function runHref(runId: string): string {
  return `#/run/${encodeURIComponent(runId)}`;
}

const drawer = new TaskDrawer(
  () => {
    const { runId } = parse(location.hash);
    if (runId !== undefined) location.hash = runHref(runId);
  },
  (taskId) => {
    const { runId } = parse(location.hash);
    if (runId !== undefined) location.hash = `${runHref(runId)}/task/${taskId}`;
  },
);

function showError(error: unknown): void {
  replace(root, h('div', { class: 'error-box', 'data-testid': 'page-error' }, error instanceof Error ? error.message : String(error)),
    h('p', {}, h('a', { href: '#/' }, '← All workflows')));
}

async function route(): Promise<void> {
  const { runId, taskId } = parse(location.hash);
  if (runId === undefined) {
    drawer.close();
    page?.dispose();
    page = undefined;
    disposeCharts();
    delete root.dataset.ready;
    replace(crumbs, h('span', { class: 'current' }, 'Workflows'));
    replace(root, h('div', { class: 'loading' }, 'Loading…'));
    await renderWorkflowList(root).catch(showError);
    root.dataset.ready = 'true';
    return;
  }
  if (page?.runId !== runId) {
    drawer.close();
    page?.dispose();
    disposeCharts();
    delete root.dataset.ready;
    replace(root, h('div', { class: 'loading' }, 'Loading…'));
    page = new WorkflowPage(root, runId, (id) => { location.hash = `${runHref(runId)}/task/${id}`; });
    replace(crumbs, h('a', { href: '#/' }, 'Workflows'), h('span', { class: 'sep' }, '›'), h('span', { class: 'current' }, runId));
    const current = page;
    try {
      await current.render();
      const name = current === page ? (root.querySelector('[data-testid="workflow-title"]')?.firstChild?.textContent ?? runId) : runId;
      replace(crumbs, h('a', { href: '#/' }, 'Workflows'), h('span', { class: 'sep' }, '›'), h('span', { class: 'current', title: runId }, name));
    } catch (error) {
      if (current === page) showError(error);
      return;
    }
  }
  if (taskId === undefined) {
    drawer.close();
    page?.selectTask(undefined);
  } else {
    page?.selectTask(taskId);
    await drawer.open(runId, taskId);
  }
}

async function start(): Promise<void> {
  try {
    const info = await api.info();
    replace(document.getElementById('dbinfo') as HTMLElement, h('code', { title: info.database }, info.database), ` · schema v${info.schemaVersion} · dashboard ${info.dashboardVersion}`);
  } catch (error) {
    showError(error);
    return;
  }
  window.addEventListener('hashchange', () => void route());
  await route();
}

void start();
