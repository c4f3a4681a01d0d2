// The task detail drawer: facts, the error, the output paths, every try, every state change,
// the dependencies and the resource samples of one task.
import { api, type TaskDetail } from './api.js';
import { disposeCharts } from './charts.js';
import { h, replace } from './dom.js';
import { clock, count, dateTime, duration } from './format.js';
import { renderTaskResources } from './resourceCharts.js';
import { stateBadge } from './taskTable.js';

function card(title: string, ...body: (Node | string | null)[]): HTMLElement {
  return h('section', { class: 'card' }, h('header', {}, h('h2', {}, title)), h('div', { class: 'body' }, ...body));
}

function pathLine(label: string, path: string | null): HTMLElement {
  if (path === null) return h('div', { class: 'path' }, h('span', { class: 'hint' }, `${label}: not redirected`));
  const button = h('button', { type: 'button', class: 'chip', onclick: () => {
    void navigator.clipboard?.writeText(path).then(() => { button.textContent = 'copied'; }, () => undefined);
  } }, 'copy');
  return h('div', { class: 'path', 'data-testid': `task-${label}` }, h('span', { class: 'hint' }, `${label}:`), h('code', {}, path), button);
}

/** The drawer element and its behaviour. */
export class TaskDrawer {
  private readonly drawer = document.getElementById('drawer') as HTMLElement;
  private readonly scrim = document.getElementById('scrim') as HTMLElement;
  private token = 0;

  constructor(private readonly onClose: () => void, private readonly onTask: (taskId: number) => void) {
    this.scrim.onclick = () => this.onClose();
    document.addEventListener('keydown', (e) => {
      if (e.key === 'Escape' && !this.drawer.hidden) this.onClose();
    });
  }

  /** Show one task (loading it). */
  async open(runId: string, taskId: number): Promise<void> {
    const token = ++this.token;
    this.drawer.hidden = false;
    this.scrim.hidden = false;
    disposeCharts(this.drawer);
    replace(this.drawer, this.head(`Task ${taskId}`), h('div', { class: 'drawer-body' }, h('div', { class: 'loading' }, 'Loading…')));
    try {
      const detail = await api.task(runId, taskId);
      if (token !== this.token) return;
      this.render(detail);
    } catch (error) {
      if (token !== this.token) return;
      replace(this.drawer, this.head(`Task ${taskId}`), h('div', { class: 'drawer-body' }, h('div', { class: 'error-box' }, (error as Error).message)));
    }
  }

  /** Hide the drawer. */
  close(): void {
    this.token++;
    disposeCharts(this.drawer);
    this.drawer.hidden = true;
    this.scrim.hidden = true;
    replace(this.drawer);
  }

  private head(title: string, ...extra: (Node | null)[]): HTMLElement {
    return h('div', { class: 'drawer-head' }, h('h2', { 'data-testid': 'drawer-title' }, title), ...extra,
      h('button', { type: 'button', class: 'close', 'aria-label': 'Close', 'data-testid': 'drawer-close', onclick: () => this.onClose() }, 'Close ✕'));
  }

  private render(d: TaskDetail): void {
    const t = d.task;
    const facts = h('dl', { class: 'facts' },
      h('dt', {}, 'App'), h('dd', {}, t.app, t.kind ? h('span', { class: 'hint' }, ` (${t.kind} app)`) : null),
      h('dt', {}, 'Executor'), h('dd', {}, t.executor),
      h('dt', {}, 'State'), h('dd', {}, stateBadge(t.state)),
      h('dt', {}, 'Tries'), h('dd', { 'data-testid': 'task-tries' }, String(t.tries)),
      h('dt', {}, 'Submitted'), h('dd', {}, dateTime(t.submitted)),
      h('dt', {}, 'Finished'), h('dd', {}, t.completed === null ? h('span', { class: 'hint' }, 'not yet') : dateTime(t.completed)),
      h('dt', {}, 'Duration'), h('dd', {}, duration(t.seconds), h('span', { class: 'hint' }, ' from submission to final state')),
      h('dt', {}, 'Ran on'), h('dd', {}, t.host ?? '—', t.blockId !== null ? h('span', { class: 'hint' }, ` · block ${t.blockId}`) : null),
      h('dt', {}, 'Memoization'), h('dd', {}, t.cache ? 'asked for (cache: true)' : 'off'));

    const where = (r: TaskDetail['tries'][number]): string =>
      [r.executor, r.blockId !== null ? `block ${r.blockId}` : null, r.host].filter((x) => x !== null).join(' · ');
    const tries = h('div', { class: 'table-wrap' }, h('table', { class: 'data', 'data-testid': 'tries-table' },
      h('thead', {}, h('tr', {}, ['Try', 'Where', 'Launched', 'Started', 'Ended', 'Returned', 'Ran'].map((c, i) => h('th', { class: i === 0 || i === 6 ? 'num' : undefined }, c)))),
      h('tbody', {}, d.tries.length === 0
        ? h('tr', {}, h('td', { colspan: 7, class: 'empty' }, 'Never launched (no try).'))
        : d.tries.flatMap((r) => {
          const end = r.ended ?? r.returned;
          const row = h('tr', { 'data-try-id': r.tryId },
            h('td', { class: 'num' }, String(r.tryId)), h('td', {}, where(r)),
            h('td', { class: 'mono' }, clock(r.launched)), h('td', { class: 'mono' }, clock(r.started)),
            h('td', { class: 'mono' }, clock(r.ended)), h('td', { class: 'mono' }, clock(r.returned)),
            h('td', { class: 'num' }, r.started !== null && end !== null ? duration((end - r.started) / 1000) : '—'));
          return r.error === null ? [row] : [row, h('tr', { class: 'try-error' }, h('td', {}), h('td', { colspan: 6, class: 'wrap' }, h('code', {}, r.error)))];
        }))));

    const transitions = h('ol', { class: 'transitions', 'data-testid': 'transitions' }, d.transitions.map((s) => h('li', {},
      h('span', { class: 't', title: dateTime(s.time) }, `+${duration((s.time - t.submitted) / 1000)}`),
      h('span', {}, stateBadge(s.state)),
      h('span', { class: 'hint' }, `try ${s.tryId}`, s.error ? h('span', { style: 'color:#991b1b' }, ` · ${s.error.split('\n', 1)[0]}`) : null))));

    const resourceEl = h('div', { class: 'chart short', 'data-testid': 'task-resources-chart' });
    const parts: (HTMLElement | null)[] = [
      card('Task', facts),
      t.fullError ? card('Error', h('pre', { class: 'error-text', 'data-testid': 'task-error' }, t.fullError)) : null,
      card('Output', pathLine('stdout', t.stdout), pathLine('stderr', t.stderr)),
      card(`Tries (${count(d.tries.length)})`, tries),
      card(`State changes (${count(d.transitions.length)})`, transitions),
      d.dependencies.length > 0
        ? card(`Depends on (${count(d.dependencies.length)})`, h('div', { class: 'deps' }, d.dependencies.map((dep) => h('button', {
          type: 'button', class: 'chip', title: dep.app ?? '', onclick: () => this.onTask(dep.taskId),
        }, `#${dep.taskId} `, dep.state ?? '?'))))
        : null,
      d.resources.length > 0 ? card('Resources', resourceEl) : null,
    ];
    replace(this.drawer, this.head(`Task ${t.taskId}`, stateBadge(t.state)), h('div', { class: 'drawer-body', 'data-testid': 'task-detail' }, ...parts));
    if (d.resources.length > 0) renderTaskResources(resourceEl, d);
  }
}
