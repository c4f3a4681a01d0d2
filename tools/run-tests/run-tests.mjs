#!/usr/bin/env node
/**
 * `pnpm test`: build, then every test step — the packages' vitest suites (through turbo), the
 * plugin lint, the maturity table check and the tools' own tests (`node --test tools/`). A failing
 * step does not stop the later ones, so one run reports every failure; the exit code is 1 if any
 * step failed. A failed build stops at once (nothing after it can run).
 */
import { spawnSync } from 'node:child_process';

const steps = [
  { name: 'build', command: 'turbo run build', stopOnFailure: true },
  { name: 'package tests', command: 'turbo run test --concurrency=1 --continue' },
  { name: 'plugin lint', command: 'node tools/lint-plugins/lint-plugins.mjs' },
  { name: 'maturity table', command: 'node tools/maturity-table/maturity-table.mjs --check docs/plugins.md' },
  { name: 'tools tests', command: 'node --test tools/' },
];

const failed = [];
for (const step of steps) {
  const started = Date.now();
  const result = spawnSync(step.command, { shell: true, stdio: 'inherit' });
  const seconds = Math.round((Date.now() - started) / 1000);
  const ok = result.status === 0;
  process.stdout.write(`\n[pnpm test] ${step.name}: ${ok ? 'ok' : `FAILED (${result.signal ?? `exit ${result.status}`})`} in ${seconds}s\n\n`);
  if (ok) continue;
  failed.push(step.name);
  if (step.stopOnFailure) break;
}
if (failed.length > 0) process.stdout.write(`[pnpm test] failed steps: ${failed.join(', ')}\n`);
process.exit(failed.length > 0 ? 1 : 0);
