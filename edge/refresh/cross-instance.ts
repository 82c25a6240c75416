import { logWarn } from '../log';
import { openSession } from '../session/codec';
import type { SessionKeyring } from '../session/keys';
import type { KvStore } from '../store/types';
import type { RefreshOutcome } from './refresher';

export interface CoordinationOptions {
  store: KvStore;
  keyring: SessionKeyring;
  /** Unique per instance: the value of the locks it holds. */
  instanceId: string;
  /** Held while redeeming; expires so another instance takes over if the holder dies. */
  lockTtlMs: number;
  /** How long published outcomes serve requests still carrying the old cookie. */
  graceMs: number;
  /** How long a loser waits for the winner's outcome before answering "try again". */
  waitMs: number;
  pollMs: number;
  now: () => number;
  unavailable: () => RefreshOutcome;
}

/**
 * Exactly one instance redeems a given refresh token. The winner of `SET NX PX` on the lock
 * calls the backend and publishes the outcome under the token's hash for the grace window: the
 * new session as its sealed cookie value (encrypted with the session key, never in clear), or a
 * definitive rejection. Losers and late requests wait for that outcome; they never redeem the
 * old token and never clear cookies. A store failure degrades to redeeming in this instance.
 */
export async function coordinatedRefresh(key: string, redeem: () => Promise<RefreshOutcome>, o: CoordinationOptions): Promise<RefreshOutcome> {
  const lockKey = `bff:refresh:lock:${key}`;
  const outcomeKey = `bff:refresh:outcome:${key}`;
  let redeemed: Promise<RefreshOutcome> | undefined;
  const redeemOnce = () => (redeemed ??= redeem());

  try {
    const deadline = o.now() + o.waitMs;
    for (;;) {
      const published = await readOutcome(o, outcomeKey);
      if (published) return published;
      if (await o.store.setIfAbsent(lockKey, o.instanceId, o.lockTtlMs)) {
        // The previous holder may have published and released between our read and our lock.
        const late = await readOutcome(o, outcomeKey);
        const outcome = late ?? (await redeemOnce());
        if (!late && outcome.kind !== 'unavailable') await o.store.set(outcomeKey, encode(outcome), o.graceMs);
        await o.store.deleteIfValue(lockKey, o.instanceId);
        return outcome;
      }
      if (o.now() >= deadline) return o.unavailable();
      await new Promise((resolve) => setTimeout(resolve, o.pollMs));
    }
  } catch (error) {
    logWarn('refresh_store_unavailable', { reason: (error as Error)?.name, fallback: 'in_instance' });
    // Never redeem twice: if this instance already called the backend, that answer stands.
    return redeemOnce();
  }
}

function encode(outcome: RefreshOutcome): string {
  return outcome.kind === 'refreshed' ? `refreshed:${outcome.sealed}` : 'rejected';
}

async function readOutcome(o: CoordinationOptions, outcomeKey: string): Promise<RefreshOutcome | null> {
  const value = await o.store.get(outcomeKey);
  if (value === null) return null;
  if (value === 'rejected') return { kind: 'rejected' };
  if (value.startsWith('refreshed:')) {
    const sealed = value.slice('refreshed:'.length);
    const session = await openSession(sealed, o.keyring);
    if (session) return { kind: 'refreshed', session, sealed };
  }
  return null;
}
