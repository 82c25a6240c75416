import { BffError } from '../errors.ts';
import { runHook } from '../hooks.ts';
import { logWarn } from '../log.ts';
import type { BffRuntime } from '../runtime.ts';
import { fitsInCookies } from '../session/chunks.ts';
import { sealSession } from '../session/codec.ts';
import type { Session } from '../session/types.ts';

/**
 * A fresh sign-in (password login or an OpenID callback), sealed for its cookie, and told to the `onLogin` hook.
 * Writing and reading share one size limit: a session that could not be read back is refused, never written.
 */
export async function sealNewSession(session: Session, rt: BffRuntime): Promise<string | BffError> {
  const sealed = await sealSession(session, rt.keyring);
  if (!fitsInCookies(sealed, rt.config.cookie.chunkSize)) {
    logWarn('session_too_large', { bytes: sealed.length });
    return new BffError('session_too_large', 'The sign-in answer is too large to keep in a session cookie.');
  }
  await runHook(rt.hooks, 'onLogin', { user: session.user, sessionId: session.sid });
  return sealed;
}
