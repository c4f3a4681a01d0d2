// Bring up the local Slurm cluster of tools/dev-cluster before any test file runs. Fails (never
// skips) when it cannot. The cluster stays up afterwards: other packages' tests may be using it,
// and CI takes it down with `bash tools/dev-cluster/down.sh` when it exits.
import { ensureDevCluster } from '../../../tools/dev-cluster/ensure.mjs';

export default function setup(): void {
  ensureDevCluster();
}
