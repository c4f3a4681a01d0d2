import type Database from 'better-sqlite3';
import type { AppResources, ResourceSummary } from '../api/types.js';
import { downsample } from './tasks.js';

type TryPeak = [taskId: number, tryId: number, app: string, cpu: number, rss: number, read: number, write: number];

/**
 * Resource use of a run's tries: per try, its CPU seconds, peak resident memory and I/O bytes
 * (the samples count since the try started, so the largest sample is the try's total); per app,
 * means and maxima of those. At most `maxPoints` tries are returned one by one, evenly sampled in
 * task order, so the scatter plot stays fast for any run size.
 */
export function resourceSummary(db: Database.Database, runId: string, maxPoints: number): ResourceSummary {
  const peaks = db.prepare(`
    SELECT r.task_id, r.try_id, t.app_name, r.cpu, r.rss, r.rd, r.wr
    FROM (SELECT task_id, try_id, max(cpu_user_seconds + cpu_system_seconds) AS cpu, max(rss_bytes) AS rss,
                 max(read_bytes) AS rd, max(write_bytes) AS wr
          FROM resource WHERE run_id = ? AND task_id IS NOT NULL GROUP BY task_id, try_id) r
    JOIN task t ON t.run_id = ? AND t.task_id = r.task_id
    ORDER BY r.task_id, r.try_id`).raw().all(runId, runId) as TryPeak[];
  const byApp = new Map<string, { tries: number; cpu: number; cpuMax: number; rss: number; rssMax: number; read: number; write: number }>();
  const appNames: string[] = [];
  const appIndex = new Map<string, number>();
  for (const [, , app, cpu, rss, read, write] of peaks) {
    let a = byApp.get(app);
    if (!a) {
      byApp.set(app, (a = { tries: 0, cpu: 0, cpuMax: 0, rss: 0, rssMax: 0, read: 0, write: 0 }));
      appIndex.set(app, appNames.length);
      appNames.push(app);
    }
    a.tries++;
    a.cpu += cpu;
    a.cpuMax = Math.max(a.cpuMax, cpu);
    a.rss += rss;
    a.rssMax = Math.max(a.rssMax, rss);
    a.read += read;
    a.write += write;
  }
  const apps: AppResources[] = [...byApp.entries()].map(([app, a]) => ({
    app, tries: a.tries, cpuMean: a.cpu / a.tries, cpuMax: a.cpuMax, rssMean: a.rss / a.tries, rssMax: a.rssMax,
    readBytes: a.read, writeBytes: a.write,
  })).sort((x, y) => y.cpuMean * y.tries - x.cpuMean * x.tries || x.app.localeCompare(y.app));
  const points = downsample(peaks, maxPoints).map(([taskId, tryId, app, cpu, rss, read, write]) =>
    [taskId, tryId, appIndex.get(app)!, Math.round(cpu * 1000) / 1000, rss, read, write] as const);
  return { apps, appNames, points, totalTries: peaks.length, sampled: peaks.length > maxPoints };
}
