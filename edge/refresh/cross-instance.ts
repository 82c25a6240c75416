import { logWarn } from '../log.ts';
import { openSession } from '../session/codec.ts';
import type { SessionKeyring } from '../session/keys.ts';
import type { KvStore } from '../store/types.ts';
import { unavailable, type RefreshOutcome } from './outcome.ts';

export interface CoordinationOptions {
  store: KvStore;
  keyring: SessionKeyring;
  /** Unique per instance: the value of the locks it holds. */
  instanceId: string;
  /**
   * Held while redeeming; at least the worst case of the work under it and the grace window, so that a holder that
   * dies (or cannot publish) blocks the old token for as long as the grace window would have served it.
   */
  lockTtlMs: number;
  /** How long published outcomes serve requests still carrying the old cookie. */
  graceMs: number;
  /** How many times a loser looks for the winner's outcome, `pollMs` apart, before answering "try again". */
  polls: number;
  pollMs: number;
  sleep: (ms: number) => Promise<void>;
}

/**
 * Exactly one instance redeems a given refresh token. The winner of `SET NX PX` on the lock calls the backend and
 * publishes the outcome under the token's hash for the grace window: the new session as its sealed cookie value
 * (encrypted with the session key, never in clear), or a definitive rejection. Losers and late requests wait for
 * that outcome; they never redeem the old token and never clear cookies.
 *
 * A store failure means "unavailable", never a redeem in this instance alone: another instance may hold the lock
 * and be redeeming the same token, and a backend with reuse detection would then revoke the whole family. The
 * session is kept; the refresh resumes when the store answers. The lock is released on every path but one: when
 * the outcome could not be published, it is left to expire, so that nobody redeems the spent token in the meantime.
 */
export async function coordinatedRefresh(key: string, redeem: () => Promise<RefreshOutcome>, o: CoordinationOptions): Promise<RefreshOutcome> {
  const lockKey = `bff:refresh:lock:${key}`;
  const outcomeKey = `bff:refresh:outcome:${key}`;
  try {
    for (let poll = 0; ; poll++) {
      const published = await readOutcome(o, outcomeKey);
      if (published) return published;
      if (await o.store.setIfAbsent(lockKey, o.instanceId, o.lockTtlMs)) break;
      if (poll >= o.polls) return unavailable();
      await o.sleep(o.pollMs);
    }
  } catch {
    logWarn('refresh_store_unavailable');
    return unavailable();
  }
  return redeemHoldingLock(lockKey, outcomeKey, redeem, o);
}

async function redeemHoldingLock(lockKey: string, outcomeKey: string, redeem: () => Promise<RefreshOutcome>, o: CoordinationOptions): Promise<RefreshOutcome> {
  let release = true;
  try {
    // The previous holder may have published and released between our read and our lock.
    const late = await readOutcome(o, outcomeKey);
    if (late) return late;
    const outcome = await redeem();
    if (outcome.kind !== 'unavailable') {
      try {
        await o.store.set(outcomeKey, encode(outcome), o.graceMs);
      } catch {
        logWarn('refresh_publish_failed', { lock: 'left_to_expire' });
        release = false;
      }
    }
    return outcome;
  } catch {
    // Only the late read can fail here: without it we cannot know the token is unspent.
    logWarn('refresh_store_unavailable', { fallback: 'unavailable' });
    return unavailable();
  } finally {
    if (release) await o.store.deleteIfValue(lockKey, o.instanceId).catch(() => logWarn('refresh_lock_release_failed'));
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
