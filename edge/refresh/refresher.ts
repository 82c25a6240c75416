import type { AccessTokenVerifier } from '../backend/access-token-verifier';
import { callBackend } from '../backend/call';
import { sessionFromGrant } from '../backend/grant-to-session';
import type { BackendAdapter } from '../backend/types';
import { DEFAULTS } from '../config/defaults';
import type { BffConfig } from '../config/types';
import { BffError } from '../errors';
import { logWarn } from '../log';
import { sealSession } from '../session/codec';
import type { SessionKeyring } from '../session/keys';
import type { Session } from '../session/types';
import type { KvStore } from '../store/types';
import { coordinatedRefresh } from './cross-instance';
import { digestKey } from '../crypto/digest-key';
import { SingleFlight } from './single-flight';

export type RefreshOutcome =
  /** `sealed` is the new cookie value, encrypted once and shared by every request that waited. */
  | { kind: 'refreshed'; session: Session; sealed: string }
  /** The backend definitively refused the refresh token: the user is logged out. */
  | { kind: 'rejected' }
  /** Timeout, network error, 5xx: the session is kept and the refresh retried later. */
  | { kind: 'unavailable'; error: BffError };

export interface Refresher {
  refresh(session: Session): Promise<RefreshOutcome>;
}

export interface RefresherDeps {
  config: BffConfig;
  adapter: BackendAdapter;
  keyring: SessionKeyring;
  verifier?: AccessTokenVerifier;
  /** When set, refreshes are coordinated across instances through it. */
  store?: KvStore;
  fetch?: typeof fetch;
  now?: () => number;
}

/**
 * Refreshes sessions with single-flight per refresh token inside this instance:
 * concurrent requests share one backend call, and refreshed/rejected outcomes are
 * remembered for the grace window. Transient failures are not remembered.
 */
export function createRefresher({ config, adapter, keyring, verifier, store, fetch: fetchImpl = fetch, now = Date.now }: RefresherDeps): Refresher {
  const flight = new SingleFlight<RefreshOutcome>(config.refresh.graceMs, (o) => o.kind !== 'unavailable', now);

  async function redeem(session: Session): Promise<RefreshOutcome> {
    try {
      const reply = await callBackend(config.backendUrl, adapter.refresh(session.refreshToken), config.refresh.timeoutMs, fetchImpl);
      const parsed = adapter.parseRefresh(reply);
      if (!parsed.ok) {
        logWarn(parsed.kind === 'rejected' ? 'refresh_rejected' : 'refresh_failed', { reason: parsed.reason, status: reply.status });
        return parsed.kind === 'rejected' ? { kind: 'rejected' } : unavailable();
      }
      const next = sessionFromGrant(parsed.grant, config, now(), session);
      if (!next) throw new BffError('backend_error', 'The refresh answer was incomplete.');
      if (verifier && !(await verifier.verify(next.accessToken))) {
        logWarn('refresh_rejected', { reason: 'token_verification_failed' });
        return { kind: 'rejected' };
      }
      return { kind: 'refreshed', session: next, sealed: await sealSession(next, keyring) };
    } catch (error) {
      const code = error instanceof BffError ? error.code : 'backend_error';
      logWarn('refresh_failed', { reason: code });
      return unavailable();
    }
  }

  const coordination = store && {
    store,
    keyring,
    instanceId: crypto.randomUUID(),
    lockTtlMs: config.refresh.timeoutMs + 2_000,
    graceMs: config.refresh.graceMs,
    waitMs: config.refresh.timeoutMs + 1_000,
    pollMs: DEFAULTS.refreshPollMs,
    now,
    unavailable,
  };

  return {
    async refresh(session) {
      const key = await digestKey(session.refreshToken);
      return flight.run(key, () => (coordination ? coordinatedRefresh(key, () => redeem(session), coordination) : redeem(session)));
    },
  };
}

function unavailable(): RefreshOutcome {
  return { kind: 'unavailable', error: new BffError('refresh_unavailable', 'The session could not be renewed right now.', { retryAfter: 5 }) };
}
