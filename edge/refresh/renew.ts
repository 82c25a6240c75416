import type { BffError } from '../errors.ts';
import type { BffRuntime } from '../runtime.ts';
import type { Session } from '../session/types.ts';
import { accessExpired, refreshDue } from './due.ts';
import type { RefreshOutcome } from './outcome.ts';

/** What renewing a session before its use came to. */
export type Renewal =
  /** The sign-in is over: its token expired with nothing to refresh it, or the backend refused the refresh (revoked). */
  | { ended: 'expired' | 'refresh_rejected'; outcome?: RefreshOutcome['kind'] }
  /** The session to use; `sealed` when it is a newer one to store, `error` when a refresh was unavailable. */
  | { ended?: undefined; session: Session; sealed?: string; error?: BffError; outcome?: RefreshOutcome['kind'] };

type RenewDeps = Pick<BffRuntime, 'verifier' | 'refresher' | 'revocations' | 'now'>;

/**
 * The middleware's rules for a session about to be used, shared with the server helpers. A token that fails upstream
 * verification counts as expired; one that cannot be checked right now is used as is. A due session without a refresh
 * token ends with its access token; otherwise it is refreshed when `mayRefresh()` (asked only then, off the hot path). A rejected refresh revokes the
 * sign-in on every instance. A newer session reached before an outage is kept, flagged with the outage's error.
 */
export async function renewIfDue(session: Session, rt: RenewDeps, skewMs: number, mayRefresh: () => boolean): Promise<Renewal> {
  const verdict = rt.verifier ? await rt.verifier.verify(session.accessToken) : 'valid';
  if (verdict !== 'invalid' && !refreshDue(session, rt.now(), skewMs)) return { session };
  if (!session.refreshToken) return verdict === 'invalid' || accessExpired(session, rt.now()) ? { ended: 'expired' } : { session };
  if (!mayRefresh()) return { session };
  const outcome = await rt.refresher.refresh(session, skewMs);
  if (outcome.kind === 'rejected') {
    // The backend ended this sign-in: so do copies of the cookie elsewhere.
    await rt.revocations.revoke(session);
    return { ended: 'refresh_rejected', outcome: outcome.kind };
  }
  const latest = outcome.kind === 'refreshed' ? outcome : outcome.latest;
  return {
    session: latest?.session ?? session,
    sealed: latest?.sealed,
    error: outcome.kind === 'unavailable' ? outcome.error : undefined,
    outcome: outcome.kind,
  };
}
