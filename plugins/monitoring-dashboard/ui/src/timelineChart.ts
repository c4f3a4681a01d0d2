// The Gantt/timeline of tries per executor/block. The server sends either the tries of the
// window as bars, or (when there are too many) per-lane buckets of mean concurrency; zooming
// asks the server for the new window, so the browser never holds more than a few thousand items.
import type { ECharts } from 'echarts';
import { api, type Timeline } from './api.js';
import { AXIS, esc, mountChart, TEXT, TOOLTIP, type AppColors } from './charts.js';
import { append, h, replace } from './dom.js';
import { clock, count, duration } from './format.js';
import { FAILED_COLOR, UNFINISHED_COLOR } from './states.js';

interface RenderAPI {
  value(dim: number): number;
  coord(point: [number, number]): [number, number];
  size(value: [number, number]): [number, number];
  style(extra?: Record<string, unknown>): Record<string, unknown>;
}
interface RenderParams { coordSys: { x: number; y: number; width: number; height: number } }

const OUTCOME = ['ok', 'failed', 'unfinished'];

/** A timeline card's chart: created once per workflow page, then fed windows. */
export class TimelineChart {
  private readonly chart: ECharts;
  private data: Timeline | undefined;
  private zoomTimer = 0;
  private abort: AbortController | undefined;
  private lastWindow: [number, number] | undefined;

  constructor(
    private readonly el: HTMLElement,
    private readonly status: HTMLElement,
    private readonly legend: HTMLElement,
    private readonly runId: string,
    private readonly onTask: (taskId: number) => void,
    private readonly colorOf: AppColors,
  ) {
    this.chart = mountChart(el);
    this.chart.on('datazoom', () => this.onZoom());
    this.chart.on('click', (event) => {
      const value = (event as { value?: unknown }).value;
      if (this.data?.mode === 'tries' && Array.isArray(value)) this.onTask(value[4] as number);
    });
  }

  /** Load the whole run's window (again, for a live run). */
  async load(window?: { from: number; to: number }): Promise<void> {
    this.abort?.abort();
    const abort = (this.abort = new AbortController());
    try {
      const data = await api.timeline(this.runId, window ?? {}, abort.signal);
      if (abort.signal.aborted) return;
      this.render(data, window === undefined);
    } catch (error) {
      if ((error as Error).name !== 'AbortError') replace(this.status, h('span', { class: 'error-inline' }, `Timeline: ${(error as Error).message}`));
    }
  }

  private onZoom(): void {
    clearTimeout(this.zoomTimer);
    this.zoomTimer = window.setTimeout(() => {
      const option = this.chart.getOption() as { dataZoom?: { startValue?: number; endValue?: number }[] };
      const zoom = option.dataZoom?.[0];
      if (!zoom || zoom.startValue === undefined || zoom.endValue === undefined || !this.data) return;
      const from = zoom.startValue;
      const to = zoom.endValue;
      if (this.lastWindow && Math.abs(this.lastWindow[0] - from) < 1 && Math.abs(this.lastWindow[1] - to) < 1) return;
      void this.load({ from, to });
    }, 220);
  }

