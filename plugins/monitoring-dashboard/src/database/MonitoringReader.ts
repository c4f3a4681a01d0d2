import type Database from 'better-sqlite3';
import type {
  ResourceSummary, StatesOverTime, TaskDetail, TaskPage, Timeline, WorkflowDetail, WorkflowList,
} from '../api/types.js';
import { DashboardError, DashboardErrorCodes } from '../errors.js';
import { resourceSummary } from '../queries/resources.js';
import { statesOverTime } from '../queries/statesOverTime.js';
import { taskDetail, taskPage, type TaskQuery } from '../queries/tasks.js';
import { loadTimeline, timelineWindow, type TimelineData } from '../queries/timeline.js';
import { chartSpan, runActivity, type RunActivity } from '../queries/runActivity.js';
import { workflowDetail } from '../queries/workflowDetail.js';
import { listWorkflows } from '../queries/workflows.js';
import { openMonitoringDatabase } from './openMonitoringDatabase.js';
import { SUPPORTED_SCHEMA_VERSIONS } from './schema.js';

/**
 * Buckets of the states-over-time answer when the request names none (what the UI asks for).
 *
 * @since 0.1.0
 */
export const DEFAULT_STATE_BUCKETS = 400;

/**
 * Options of {@link MonitoringReader.timeline}.
 *
 * @since 0.1.0
 */
export interface TimelineQuery {
  /** Window start (default: the run's start). */
  readonly from?: number | undefined;
  /** Window end (default: the run's end or latest activity). */
  readonly to?: number | undefined;
  /** Most tries drawn one by one (default 4000). */
  readonly maxBars?: number | undefined;
  /** Buckets per lane when aggregated (default 400). */
  readonly buckets?: number | undefined;
}

/**
 * Read-only queries over a monitoring database, for the dashboard's API. Answers that cost a
 * pass over a run's rows (its summary, states over time, the timeline layout, resource peaks) are cached
 * until the database changes — SQLite's `data_version` tells when another connection (the
 * MonitoringHub of a running workflow) committed — so reloading or zooming a 100,000-task run is
 * cheap, and a live run is always shown as it is now.
 *
 * @since 0.1.0
 * @example
 * ```ts
 * const reader = MonitoringReader.open('runinfo/monitoring.db');
 * const { workflows } = reader.workflows();
 * const page = reader.tasks(workflows[0]!.runId, { failures: 'failed', offset: 0, limit: 50 });
 * reader.close();
 * ```
 */
export class MonitoringReader {
  /** Absolute path of the database. */
  readonly path: string;
  /** Its schema version. */
  readonly schemaVersion: number;
  private readonly db: Database.Database;
  private readonly dataVersion: Database.Statement<[], number>;
  private seenVersion = -1;
  private readonly cache = new Map<string, unknown>();
  /** Activity per run: small, one per run, so kept apart from the bounded cache of large answers. */
  private readonly activities = new Map<string, RunActivity | undefined>();
  private static readonly CACHE_ENTRIES = 32;

  private constructor(db: Database.Database, path: string, schemaVersion: number) {
    this.db = db;
    this.path = path;
    this.schemaVersion = schemaVersion;
    this.dataVersion = db.prepare<[], number>('PRAGMA data_version').pluck();
  }

  /**
   * Open a database read-only; throws the coded errors of {@link openMonitoringDatabase}.
   *
   * @since 0.1.0
   * @example
   * ```ts
   * const reader = MonitoringReader.open('runinfo/monitoring.db');
   * ```
   */
  static open(file: string): MonitoringReader {
    const { db, path, schemaVersion } = openMonitoringDatabase(file);
    return new MonitoringReader(db, path, schemaVersion);
  }

  /** Every run, newest first, with task counts. */
  workflows(): WorkflowList {
    this.refresh();
    return { workflows: listWorkflows(this.db, (runId) => this.activity(runId)) };
  }

  /** One run with its summaries, or undefined when there is no such run. */
  workflow(runId: string): WorkflowDetail | undefined {
    this.refresh();
    return this.cached(`workflow|${runId}`, () => workflowDetail(this.db, runId, this.activity(runId)));
  }

