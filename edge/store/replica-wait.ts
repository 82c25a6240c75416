import { DEFAULTS } from '../config/defaults.ts';
import { logWarn } from '../log.ts';

/**
 * When a durable write waits for a replica (`WAIT 1 <storeReplicaWaitMs>` after it), shared by both transports: not
 * for DEFAULTS.storeReplicaRetryMs after a wait that no replica answered (none, or one lagging), so a store without
 * replicas costs one bounded wait per interval, not one per write.
 */
export function replicaWait(now: () => number = Date.now) {
  let skipUntil = 0;
  return {
    command: ['WAIT', 1, DEFAULTS.storeReplicaWaitMs] as const,
    due: () => now() >= skipUntil,
    /** The reply of WAIT: how many replicas acknowledged. */
    answered(replicas: unknown): void {
      if (Number(replicas) >= 1) return;
      skipUntil = now() + DEFAULTS.storeReplicaRetryMs;
      logWarn('store_write_unreplicated');
    },
  };
}