  private render(data: Timeline, full: boolean): void {
    this.data = data;
    this.lastWindow = [data.from, data.to];
    const lanes = data.lanes;
    const height = Math.max(200, Math.min(560, 90 + lanes.length * Math.max(34, Math.min(90, 14 * Math.max(...lanes.map((l) => l.slots), 1)))));
    if (this.el.style.height !== `${height}px`) {
      this.el.style.height = `${height}px`;
      this.chart.resize();
    }
    const maxCell = data.mode === 'density' ? Math.max(1e-9, ...(data.cells ?? []).map((c) => c[2])) : 1;
    const bucketMs = data.bucketMs ?? 1;
    const appColor = data.apps.map((app) => this.colorOf(app));
    const renderItem = (params: RenderParams, rapi: RenderAPI): unknown => {
      const laneIndex = rapi.value(0);
      const lane = lanes[laneIndex];
      if (!lane) return null;
      const band = rapi.size([0, 1])[1];
      const usable = band * 0.78;
      let x0: number;
      let x1: number;
      let y: number;
      let height: number;
      let fill: string;
      if (data.mode === 'tries') {
        const slot = rapi.value(1);
        const start = rapi.coord([rapi.value(2), laneIndex]);
        const end = rapi.coord([rapi.value(3), laneIndex]);
        const row = usable / lane.slots;
        x0 = start[0];
        x1 = end[0];
        y = start[1] - usable / 2 + slot * row;
        height = Math.max(1, row - (row > 4 ? 1 : 0));
        const outcome = rapi.value(6);
        fill = outcome === 1 ? FAILED_COLOR : outcome === 2 ? UNFINISHED_COLOR : appColor[rapi.value(7)]!;
      } else {
        const start = rapi.coord([rapi.value(1), laneIndex]);
        const end = rapi.coord([rapi.value(2), laneIndex]);
        x0 = start[0];
        // Cells overlap by a fraction of a pixel, so that rounding leaves no hairline gaps.
        x1 = end[0] + 0.6;
        y = start[1] - usable / 2;
        height = usable;
        fill = `rgba(37, 99, 235, ${0.12 + 0.88 * (rapi.value(3) / maxCell)})`;
      }
      const shape = echarts.graphic.clipRectByRect(
        { x: x0, y, width: Math.max(data.mode === 'tries' ? 1.5 : 1, x1 - x0), height },
        { x: params.coordSys.x, y: params.coordSys.y, width: params.coordSys.width, height: params.coordSys.height },
      );
      // A hairline of white between bars that touch, so consecutive tries in a sub-row stay apart.
      if (!shape) return null;
      if (data.mode === 'tries') {
        // Keep touching bars apart: an outline when rows are tall enough, else a pixel's gap.
        if (shape.width > 4 && height > 3) return { type: 'rect', shape, style: { fill, stroke: '#ffffff', lineWidth: 1 } };
        const gap = shape.width > 3 ? { ...shape, width: shape.width - 1 } : shape;
        return { type: 'rect', shape: gap, style: { fill } };
      }
      const failed = rapi.value(4);
      if (failed === 0) return { type: 'rect', shape, style: { fill } };
      // Failures: a red band along the top of the cell, stronger the more tries failed in it.
      const strip = { ...shape, height: Math.max(2, shape.height * 0.22) };
      return { type: 'group', children: [
        { type: 'rect', shape, style: { fill } },
        { type: 'rect', shape: strip, style: { fill: `rgba(220, 38, 38, ${Math.min(1, 0.45 + 0.15 * failed)})` } },
      ] };
    };
    // Density cells become [lane, start, end, mean, failed], so that both modes put times on x.
    const items = data.mode === 'tries'
      ? data.tries ?? []
      : (data.cells ?? []).map(([lane, b, mean, failed]) => [lane, data.from + b * bucketMs, data.from + (b + 1) * bucketMs, mean, failed]);
    const tooltip = (p: unknown): string => {
      const v = (p as { value: number[] }).value;
      const lane = lanes[v[0]!];
      if (data.mode === 'tries') {
        const [, , start, end, taskId, tryId, outcome, app] = v as [number, number, number, number, number, number, number, number];
        return `<b>Task ${taskId}</b> · try ${tryId} · ${esc(data.apps[app] ?? '?')}<br>${esc(lane?.label ?? '')}<br>${clock(start)} → ${clock(end)} (${duration((end - start) / 1000)})<br>${OUTCOME[outcome]}<div style="color:#94a3b8;margin-top:3px">click to open the task</div>`;
      }
      const [, from, to, mean, failed] = v as [number, number, number, number, number];
      return `<b>${esc(lane?.label ?? '')}</b><br>${clock(from)} → ${clock(to)}<br>${mean.toFixed(mean < 10 ? 2 : 1)} tries running on average${failed > 0 ? `<br><span style="color:#fca5a5">${failed} failed</span>` : ''}`;
    };
    const option: Record<string, unknown> = {
      textStyle: TEXT,
      animation: false,
      grid: { left: 150, right: 20, top: 12, bottom: 58 },
      tooltip: { ...TOOLTIP, trigger: 'item', formatter: tooltip },
      xAxis: { type: 'time', min: data.span.from, max: Math.max(data.span.to, data.span.from + 1), ...AXIS, splitLine: { show: true, lineStyle: { color: '#f1f5f9' } } },
      yAxis: {
        type: 'category', inverse: true, data: lanes.map((l) => l.label), ...AXIS,
        axisLabel: { color: '#334155', fontSize: 11.5, width: 136, overflow: 'truncate' },
        splitLine: { show: true, lineStyle: { color: '#eef2f7' } }, splitArea: { show: true, areaStyle: { color: ['#ffffff', '#fafbfc'] } },
      },
      series: [{
        type: 'custom', name: 'tries', renderItem, encode: { x: data.mode === 'tries' ? [2, 3] : [1, 2], y: 0 },
        data: items, progressive: 0, clip: true,
      }],
    };
    if (full) {
      option.dataZoom = [
        { type: 'slider', xAxisIndex: 0, filterMode: 'none', height: 18, bottom: 10, borderColor: '#e2e8f0', fillerColor: 'rgba(2,132,199,0.12)', showDetail: false },
        { type: 'inside', xAxisIndex: 0, filterMode: 'none' },
      ];
    }
    this.chart.setOption(option, { replaceMerge: ['series'] });
    this.el.dataset.mode = data.mode;
    this.el.dataset.total = String(data.total);
    this.el.dataset.items = String(items.length);
    this.el.dataset.slots = JSON.stringify(lanes.map((l) => l.slots));
    this.describe(data);
  }

  private describe(data: Timeline): void {
    const tries = count(data.total);
    replace(this.status, data.mode === 'tries'
      ? h('span', { class: 'hint' }, h('strong', {}, tries), ` ${data.total === 1 ? 'try' : 'tries'} in view, one bar each. Drag or scroll to zoom; click a bar to open its task.`)
      : h('span', { class: 'hint' }, h('strong', {}, tries), ` tries in view — more than ${count(data.maxBars)}, so each lane shows how many ran at once. Zoom in to see single tries.`));
    replace(this.legend);
    if (data.mode === 'tries') {
      append(this.legend, data.apps.slice(0, 12).map((app) => h('span', {}, h('i', { style: `background:${this.colorOf(app)}` }), app)));
      append(this.legend, [h('span', {}, h('i', { style: `background:${FAILED_COLOR}` }), 'failed try'), h('span', {}, h('i', { style: `background:${UNFINISHED_COLOR}` }), 'unfinished')]);
    } else {
      append(this.legend, [
        h('span', {}, h('i', { style: 'background:rgba(37,99,235,.25)' }), 'few running'),
        h('span', {}, h('i', { style: 'background:rgba(37,99,235,1)' }), 'many running'),
        h('span', {}, h('i', { style: `background:${FAILED_COLOR}` }), 'tries failed (top band)'),
      ]);
    }
  }
}
