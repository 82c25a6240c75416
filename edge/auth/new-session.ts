import type { BffError } from '../errors.ts';
import { runHook } from '../hooks.ts';
import type { BffRuntime } from '../runtime.ts';
import type { Session } from '../session/types.ts';
import { record } from '../telemetry/metrics.ts';

/**
 * A fresh sign-in (password login or an OpenID callback), kept where sessions live (session/storage/), and told to
 * the `onLogin` hook. The cookie value to write, or why the session cannot be kept (too large for cookies, store down).
 */
export async function startSession(session: Session, rt: Pick<BffRuntime, 'sessions' | 'hooks' | 'config'>, req: { headers: Headers }): Promise<string | BffError> {
  const value = await rt.sessions.create(session, { userAgent: req.headers.get('user-agent') ?? undefined });
  if (typeof value !== 'string') return value;
  record.sessionStarted({ 'bff.auth.preset': rt.config.auth.preset, 'bff.session.mode': rt.sessions.mode });
  await runHook(rt.hooks, 'onLogin', { user: session.user, sessionId: session.sid });
  return value;
}
