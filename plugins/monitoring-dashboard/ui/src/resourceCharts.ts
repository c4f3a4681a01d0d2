// Resource plots: per app (CPU seconds and peak memory per try) and per try (a scatter of CPU
// seconds against peak memory, one colour per app), and a task's samples over time.
import type { ResourceSummary, TaskDetail } from './api.js';
import { AXIS, esc, mountChart, paletteColor, TEXT, TOOLTIP, type AppColors } from './charts.js';
import { bytes, count, duration } from './format.js';

/**
 * The unit memory axes are drawn in, chosen from the largest value, so that the ticks are round
 * numbers of that unit (200 MiB, 400 MiB) rather than round numbers of bytes.
 */
function byteUnit(max: number): { readonly div: number; readonly name: string } {
  if (max >= 2 * 1024 ** 3) return { div: 1024 ** 3, name: 'GiB' };
  if (max >= 2 * 1024 ** 2) return { div: 1024 ** 2, name: 'MiB' };
  if (max >= 2 * 1024) return { div: 1024, name: 'KiB' };
  return { div: 1, name: 'B' };
}

function unitAxisLabel(unit: { name: string }): Record<string, unknown> {
  return { ...AXIS.axisLabel, formatter: (v: number) => `${Number(v.toFixed(2))} ${unit.name}` };
}

/** Per-app bars: mean and largest CPU seconds per try, mean and largest peak RSS per try. */
export function renderAppResources(cpuEl: HTMLElement, memEl: HTMLElement, data: ResourceSummary): void {
  const apps = data.apps.map((a) => a.app);
  const common = {
    textStyle: TEXT, animation: false,
    grid: { left: 64, right: 16, top: 34, bottom: 36 },
    legend: { top: 2, icon: 'roundRect', itemWidth: 12, itemHeight: 8 },
    xAxis: { type: 'category', data: apps, ...AXIS, axisLabel: { ...AXIS.axisLabel, interval: 0, width: 110, overflow: 'truncate' } },
  };
  const cpu = mountChart(cpuEl);
  cpu.setOption({
    ...common,
    tooltip: { ...TOOLTIP, trigger: 'axis', valueFormatter: (v: unknown) => duration(Number(v)) },
    yAxis: { type: 'value', name: 'CPU s / try', nameTextStyle: { color: '#94a3b8', align: 'left' }, ...AXIS },
    series: [
      { name: 'mean', type: 'bar', barMaxWidth: 34, itemStyle: { color: '#3b82f6', borderRadius: [4, 4, 0, 0] }, data: data.apps.map((a) => a.cpuMean) },
      { name: 'max', type: 'bar', barMaxWidth: 34, itemStyle: { color: '#bfdbfe', borderRadius: [4, 4, 0, 0] }, data: data.apps.map((a) => a.cpuMax) },
    ],
  });
  const mem = mountChart(memEl);
  const unit = byteUnit(Math.max(0, ...data.apps.map((a) => a.rssMax)));
  mem.setOption({
    ...common,
    tooltip: { ...TOOLTIP, trigger: 'axis', valueFormatter: (v: unknown) => bytes(Number(v) * unit.div) },
    yAxis: { type: 'value', name: 'peak RSS / try', nameTextStyle: { color: '#94a3b8', align: 'left' }, ...AXIS, axisLabel: unitAxisLabel(unit) },
    series: [
      { name: 'mean', type: 'bar', barMaxWidth: 34, itemStyle: { color: '#8b5cf6', borderRadius: [4, 4, 0, 0] }, data: data.apps.map((a) => a.rssMean / unit.div) },
      { name: 'max', type: 'bar', barMaxWidth: 34, itemStyle: { color: '#ddd6fe', borderRadius: [4, 4, 0, 0] }, data: data.apps.map((a) => a.rssMax / unit.div) },
    ],
  });
}

