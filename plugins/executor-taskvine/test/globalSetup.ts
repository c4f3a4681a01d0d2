// These tests run the real cctools: the Work Queue manager library (Debian's python3-workqueue)
// in the sidecar and Debian's work_queue_worker (coop-computing-tools). Fail at once, saying what
// to install, when they are missing (never skip).
import { spawnSync } from 'node:child_process';

export default function setup(): void {
  const worker = spawnSync('work_queue_worker', ['--version'], { encoding: 'utf8', timeout: 20_000 });
  if (worker.error || worker.status !== 0) {
    throw new Error(`work_queue_worker cannot be run (${worker.error?.message ?? `exit status ${worker.status}`}): ` +
      'install coop-computing-tools (apt-get install coop-computing-tools; see tools/setup/system-packages.txt)');
  }
  const python = process.env.PARSL_TS_PYTHON ?? '/usr/bin/python3';
  const binding = spawnSync(python, ['-c', 'import work_queue'], { encoding: 'utf8', timeout: 20_000 });
  if (binding.error || binding.status !== 0) {
    throw new Error(`${python} cannot import work_queue (${binding.error?.message ?? binding.stderr.trim()}): ` +
      'install python3-workqueue (apt-get install python3-workqueue), or set PARSL_TS_PYTHON to a Python that has it');
  }
}
