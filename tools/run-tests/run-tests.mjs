#!/usr/bin/env node
/**
 * `pnpm test`: build, then every test step — typecheck, the packages' vitest suites (through
 * turbo), the plugin lint, the maturity table check and the tools' own tests (`node --test tools/`). A failing
 * step does not stop the later ones, so one run reports every failure; the exit code is 1 if any
 * step failed. A failed build stops at once (nothing after it can run).
 */
import { spawnSync } from 'node:child_process';

const steps = [
  { name: 'build', command: 'turbo run build', stopOnFailure: true },
  // The tests' own TypeScript (test/tsconfig.json) is compiled by nothing else.
  { name: 'typecheck', command: 'turbo run typecheck --continue' },
  { name: 'package tests', command: 'turbo run test --concurrency=1 --continue' },
  // Each package's lint script (turbo's lint pipeline), then the whole workspace at once, which
  // also catches a package whose lint script is missing.
  { name: 'lint', command: 'turbo run lint --continue --output-logs=errors-only && node tools/lint-plugins/lint-plugins.mjs' },
  { name: 'maturity table', command: 'node tools/maturity-table/maturity-table.mjs --check docs/plugins.md' },
  { name: 'tools tests', command: 'node --test tools/' },
];

// Turbo's telemetry and update check stay off on every machine, not only in CI.
const env = { ...process.env, TURBO_TELEMETRY_DISABLED: '1', TURBO_NO_UPDATE_NOTIFIER: '1' };

const failed = [];
for (const step of steps) {
  const started = Date.now();
  const result = spawnSync(step.command, { shell: true, stdio: 'inherit', env });
  const seconds = Math.round((Date.now() - started) / 1000);
  const ok = result.status === 0;
  process.stdout.write(`\n[pnpm test] ${step.name}: ${ok ? 'ok' : `FAILED (${result.signal ?? `exit ${result.status}`})`} in ${seconds}s\n\n`);
  if (ok) continue;
  failed.push(step.name);
  if (step.stopOnFailure) break;
}
if (failed.length > 0) process.stdout.write(`[pnpm test] failed steps: ${failed.join(', ')}\n`);
process.exit(failed.length > 0 ? 1 : 0);
