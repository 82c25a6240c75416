import { callBackend } from '../backend/call.ts';
import { runHook, type LogoutEvent } from '../hooks.ts';
import { failureKind, logWarn } from '../log.ts';
import type { BffRuntime } from '../runtime.ts';
import type { Session } from '../session/types.ts';
import { record } from '../telemetry/metrics.ts';

/**
 * What follows a session's end by its user, whichever session asked: the hook is told, and the backend revokes its
 * tokens where the preset can (best effort, bounded by LOGOUT_TIMEOUT_MS; the session is gone here either way).
 */
export async function sessionEnded(session: Session, rt: BffRuntime, reason: LogoutEvent['reason']): Promise<void> {
  record.sessionEnded(reason);
  await runHook(rt.hooks, 'onLogout', { user: session.user, sessionId: session.sid, reason });
  try {
    const call = await rt.adapter.logout(session);
    if (call) {
      const reply = await callBackend(rt.config.backendUrl, call, rt.config.logoutTimeoutMs, rt.fetch);
      if (reply.status >= 400) logWarn('logout_revocation_refused', { status: reply.status });
    }
  } catch (error) {
    logWarn('logout_revocation_failed', { reason: failureKind(error) });
  }
}
