// Creating, resizing and disposing ECharts instances, and the shared look of every chart.
import type { ECharts } from 'echarts';

/**
 * Colours of apps (and other categories): distinct and readable on white. No red, amber or
 * orange: those mean failed, unfinished and dependency-failed everywhere on the page.
 */
export const PALETTE = ['#3b82f6', '#8b5cf6', '#14b8a6', '#ec4899', '#84cc16', '#0ea5e9', '#6366f1', '#10b981', '#d946ef', '#06b6d4', '#a855f7', '#64748b'];

/** The colour of the n-th category. */
export function paletteColor(i: number): string {
  return PALETTE[i % PALETTE.length]!;
}

/** Colours of a workflow's apps, the same in every chart of its page (by the apps' order in its summary). */
export type AppColors = (app: string) => string;

/** The app colours of a page: apps in `order` get the palette in turn; others follow. */
export function appColors(order: readonly string[]): AppColors {
  const index = new Map(order.map((app, i) => [app, i]));
  return (app) => {
    if (!index.has(app)) index.set(app, index.size);
    return paletteColor(index.get(app)!);
  };
}

const live = new Set<{ chart: ECharts; observer: ResizeObserver }>();

/** Make a chart in `el`; it follows the element's size and is disposed by {@link disposeCharts}. */
export function mountChart(el: HTMLElement): ECharts {
  const chart = echarts.init(el, undefined, { renderer: 'canvas' });
  let pending = 0;
  const observer = new ResizeObserver(() => {
    cancelAnimationFrame(pending);
    pending = requestAnimationFrame(() => chart.resize());
  });
  observer.observe(el);
  live.add({ chart, observer });
  return chart;
}

/** Dispose every chart of the page being left (or only those inside `scope`). */
export function disposeCharts(scope?: Element): void {
  for (const entry of [...live]) {
    if (scope && !scope.contains(entry.chart.getDom())) continue;
    entry.observer.disconnect();
    entry.chart.dispose();
    live.delete(entry);
  }
}

/** Text style shared by the charts. */
export const TEXT = { fontFamily: 'system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif', color: '#475569', fontSize: 12 };

/** Axis look shared by the charts. */
export const AXIS = {
  axisLine: { lineStyle: { color: '#cbd5e1' } },
  axisTick: { lineStyle: { color: '#cbd5e1' } },
  axisLabel: { color: '#64748b', fontSize: 11 },
  splitLine: { lineStyle: { color: '#eef2f7' } },
};

/** Tooltip look shared by the charts. */
export const TOOLTIP = {
  backgroundColor: 'rgba(15, 23, 42, 0.92)',
  borderWidth: 0,
  textStyle: { color: '#f1f5f9', fontSize: 12 },
  extraCssText: 'border-radius: 8px; box-shadow: 0 6px 20px rgba(15,23,42,.25); padding: 8px 10px;',
};

/** Escape text for the HTML of a tooltip. */
export function esc(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
