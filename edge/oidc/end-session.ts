import type { NextRequest } from 'next/server';
import type { BffRuntime } from '../runtime.ts';
import type { Session } from '../session/types.ts';
import type { OidcContext } from './context.ts';
import { postLogoutUri } from './redirect-uris.ts';

/**
 * RP-Initiated Logout 1.0: where the browser goes to end its session at the provider too, with the app's own root as
 * the way back (registered at the provider; never taken from the request's input). `withHint` adds the ID token as
 * `id_token_hint`: only for a redirect the server answers (a form post), never for a URL handed to JavaScript, which
 * gets `client_id` alone (some providers then ask the user to confirm). Undefined when the provider has no
 * end_session_endpoint or cannot be reached: the local logout stands either way.
 */
export async function endSessionUrl(req: NextRequest, rt: BffRuntime, oidc: OidcContext, session: Session, withHint: boolean): Promise<string | undefined> {
  try {
    const { end_session_endpoint } = await oidc.discovery.metadata();
    if (!end_session_endpoint) return undefined;
    const url = new URL(end_session_endpoint);
    if (withHint && session.idToken) url.searchParams.set('id_token_hint', session.idToken);
    url.searchParams.set('post_logout_redirect_uri', postLogoutUri(req, rt.config));
    url.searchParams.set('client_id', oidc.auth.clientId);
    return url.toString();
  } catch {
    return undefined;
  }
}