/** Scatter of every (sampled) try: CPU seconds against peak RSS, coloured by app; click opens the task. */
export function renderTryScatter(el: HTMLElement, data: ResourceSummary, onTask: (taskId: number) => void, colorOf: AppColors): void {
  const chart = mountChart(el);
  const unit = byteUnit(Math.max(0, ...data.points.map((p) => p[4])));
  const series = data.appNames.map((app, i) => ({
    name: app, type: 'scatter' as const, symbolSize: data.points.length > 2000 ? 4 : 7, large: data.points.length > 2000,
    itemStyle: { color: colorOf(app), opacity: 0.75 },
    data: data.points.filter((p) => p[2] === i).map((p) => [p[3], p[4] / unit.div, p[0], p[1], p[5], p[6]]),
  }));
  chart.setOption({
    textStyle: TEXT, animation: false,
    grid: { left: 72, right: 20, top: 36, bottom: 40 },
    legend: { top: 2, icon: 'circle', itemWidth: 9, itemHeight: 9 },
    tooltip: {
      ...TOOLTIP, trigger: 'item',
      formatter: (p: unknown) => {
        const { value, seriesName } = p as { value: number[]; seriesName: string };
        return `<b>Task ${value[2]}</b> · try ${value[3]} · ${esc(seriesName)}<br>CPU ${duration(value[0]!)} · peak RSS ${bytes(value[1]! * unit.div)}<br>read ${bytes(value[4]!)} · written ${bytes(value[5]!)}<div style="color:#94a3b8;margin-top:3px">click to open the task</div>`;
      },
    },
    xAxis: { type: 'value', name: 'CPU seconds', nameLocation: 'middle', nameGap: 26, nameTextStyle: { color: '#94a3b8' }, ...AXIS, scale: true },
    yAxis: { type: 'value', name: 'peak RSS', nameTextStyle: { color: '#94a3b8', align: 'left' }, ...AXIS, axisLabel: unitAxisLabel(unit), scale: true },
    series,
  });
  chart.on('click', (e) => {
    const v = (e as { value?: number[] }).value;
    if (v) onTask(v[2]!);
  });
  el.dataset.points = String(data.points.length);
}

/** A task's samples over time: RSS (left axis) and CPU seconds (right axis), per try. */
export function renderTaskResources(el: HTMLElement, detail: TaskDetail): void {
  const chart = mountChart(el);
  const unit = byteUnit(Math.max(0, ...detail.resources.flatMap((r) => r.samples.map((s) => s[3]))));
  const series = detail.resources.flatMap((r, i) => {
    const started = detail.tries.find((t) => t.tryId === r.tryId)?.started;
    const t0 = started ?? r.samples[0]?.[0] ?? 0;
    return [
      { name: `RSS (try ${r.tryId})`, type: 'line' as const, showSymbol: r.samples.length < 40, yAxisIndex: 0, itemStyle: { color: paletteColor(i * 2 + 1) }, areaStyle: { opacity: 0.08 }, data: r.samples.map((s) => [(s[0] - t0) / 1000, s[3] / unit.div]) },
      { name: `CPU (try ${r.tryId})`, type: 'line' as const, showSymbol: r.samples.length < 40, yAxisIndex: 1, itemStyle: { color: paletteColor(i * 2) }, lineStyle: { type: 'dashed' as const }, data: r.samples.map((s) => [(s[0] - t0) / 1000, s[1] + s[2]]) },
    ];
  });
  chart.setOption({
    textStyle: TEXT, animation: false,
    grid: { left: 70, right: 60, top: 36, bottom: 36 },
    legend: { top: 2, icon: 'roundRect', itemWidth: 12, itemHeight: 8 },
    tooltip: { ...TOOLTIP, trigger: 'axis' },
    xAxis: { type: 'value', name: 's since the try started', nameLocation: 'middle', nameGap: 24, nameTextStyle: { color: '#94a3b8' }, ...AXIS },
    yAxis: [
      { type: 'value', name: 'RSS', nameTextStyle: { color: '#94a3b8' }, ...AXIS, axisLabel: unitAxisLabel(unit) },
      { type: 'value', name: 'CPU s', nameTextStyle: { color: '#94a3b8' }, ...AXIS, splitLine: { show: false } },
    ],
    series,
  });
  el.dataset.samples = String(detail.resources.reduce((a, r) => a + r.samples.length, 0));
  el.setAttribute('aria-label', `resource samples: ${count(Number(el.dataset.samples))}`);
}
