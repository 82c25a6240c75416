import type { BffError } from '../errors.ts';
import type { BffRuntime } from '../runtime.ts';
import type { Session } from '../session/types.ts';
import { record } from '../telemetry/metrics.ts';
import { accessExpired, renewalDue } from './due.ts';
import type { RefreshOutcome } from './outcome.ts';
import type { RefreshOptions } from './refresher.ts';

/** What renewing a session before its use came to. */
export type Renewal =
  /** The sign-in is over: its token expired with nothing to refresh it, or the backend refused the newest refresh token. */
  | { ended: 'expired' | 'refresh_rejected'; outcome?: RefreshOutcome['kind'] }
  /** The session to use; `cookie` when the session cookie has to change, `error` when a refresh was unavailable. */
  | { ended?: undefined; session: Session; cookie?: string; error?: BffError; outcome?: RefreshOutcome['kind'] };

type RenewDeps = Pick<BffRuntime, 'verifier' | 'refresher' | 'sessions' | 'now'>;

export interface RenewOptions {
  /** Asked only when a refresh is due (off the hot path): false where its result could not be kept. */
  mayRefresh: () => boolean | Promise<boolean>;
  waitUntil?: RefreshOptions['waitUntil'];
  /** The APIs this request calls with their own token (BACKENDS with a resource or scope): renewed with the session. */
  apis?: RefreshOptions['apis'];
}

/**
 * The middleware's rules for a session about to be used, shared with the server helpers. A token that fails upstream
 * verification counts as expired; one that cannot be checked right now is used as is. A due session first moves to
 * the newest copy of its sign-in known (an old cookie lands on the current session, never on a spent token), then is
 * refreshed when `mayRefresh()`, the renewal being kept where sessions live before anyone else sees it. A refusal
 * ends only what was refused: the newest refresh token of this sign-in, never a newer one. A newer session reached
 * before an outage is kept, flagged with the outage's error.
 */
export async function renewIfDue(value: string, presented: Session, rt: RenewDeps, skewMs: number, options: RenewOptions): Promise<Renewal> {
  const verdict = rt.verifier ? await rt.verifier.verify(presented.accessToken) : 'valid';
  const due = (s: Session) => renewalDue(s, rt.now(), skewMs, options.apis);
  if (verdict !== 'invalid' && !due(presented)) return { session: presented };
  const newest = await rt.sessions.newer(presented);
  const session = newest?.session ?? presented;
  const cookie = newest && rt.sessions.cookieFor(value, presented, newest);
  if (newest && !due(session)) return { session, cookie, outcome: 'refreshed' };
  if (!session.refreshToken) {
    if (verdict !== 'invalid' && !accessExpired(session, rt.now())) return { session, cookie };
    record.sessionEnded('expired');
    return { ended: 'expired' };
  }
  if (!(await options.mayRefresh())) return { session, cookie };
  const outcome = await rt.refresher.refresh(session, skewMs, {
    persist: (next) => rt.sessions.renewed(value, next),
    waitUntil: options.waitUntil,
    apis: options.apis,
  });
  if (outcome.kind === 'rejected') return { ended: 'refresh_rejected', outcome: outcome.kind };
  const latest = outcome.kind === 'refreshed' ? outcome : outcome.latest;
  return {
    session: latest?.session ?? session,
    cookie: latest ? rt.sessions.cookieFor(value, presented, latest) : cookie,
    error: outcome.kind === 'unavailable' ? outcome.error : undefined,
    outcome: outcome.kind,
  };
}
