// Formatting of numbers, times, durations and sizes for display.

const integer = new Intl.NumberFormat('en-US');

/** 12345 → "12,345". */
export function count(n: number | null | undefined): string {
  return n === null || n === undefined ? '—' : integer.format(n);
}

/** A date and time: "2025-03-01 14:02:11". */
export function dateTime(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '—';
  const d = new Date(ms);
  const p = (x: number): string => String(x).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

/** A time of day with milliseconds: "14:02:11.250". */
export function clock(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '—';
  const d = new Date(ms);
  const p = (x: number, n = 2): string => String(x).padStart(n, '0');
  return `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}.${p(d.getMilliseconds(), 3)}`;
}

/** Seconds as "850 ms", "12.4 s", "3 min 05 s", "2 h 04 min". */
export function duration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return '—';
  const s = Math.max(0, seconds);
  if (s < 1) return `${Math.round(s * 1000)} ms`;
  if (s < 60) return `${s < 10 ? s.toFixed(2) : s.toFixed(1)} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${String(Math.round(s % 60)).padStart(2, '0')} s`;
  return `${Math.floor(s / 3600)} h ${String(Math.round((s % 3600) / 60)).padStart(2, '0')} min`;
}

/** Bytes as "1.5 MiB". */
export function bytes(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '—';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let u = 0;
  while (Math.abs(v) >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${u === 0 ? v.toFixed(0) : v < 10 ? v.toFixed(2) : v.toFixed(1)} ${units[u]}`;
}

/** A percentage of a total: "12.5 %". */
export function percent(part: number, total: number): string {
  if (total <= 0) return '—';
  const p = (100 * part) / total;
  return `${p < 10 && p > 0 ? p.toFixed(1) : Math.round(p)} %`;
}
