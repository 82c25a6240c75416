import type { ClientAuthentication } from '../client-auth/authenticate.ts';
import type { DpopSigner } from '../dpop/signer.ts';
import type { AuthConfig } from '../config/types.ts';
import type { BffError } from '../errors.ts';
import type { ProviderSession, User } from '../session/types.ts';

export interface Credentials {
  email: string;
  password: string;
}

/** What a backend said about tokens; expiries it did not state are filled in by `expiry.ts`. */
export interface TokenGrant {
  accessToken: string;
  refreshToken?: string;
  /** Epoch ms, when the backend wrote an absolute time. */
  accessExpiresAt?: number;
  refreshExpiresAt?: number;
  /** Seconds from now, when the backend wrote `expires_in`. */
  accessExpiresIn?: number;
  refreshExpiresIn?: number;
  user?: User;
  /** OpenID providers: the ID token of this grant (kept as the logout hint), and who signed in (from a validated one). */
  idToken?: string;
  provider?: ProviderSession;
  /** OpenID providers: when the user last authenticated there (`auth_time`), epoch ms. */
  authenticatedAt?: number;
}

/** A token for one API rather than the sign-in's own: RFC 8707's `resource` (Auth0's `audience`) and a scope. */
export interface TokenTarget {
  resource?: string;
  scope?: string;
}

/** One HTTP call to the backend, described without doing it. */
export interface BackendCall {
  /** Relative to BACKEND_URL, or an absolute http(s) URL (an OpenID provider's published endpoint). */
  path: string;
  method: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
  /** DPoP: a fresh proof per attempt for this call (with the access token's hash when it carries one). */
  dpop?: { signer: DpopSigner; accessToken?: string };
}

/** A backend's answer: status and, when it was JSON, the parsed body. */
export interface BackendReply {
  status: number;
  json: unknown;
}

export type LoginResult = { ok: true; grant: TokenGrant } | { ok: false; error: BffError };

/**
 * `rejected`: the refresh token is definitively dead (invalid_grant-class) → log out.
 * `transient`: anything else (5xx, 429, malformed answer) → keep the session.
 */
export type RefreshReply = { ok: true; grant: TokenGrant } | { ok: false; kind: 'rejected' | 'transient'; reason: string };

/**
 * The contract of one backend family: how to ask, and how to read the answers.
 * Adapters are pure; timeouts, retries and cookies are not their business.
 */
export interface BackendAdapter {
  readonly name: string;
  /** The password login; absent for contracts that sign in elsewhere (an OpenID provider's own login page). */
  login?(credentials: Credentials): BackendCall | Promise<BackendCall>;
  parseLogin?(reply: BackendReply): LoginResult;
  /**
   * May wait for something first (an OpenID provider's discovery document); a rejection counts as an outage. With a
   * `target` (OAuth 2 servers only), the access token is asked for that API.
   */
  refresh(refreshToken: string, target?: TokenTarget): BackendCall | Promise<BackendCall>;
  parseRefresh(reply: BackendReply): RefreshReply;
  /** Upstream revocation on logout, when the backend has one. */
  logout(tokens: { accessToken: string; refreshToken?: string }): BackendCall | null | Promise<BackendCall | null>;
}

/** What a factory gets besides the configured paths and client settings. */
export interface AdapterContext {
  backendUrl: URL;
  /** Client authentication for RFC 6749 token endpoints (`tokenCall`), as configured and published. */
  client: ClientAuthentication;
  /** AUTH_DPOP=1: token requests carry proofs, so the tokens they get are bound to the app's key. */
  dpop?: DpopSigner;
}

/** An adapter is made from the configured paths and client settings. */
export type AdapterFactory = (auth: AuthConfig, context: AdapterContext) => BackendAdapter;
