/**
 * Records the real runs every dashboard test reads, once per test run: a workflow of mixed apps
 * on the thread pool and a run on the HighThroughputExecutor with two blocks, both written by the
 * real MonitoringHub into one database.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { recordHtexRun, recordMixedRun, type ExpectedRun } from './helpers/recordRuns.js';

/** What the tests get from {@link setup} (plain data). */
export interface RecordedFixture {
  readonly dir: string;
  readonly database: string;
  readonly mixed: PlainRun;
  readonly htex: PlainRun & { readonly blocks: number };
}

/** An ExpectedRun as plain data (the app map becomes an object). */
export type PlainRun = Omit<ExpectedRun, 'apps'> & { readonly apps: Record<string, string> };

declare module 'vitest' {
  export interface ProvidedContext {
    fixture: RecordedFixture;
  }
}

function plain<T extends ExpectedRun>(run: T): Omit<T, 'apps'> & { apps: Record<string, string> } {
  return { ...run, apps: Object.fromEntries([...run.apps].map(([id, app]) => [String(id), app])) };
}

export default async function setup(project: TestProject): Promise<() => void> {
  const dir = mkdtempSync(join(tmpdir(), 'parsl-dashboard-fixture-'));
  const database = join(dir, 'runinfo', 'monitoring.db');
  const mixed = plain(await recordMixedRun(database, dir));
  const htex = plain(await recordHtexRun(database, dir));
  project.provide('fixture', { dir, database, mixed, htex });
  return () => rmSync(dir, { recursive: true, force: true });
}
