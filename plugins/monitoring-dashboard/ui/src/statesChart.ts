// "Tasks by state over time": a stacked area per state, from the server's bucketed counts.
import type { StatesOverTime } from './api.js';
import { AXIS, esc, mountChart, TEXT, TOOLTIP } from './charts.js';
import { count, clock } from './format.js';
import { stateColor } from './states.js';

/** Draw (or redraw) the chart in `el`. */
export function renderStatesChart(el: HTMLElement, data: StatesOverTime, existing?: ReturnType<typeof mountChart>): ReturnType<typeof mountChart> {
  const chart = existing ?? mountChart(el);
  const series = data.series.map((s) => ({
    name: s.state,
    type: 'line' as const,
    stack: 'tasks',
    step: 'end' as const,
    symbol: 'none',
    sampling: 'lttb' as const,
    lineStyle: { width: 0 },
    areaStyle: { color: stateColor(s.state), opacity: 0.88 },
    itemStyle: { color: stateColor(s.state) },
    emphasis: { focus: 'series' as const },
    data: s.counts.map((c, i) => [data.times[i]!, c]),
  }));
  chart.setOption({
    textStyle: TEXT,
    animation: false,
    grid: { left: 56, right: 20, top: 40, bottom: 56 },
    legend: { top: 4, icon: 'roundRect', itemWidth: 12, itemHeight: 8, textStyle: { color: '#334155' } },
    tooltip: {
      ...TOOLTIP,
      trigger: 'axis',
      axisPointer: { type: 'line', lineStyle: { color: '#94a3b8' } },
      formatter: (items: unknown) => {
        const list = items as { seriesName: string; value: [number, number]; color: string }[];
        if (list.length === 0) return '';
        const total = list.reduce((a, i) => a + i.value[1], 0);
        const rows = list.filter((i) => i.value[1] > 0).reverse()
          .map((i) => `<div style="display:flex;gap:14px;justify-content:space-between"><span><span style="display:inline-block;width:8px;height:8px;border-radius:2px;background:${i.color};margin-right:6px"></span>${esc(i.seriesName)}</span><b>${count(i.value[1])}</b></div>`);
        return `<div style="margin-bottom:4px;color:#94a3b8">${clock(list[0]!.value[0])} · ${count(total)} tasks</div>${rows.join('')}`;
      },
    },
    xAxis: { type: 'time', ...AXIS, splitLine: { show: false } },
    yAxis: { type: 'value', name: 'tasks', nameTextStyle: { color: '#94a3b8', align: 'right' }, minInterval: 1, ...AXIS },
    dataZoom: [{ type: 'inside', filterMode: 'none' }, { type: 'slider', height: 18, bottom: 8, filterMode: 'none', borderColor: '#e2e8f0', fillerColor: 'rgba(2,132,199,0.12)', handleSize: '90%', showDetail: false }],
    series,
  }, { replaceMerge: ['series'] });
  return chart;
}
