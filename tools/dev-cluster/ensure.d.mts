/** The dev cluster's settings, from /run/slurm-local/env. */
export interface DevCluster {
  readonly partition: string;
  readonly partitions: string[];
  readonly nodes: number;
  readonly nodeList: string;
  readonly cpusPerNode: number;
  readonly memMb: number;
}
/** Path of up.sh. */
export declare const UP_SCRIPT: string;
/** Path of down.sh. */
export declare const DOWN_SCRIPT: string;
/** The file up.sh writes once the cluster is up. */
export declare const ENV_FILE: string;
/** Run up.sh (idempotent) and return the cluster's settings; throws with what to do when it cannot. */
export declare function ensureDevCluster(options?: { timeoutMs?: number }): DevCluster;
