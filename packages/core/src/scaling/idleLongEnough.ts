/**
 * Whether a block that has been idle for `idleSeconds` may be scaled in under `maxIdleSeconds`.
 *
 * A block running tasks reports 0 idle seconds (see `BlockScalingExecutor.idleSeconds`), so 0 never
 * counts as idle — not even with `maxIdleTime: 0`, where `0 >= 0` would otherwise let a strategy
 * cancel a busy block. A block that finished its last task in this very millisecond waits for the
 * next strategy round, which is harmless.
 *
 * @param idleSeconds - seconds since the block last had a task (0 while it has one)
 * @param maxIdleSeconds - how long a block must be idle before it may go
 * @since 0.1.1
 */
export function idleLongEnough(idleSeconds: number | undefined, maxIdleSeconds: number): boolean {
  return idleSeconds !== undefined && idleSeconds > 0 && idleSeconds >= maxIdleSeconds;
}
