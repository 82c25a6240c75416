import { remember, type Fact } from './diagnostics/recent-events.ts';

/**
 * The only logger of edge/: one JSON line per event, with a code from this vocabulary and a few scalar facts.
 * Callers never pass a token, cookie value, password or a third-party error message (which may quote any of them):
 * errors reach logs as `failureKind(error)`.
 */
export type LogEvent =
  | 'login_token_invalid'
  | 'login_token_unverifiable'
  | 'logout_revocation_failed'
  | 'logout_revocation_refused'
  | 'oauth2_login_refused'
  | 'policy_invalid_or_unreachable'
  | 'rate_limit_unavailable'
  | 'rate_limit_count_failed'
  | 'refresh_failed'
  | 'refresh_rejected'
  | 'refresh_token_unverifiable'
  | 'refresh_store_unavailable'
  | 'refresh_publish_failed'
  | 'refresh_lock_release_failed'
  | 'refresh_slow'
  | 'client_token_failed'
  | 'client_token_store_unavailable'
  | 'session_persist_failed'
  | 'session_successor_unchecked'
  | 'session_successor_unshared'
  | 'session_store_unavailable'
  | 'store_connection_failed'
  | 'store_command_failed'
  | 'store_breaker_open'
  | 'store_is_cluster'
  | 'store_write_unreplicated'
  | 'csrf_origin_mismatch'
  | 'login_backend_failed'
  | 'session_revocation_unchecked'
  | 'session_revocation_unshared'
  | 'session_too_large'
  | 'hook_failed'
  | 'oidc_code_exchange_refused'
  | 'oidc_sign_in_failed'
  | 'oidc_logout_token_refused'
  | 'oidc_refreshed_id_token_refused'
  | 'login_insecure_transport'
  | 'client_auth_method'
  | 'oidc_par_failed'
  | 'dpop_token_unbound'
  | 'config_invalid';

/** One JSON line per event, at the console method of its level; warnings and errors are kept for `<auth>/diagnostics`. */
const logAt =
  (level: 'warn' | 'error' | 'info') =>
  (event: LogEvent, facts: Record<string, Fact> = {}): void => {
    if (level !== 'info') remember(level, event, facts);
    console[level](JSON.stringify({ level, source: 'bff', event, ...facts }));
  };

export const logWarn = logAt('warn');
export const logError = logAt('error');
export const logInfo = logAt('info');

/** BFF_DEBUG: what the middleware decided for one request (see handle.ts for the facts it records). */
export function logDecision(facts: Record<string, Fact>): void {
  console.info(JSON.stringify({ level: 'debug', source: 'bff', event: 'decision', ...facts }));
}

/** A stable word for why a call failed, in place of its message: `timeout`, our own error code, or `error`. */
export function failureKind(error: unknown): string {
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) return 'timeout';
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^[a-z_]+$/.test(code) ? code : 'error';
}