  /** Tasks by state over time in `buckets` buckets, or undefined for an unknown run. */
  states(runId: string, options: { buckets?: number | undefined; from?: number | undefined; to?: number | undefined } = {}): StatesOverTime | undefined {
    this.refresh();
    const activity = this.activity(runId);
    if (!activity) return undefined;
    const span = chartSpan(activity);
    const from = options.from ?? span.from;
    const to = options.to ?? span.to;
    const buckets = options.buckets ?? DEFAULT_STATE_BUCKETS;
    return this.cached(`states|${runId}|${from}|${to}|${buckets}`, () => statesOverTime(this.db, runId, from, to, buckets));
  }

  /** The timeline of a run between `from` and `to`, or undefined for an unknown run. */
  timeline(runId: string, query: TimelineQuery = {}): Timeline | undefined {
    this.refresh();
    const activity = this.activity(runId);
    if (!activity) return undefined;
    const span = chartSpan(activity);
    const data = this.cached<TimelineData>(`timeline|${runId}`, () => loadTimeline(this.db, runId, span));
    const from = query.from ?? data.span.from;
    const to = Math.max(query.to ?? data.span.to, from + 1);
    return timelineWindow(data, from, to, query.maxBars ?? 4000, query.buckets ?? 400);
  }

  /** A page of a run's tasks, or undefined for an unknown run. */
  tasks(runId: string, query: TaskQuery): TaskPage | undefined {
    this.refresh();
    if (!this.hasRun(runId)) return undefined;
    return taskPage(this.db, runId, query);
  }

  /** One task, or undefined when the run or the task is unknown. */
  task(runId: string, taskId: number): TaskDetail | undefined {
    this.refresh();
    return taskDetail(this.db, runId, taskId);
  }

  /** Resource use per app and per try, or undefined for an unknown run. */
  resources(runId: string, maxPoints = 5000): ResourceSummary | undefined {
    this.refresh();
    if (!this.hasRun(runId)) return undefined;
    return this.cached(`resources|${runId}|${maxPoints}`, () => resourceSummary(this.db, runId, maxPoints));
  }

  /**
   * The work that makes the newest run's page open fast — its states over time, its timeline
   * layout, its resource summary — as separate steps, so that a server can run them between
   * requests after it starts (each step is one synchronous computation; see DashboardServer).
   */
  warmUpSteps(): (() => void)[] {
    this.refresh();
    const newest = this.db.prepare('SELECT run_id FROM workflow ORDER BY time_began DESC LIMIT 1').pluck().get() as string | undefined;
    if (newest === undefined) return [];
    return [
      () => void this.workflow(newest),
      () => void this.states(newest),
      () => void this.timeline(newest),
      () => void this.resources(newest),
    ];
  }

  /** Close the connection. */
  close(): void {
    this.cache.clear();
    this.activities.clear();
    if (this.db.open) this.db.close();
  }

  /** A run's activity (cached until the database changes), or undefined for an unknown run. */
  private activity(runId: string): RunActivity | undefined {
    if (!this.activities.has(runId)) this.activities.set(runId, runActivity(this.db, runId));
    return this.activities.get(runId);
  }

  private hasRun(runId: string): boolean {
    return this.db.prepare('SELECT 1 FROM workflow WHERE run_id = ?').get(runId) !== undefined;
  }

  /** Drop cached answers when another connection changed the database (and re-check its version). */
  private refresh(): void {
    const version = this.dataVersion.get()!;
    if (version === this.seenVersion) return;
    this.cache.clear();
    this.activities.clear();
    const schema = this.db.pragma('user_version', { simple: true }) as number;
    if (!SUPPORTED_SCHEMA_VERSIONS.includes(schema)) {
      throw new DashboardError(DashboardErrorCodes.SchemaVersion,
        `${this.path} changed to monitoring schema version ${schema} while the dashboard was reading it (it reads ${SUPPORTED_SCHEMA_VERSIONS.join(', ')})`,
        { hint: 'a newer MonitoringHub migrated it: upgrade @parsl-ts/monitoring-dashboard and restart it' });
    }
    this.seenVersion = version;
  }

  private cached<T>(key: string, compute: () => T): T {
    if (this.cache.has(key)) {
      const value = this.cache.get(key) as T;
      // Most recently used last, so the oldest entry is the one evicted.
      this.cache.delete(key);
      this.cache.set(key, value);
      return value;
    }
    const value = compute();
    this.cache.set(key, value);
    if (this.cache.size > MonitoringReader.CACHE_ENTRIES) this.cache.delete(this.cache.keys().next().value!);
    return value;
  }
}
