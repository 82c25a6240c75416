import { logWarn } from '../log.ts';
import { openSession } from '../session/codec.ts';
import type { SessionKeyring } from '../session/keys.ts';
import { hashTag } from '../store/hash-tag.ts';
import { DURABLE, type KvStore } from '../store/types.ts';
import type { Session } from '../session/types.ts';
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
  /** How long a redeemed token stays known as spent: as long as a cookie carrying it may come back. */
  spentMs: (session: Session) => number;
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
 * The lock and the outcome are durable writes: a failover that lost either would let a spent token be redeemed again.
 */
/**
 * `serves`: whether a published outcome answers this caller; one that does not (a non-rotating backend's copy without
 * the API token this caller needs) lets it redeem the same, unspent, token again under the lock.
 */
export async function coordinatedRefresh(
  key: string,
  session: Session,
  redeem: () => Promise<RefreshOutcome>,
  o: CoordinationOptions,
  serves: (outcome: RefreshOutcome) => boolean = () => true,
): Promise<RefreshOutcome> {
  // One hash tag: the three keys are read together, also on a Redis Cluster.
  const tag = hashTag(key);
  const lockKey = `bff:refresh:${tag}:lock`;
  const keys = { outcome: `bff:refresh:${tag}:outcome`, spent: `bff:refresh:${tag}:spent` };
  try {
    for (let poll = 0; ; poll++) {
      const published = await readOutcome(o, keys);
      if (published && serves(published)) return published;
      if (await o.store.setIfAbsent(lockKey, o.instanceId, o.lockTtlMs, DURABLE)) break;
      if (poll >= o.polls) return unavailable();
      await o.sleep(o.pollMs);
    }
  } catch {
    logWarn('refresh_store_unavailable');
    return unavailable();
  }
  return redeemHoldingLock(lockKey, keys, session, redeem, o, serves);
}

type OutcomeKeys = { outcome: string; spent: string };

async function redeemHoldingLock(
  lockKey: string,
  keys: OutcomeKeys,
  session: Session,
  redeem: () => Promise<RefreshOutcome>,
  o: CoordinationOptions,
  serves: (outcome: RefreshOutcome) => boolean,
): Promise<RefreshOutcome> {
  let release = true;
  try {
    // The previous holder may have published and released between our read and our lock.
    const late = await readOutcome(o, keys);
    if (late && serves(late)) return late;
    const outcome = await redeem();
    if (outcome.kind !== 'unavailable') {
      // The whole outcome for the grace window; then only "spent" (a few bytes), for as long as the old cookie lives:
      // a late request then finds its sign-in's newest session in the successor register, never redeems again.
      const published = await twice(() => o.store.set(keys.outcome, encode(outcome), o.graceMs, DURABLE));
      // A backend that does not rotate (SimpleJWT's default) hands the same refresh token back: it is not spent.
      const rotated = outcome.kind === 'refreshed' && outcome.session.refreshToken !== session.refreshToken;
      const marked = rotated ? await twice(() => o.store.set(keys.spent, '1', Math.max(o.graceMs, o.spentMs(session)), DURABLE)) : true;
      if (!published || !marked) {
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

/** A store write that failed once (a blip) gets one more try. */
async function twice(write: () => Promise<void>): Promise<boolean> {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      await write();
      return true;
    } catch {
      // retried once, then reported
    }
  }
  return false;
}

/**
 * The published outcome; or, past the grace window, "spent": the token was redeemed, its successor is the successor
 * register's to find (session/successors.ts). Asking for it again would be refused, so the answer is "try again".
 */
async function readOutcome(o: CoordinationOptions, keys: OutcomeKeys): Promise<RefreshOutcome | null> {
  const [value, spent] = await o.store.getMany([keys.outcome, keys.spent]);
  if (value === null) return spent === null ? null : unavailable();
  if (value === 'rejected') return { kind: 'rejected' };
  if (value.startsWith('refreshed:')) {
    const sealed = value.slice('refreshed:'.length);
    const session = await openSession(sealed, o.keyring);
    if (session) return { kind: 'refreshed', session, sealed };
  }
  return null;
}
